"""Issue 8: no stored text is ever run as a template (/map, past maps, history, OGC, files).

Payloads are planted in every text field a planner, the investment role, an admin (user
names, recorded as the actor) and the loader can set; every page and file must show them as
text, evaluate nothing (no "49", no process id) and answer 200.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.maps.basemaps import add_basemap
from gis_service.maps.files import QUARTER_ENDS, render_planner_maps
from gis_service.maps.page import page_html
from gis_service.maps.planner import build_planner_map
from gis_service.parcels.loader import load_folder
from gis_service.settings import Settings
from tests.api_helpers import bearer, feature, square, tokens
from tests.security_payloads import PAYLOADS, PID_49

__all__ = ["tokens"]

TEXT_FIELDS = (
    "name",
    "responsible_unit",
    "responsible_person",
    "note",
    "intended_tenant",
    "contact",
)  # fmt: skip  (community names come from the loader: see test_loaded_text_is_data)
INVESTMENT_FIELDS = ("note", "intended_tenant", "contact")
PAST = date(2021, 5, 1)
MARKED = date(2021, 5, 15)
CORRECTED = date(2021, 6, 1)


def evaluated(page: str) -> list[str]:
    """Signs that a payload ran: its results, or a template error."""
    signs = [f"{os.getpid()}|49", "UndefinedError", "TemplateSyntaxError"]
    return [sign for sign in signs if sign in page]


def as_json_text(payload: str) -> str:
    """How a payload appears inside the map's embedded JSON (`<`, `>` and `&` escaped)."""
    return json.dumps(payload, ensure_ascii=False)[1:-1]


