"""The settings reference as a Markdown table, generated from the Settings class."""

from __future__ import annotations

from pydantic import AliasChoices

from gis_service.settings import PROJECT_ROOT, Settings


def env_name(field: str) -> str:
    """The environment variable that sets a field (DATABASE_URL keeps its usual name)."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"GIS_{field.upper()}"


def default_text(field: str) -> str:
    """The default of a field as a reader would write it (paths relative to the project)."""
    default = Settings.model_fields[field].default
    if default is None:
        return "(unset)"
    text = str(default)
    root = str(PROJECT_ROOT)
    if text.startswith(root):
        text = text[len(root) + 1 :]
    if isinstance(default, tuple):
        text = "[" + ", ".join(str(part) for part in default) + "]"  # JSON, as pydantic reads it
    return f"`{text}`"


def settings_markdown() -> str:
    """One table row per setting: variable, default, description."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for field, info in Settings.model_fields.items():
        rows.append(f"| `{env_name(field)}` | {default_text(field)} | {info.description} |")
    return "\n".join(rows) + "\n"
