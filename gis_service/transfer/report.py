"""The import report: rows read, to create, to update (field by field), unchanged, refused.

Notes tell a person about rows that go in but need a look (a point given a square outline).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from gis_service.transfer.columns import BY_FIELD
from gis_service.transfer.crs import CrsDecision
from gis_service.transfer.rows import Refusal


@dataclass(frozen=True)
class Change:
    """One field of one parcel: the stored value and the file's (JSON form)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Update:
    """A parcel the file changes, with its row and every changed field."""

    code: str
    row: int
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Note:
    """Something a person should know about a row that goes in (an approximate outline …)."""

    code: str
    row: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        """JSON form for the report."""
        return {"code": self.code, "row": self.row, "note": self.text}


@dataclass
class ImportReport:
    """What an import found and did; `applied` is true only when it was written."""

    file: str
    crs: CrsDecision
    dry_run: bool
    rows_read: int = 0
    created: list[tuple[str, int]] = field(default_factory=list)
    updated: list[Update] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON form (the API's body, the page's data)."""
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "crs": self.crs.as_dict(),
            "rows_read": self.rows_read,
            "counts": {
                "create": len(self.created),
                "update": len(self.updated),
                "unchanged": len(self.unchanged),
                "refused": len(self.refused),
            },
            "create": [{"code": code, "row": row} for code, row in self.created],
            "update": [
                {
                    "code": u.code,
                    "row": u.row,
                    "changes": [
                        {"field": c.field, "label": label(c.field), "old": c.old, "new": c.new}
                        for c in u.changes
                    ],
                }
                for u in self.updated
            ],
            "unchanged": self.unchanged,
            "refused": [r.as_dict() | {"label": label(r.field)} for r in self.refused],
            "ignored_columns": self.ignored_columns,
            "notes": [n.as_dict() for n in self.notes],
        }

    def as_text(self) -> str:
        """The report as lines for the command line."""
        lines = [
            f"file: {self.file}",
            f"coordinates: {self.crs.crs or 'none'} ({self.crs.reason})",
            f"rows read: {self.rows_read}",
            f"to create: {len(self.created)}  to update: {len(self.updated)}  "
            f"unchanged: {len(self.unchanged)}  refused: {len(self.refused)}",
        ]
        lines += [f"  create {code} (row {row})" for code, row in self.created]
        for update in self.updated:
            lines.append(f"  update {update.code} (row {update.row})")
            lines += [f"    {c.field}: {_short(c.old)} → {_short(c.new)}" for c in update.changes]
        lines += [f"  {r.as_text()}" for r in self.refused]
        lines += [f"  note {n.code} (row {n.row}): {n.text}" for n in self.notes]
        if self.ignored_columns:
            lines.append(f"ignored columns: {', '.join(self.ignored_columns)}")
        lines.append(self.outcome())
        return "\n".join(lines)

    def outcome(self) -> str:
        """One sentence: written, dry run, or nothing written because of refused rows."""
        if self.applied:
            return "written in one transaction"
        if self.refused:
            return "nothing written: fix the refused rows and import again"
        return "dry run: nothing written" if self.dry_run else "nothing to write"


def label(field: str) -> str:
    """The Chinese header of a field (the field's own name when it has none)."""
    column = BY_FIELD.get(field)
    if column is not None:
        return column.header_zh
    return "几何" if field == "geometry" else field


def _short(value: Any) -> str:
    """A value shortened for one line (geometries say only their type)."""
    if isinstance(value, dict) and "type" in value:
        return f"<{value['type']}>"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
