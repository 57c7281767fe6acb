"""What the leadership screen shows on a date, read from the store in one pass.

One fold of the parcels' states for the date (and one for the KPIs' baseline) feeds the KPI
tiles (`rules.kpis.compute_kpis`, the function behind /api/kpis), the Features with their
levels (`features.parcel_feature`, behind /api/parcels) and the screen's figures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy.orm import Session

from gis_service.parcels.features import feature_collection, parcel_feature
from gis_service.repo import communities, parcel_reads
from gis_service.repo.parcel_reads import Outline, ParcelQuery
from gis_service.reports.model import LEVEL_SHORT_ZH
from gis_service.rules.kpis import BASELINE_DATE, compute_kpis
from gis_service.rules.levels import LEVEL_COLOURS, LEVEL_LABELS_ZH, LEVEL_ORDER, RiskThresholds
from gis_service.rules.stages import CATEGORY_LABELS_ZH
from gis_service.screen import screen_figures as figures

# The plan's year, which playback walks through a week at a time (issue 13).
PLAYBACK_START: Final = date(2021, 1, 1)
PLAYBACK_END: Final = date(2021, 12, 31)
PLAYBACK_STEP: Final = timedelta(days=7)
# T7's investment target, 13 亿 in 万元, as the plan states it (rules.kpis holds the KPI).
KEY_PROJECT_TARGET_WAN: Final = 130000
# Bump when the JSON's shape or figures change, so no client keeps an answer of the old code.
FORMAT_VERSION: Final = 1


def screen_data(
    session: Session, on: date, *, thresholds: RiskThresholds, outlines: bool = True
) -> dict[str, Any]:
    """Everything the screen shows on a date: tiles, figures, lists and the map's parcels.

    Without `outlines` (a live screen drawing from vector tiles) `parcels` is None.
    """
    outline: Outline = "object" if outlines else "none"
    states = parcel_reads.select_parcels(session, ParcelQuery(), as_of=on, outline=outline)
    baseline = _baseline(session)
    frame = _frame(states, baseline, on, thresholds)
    features = frame.pop("_features")
    frame["parcels"] = feature_collection(figures.map_features(features)) if outlines else None
    return frame


def data_tag(session: Session, on: date, *, thresholds: RiskThresholds, kind: str) -> str:
    """An ETag for the screen's JSON, known before building it: what it is built from.

    Every write appends to parcel_event in its own transaction, so the newest event names
    the data; with the date, the thresholds and the format version it names the answer. A
    poll that still matches costs one small query instead of a fold (a 304 without work).
    """
    event_id, recorded_at = parcel_reads.change_stamp(session)
    parts = (FORMAT_VERSION, kind, on.isoformat(), event_id, recorded_at, thresholds)
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def playback_frames(
    session: Session, *, thresholds: RiskThresholds, levels: bool = True
) -> dict[str, Any]:
    """The plan's year a week at a time: each frame's figures and every parcel's level.

    Without `levels` (a screen drawing from tiles, which show each frame's date) a frame
    carries no level per code.
    """
    baseline = _baseline(session)
    frames = []
    for on in playback_dates():
        states = parcel_reads.select_parcels(session, ParcelQuery(), as_of=on, outline="none")
        frame = _frame(states, baseline, on, thresholds)
        features = frame.pop("_features")
        if levels:
            frame["levels_by_code"] = {
                f["properties"]["code"]: f["properties"]["level"] for f in features
            }
        frames.append(frame)
    return {"frames": frames}


def playback_dates() -> list[date]:
    """Every week from the plan's first day, and always its last day (2021-12-31)."""
    dates = []
    on = PLAYBACK_START
    while on < PLAYBACK_END:
        dates.append(on)
        on += PLAYBACK_STEP
    return [*dates, PLAYBACK_END]


def community_outlines(session: Session) -> dict[str, Any]:
    """The communities' outlines for the map (names are data: the page shows them as text)."""
    rows = communities.select_communities(session)
    outlines = [
        {"type": "Feature", "geometry": r["geometry"], "properties": {"name": r["name"]}}
        for r in rows
    ]
    return feature_collection(outlines)


def legend() -> dict[str, Any]:
    """Level colours and labels, and category labels, as the rules define them (one source)."""
    return {
        "levels": [
            {
                "level": lv.value,
                "colour": LEVEL_COLOURS[lv],
                "label": LEVEL_LABELS_ZH[lv],
                "short": LEVEL_SHORT_ZH[lv],  # 红, 橙 …: chips and the map's legend
            }
            for lv in LEVEL_ORDER
        ],
        "categories": dict(CATEGORY_LABELS_ZH),
        "key_project_target_wan": KEY_PROJECT_TARGET_WAN,
        "playback": {"start": PLAYBACK_START.isoformat(), "end": PLAYBACK_END.isoformat()},
    }


def _baseline(session: Session) -> list[dict[str, Any]]:
    """The states on the KPIs' baseline date (as /api/kpis reads them)."""
    return parcel_reads.select_parcels(session, ParcelQuery(), as_of=BASELINE_DATE, outline="none")


def _frame(
    states: Sequence[dict[str, Any]],
    baseline: Sequence[dict[str, Any]],
    on: date,
    thresholds: RiskThresholds,
) -> dict[str, Any]:
    """The figures of one date; the Features ride along under `_features` for the caller."""
    features = [parcel_feature(row, on=on, thresholds=thresholds) for row in states]
    kpis = compute_kpis(states, on, baseline=baseline, thresholds=thresholds)
    return {
        "as_of": on.isoformat(),
        "kpis": figures.tiles(kpis, on),
        "level_counts": figures.level_counts(features),
        "categories": figures.category_progress(features),
        "monthly": figures.monthly_completions(states, on.year, on),
        "investments": figures.investments(states, on),
        "watch": figures.watch_list(features),
        "overdue_by_unit": figures.overdue_by_unit(features),
        "_features": features,
    }