def plant(client: TestClient, tokens: dict[str, str], code: str, payload: str) -> None:
    """An actor named after the payload creates a parcel full of it, then corrects the name."""
    admin = bearer(tokens["admin"])
    made = client.post("/api/users", json={"name": payload, "role": "planner"}, headers=admin)
    assert made.status_code == 201, made.text
    actor = bearer(made.json()["token"])
    props = {field: payload for field in TEXT_FIELDS}
    props["milestones"] = [{"name": payload, "due_date": "2021-09-30", "done_on": None}]
    props["plan_targets"] = [payload]
    body = json.dumps(feature(code, **props))
    created = client.post(
        "/api/parcels", content=body, params={"effective_date": PAST.isoformat()},
        headers=actor | {"Content-Type": "application/geo+json"},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    edit = {"properties": {field: payload + "!" for field in INVESTMENT_FIELDS}}
    investment = bearer(tokens["investment"]) | {"If-Match": '"v1"'}
    marked = client.patch(
        f"/api/parcels/{code}", json=edit, headers=investment,
        params={"effective_date": MARKED.isoformat()},
    )  # fmt: skip
    assert marked.status_code == 200, marked.text
    fix = {"properties": {"name": "已更正"}}
    planner = bearer(tokens["planner"]) | {"If-Match": '"v2"'}
    fixed = client.patch(
        f"/api/parcels/{code}", json=fix, headers=planner,
        params={"effective_date": CORRECTED.isoformat()},
    )  # fmt: skip
    assert fixed.status_code == 200, fixed.text


@pytest.fixture
def planted(client: TestClient, tokens: dict[str, str]) -> list[str]:
    """Codes of one planted parcel per payload."""
    codes = [f"IB-S{i}" for i in range(len(PAYLOADS))]
    for code, payload in zip(codes, PAYLOADS, strict=True):
        plant(client, tokens, code, payload)
    return codes


@pytest.mark.parametrize(
    "url",
    ["/map", f"/map?as_of={PAST.isoformat()}", "/map?category=idle_building&colour=stage"],
)
def test_the_map_shows_payloads_as_text(client: TestClient, planted: list[str], url: str) -> None:
    page = client.get(url)
    assert page.status_code == 200, page.text[:500]
    assert evaluated(page.text) == []
    for payload in PAYLOADS:
        assert as_json_text(payload) in page.text


def test_history_pages_show_payloads_as_text(client: TestClient, planted: list[str]) -> None:
    for code, payload in zip(planted, PAYLOADS, strict=True):
        page = client.get(f"/parcels/{code}/history")
        assert page.status_code == 200, page.text[:500]
        assert evaluated(page.text) == []
        assert payload.replace("'", "&#39;") in page.text  # the actor and the old name


@pytest.mark.parametrize("path", ["", "/{code}"])
def test_ogc_html_shows_payloads_as_text(client: TestClient, planted: list[str], path: str) -> None:
    for code, payload in zip(planted, PAYLOADS, strict=True):
        url = "/ogc/collections/idle_building/items" + path.format(code=code)
        page = client.get(url, params={"f": "html"} | ({} if path else {"limit": 1000}))
        assert page.status_code == 200, page.text[:500]
        assert evaluated(page.text) == []
        # The item page shows every property (the investment's note); the list, the code.
        shown = (payload + "!").replace("'", "&#39;") if path else code
        assert shown in page.text


def test_rendered_files_of_every_past_date_show_payloads_as_text(
    session: Session, settings: Settings, planted: list[str], tmp_path: Path
) -> None:
    dates = [*QUARTER_ENDS, PAST]
    written = render_planner_maps(session, settings, dates=dates, out=tmp_path)
    assert len(written) == len(dates)
    past = (tmp_path / f"planner_{PAST.isoformat()}.html").read_text(encoding="utf-8")
    for path, _size in written:
        assert evaluated(path.read_text(encoding="utf-8")) == [], path.name
    for payload in PAYLOADS:
        assert as_json_text(payload) in past


def loaded_folder(folder: Path, payload: str) -> Path:
    """A folder for the loader: one community and one parcel, their text all payload."""
    outline = square(size=0.01)
    community = {"name": payload, "kind": "community"}
    history = [{
        "effective_date": PAST.isoformat(), "actor": payload,
        "changes": feature(None, community=payload, **{f: payload for f in TEXT_FIELDS})
        ["properties"],
    }]  # fmt: skip
    parcel = feature("IB-L1", history=history, community=payload)
    files = {"communities.geojson": [{"type": "Feature", "properties": community,
                                      "geometry": outline}],
             "parcels.geojson": [parcel]}  # fmt: skip
    for name, features in files.items():
        text = json.dumps({"type": "FeatureCollection", "features": features})
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("payload", PAYLOADS)
def test_loaded_text_is_data(
    client: TestClient, session: Session, tmp_path: Path, payload: str
) -> None:
    """Community names, actors and fields from the loader's files are shown, not run."""
    load_folder(session, loaded_folder(tmp_path, payload), today=CORRECTED)
    for url in ("/map", f"/map?as_of={PAST.isoformat()}", "/parcels/IB-L1/history",
                "/ogc/collections/communities/items?f=html"):  # fmt: skip
        page = client.get(url)
        assert page.status_code == 200, (url, page.text[:300])
        assert evaluated(page.text) == [], url
        assert as_json_text(payload) in page.text or payload.replace("'", "&#39;") in page.text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_map_title_is_text(payload: str) -> None:
    m = build_planner_map(
        {"type": "FeatureCollection", "features": []}, {}, land=None, avenue=None,
        as_of=PAST, title=payload,
    )  # fmt: skip
    page = page_html(m)
    assert evaluated(page) == []
    assert as_json_text(payload) in page


def test_folium_elements_output_is_not_rendered_twice() -> None:
    """Text in folium's own elements (a tile attribution) is shown, not run."""
    m = build_planner_map(
        {"type": "FeatureCollection", "features": []}, {}, land=None, avenue=None, as_of=PAST
    )
    add_basemap(m, "custom", None, "https://tiles.example/{z}/{x}/{y}.png", PID_49)
    page = page_html(m)
    assert evaluated(page) == []
    assert PID_49 in page


@pytest.mark.parametrize("field", ["tianditu_key", "basemap_url", "basemap_attribution"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_settings_refuse_template_delimiters_in_map_text(field: str, payload: str) -> None:
    with pytest.raises(ValueError, match="template delimiters"):
        Settings(_env_file=None, **{field: payload})  # type: ignore[call-arg]
