"""/idle and the edit page as HTML: the config they carry, who gets a form, the KPI headline."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.idle.form import FORM_FIELDS, editable_fields
from gis_service.parcels.fields import INVESTMENT_FIELDS
from gis_service.rules.stages import STAGES
from tests.people_helpers import add_person, sign_in


def config_of(page: str, element_id: str) -> dict[str, Any]:
    """The JSON config a page embeds in <script type="application/json" id=...>."""
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page)
    assert match is not None, f"no {element_id} in the page"
    config: dict[str, Any] = json.loads(match.group(1))
    return config


def test_editable_fields_follow_the_role_table() -> None:
    investment = editable_fields("investment")
    assert set(investment["idle_building"]) == INVESTMENT_FIELDS & set(FORM_FIELDS)
    assert {
        "stage",
        "vacant_area_m2",
        "floor_area_m2",
        "intended_tenant",
        "contact",
        "note",
    } <= set(investment["idle_building"])
    assert investment["key_project"] == [] and investment["demolition_area"] == []
    planner = editable_fields("planner")
    assert (
        "investment_wan" in planner["key_project"]
        and "vacant_area_m2" not in planner["key_project"]
    )
    assert set(planner["idle_building"]) < set(FORM_FIELDS)
    assert editable_fields("viewer")["idle_building"] == []
    assert editable_fields(None)["idle_building"] == []


def test_idle_page_carries_the_stages_and_the_kpi(client: TestClient, session: Session) -> None:
    add_person(session, "li", "investment")
    sign_in(client, "li")
    response = client.get("/idle", params={"as_of": "2021-06-30"})
    assert response.status_code == 200
    page = response.text
    assert '<a href="/idle" aria-current="page">闲置楼宇</a>' in page
    assert '<span class="ys-user">li</span>' in page
    config = config_of(page, "idle-config")
    stages = [s["value"] for s in config["editor"]["stages"]["idle_building"]]
    assert stages == list(STAGES["idle_building"])
    assert "stage" in config["editor"]["editable"]["idle_building"]
    assert config["editor"]["editable"]["key_project"] == []
    kpis = {
        k["id"]: k for k in client.get("/api/kpis", params={"as_of": "2021-06-30"}).json()["kpis"]
    }
    headline = config["revitalisation"]
    assert headline["now"] == kpis["T9"]["actual"] and headline["change"] == kpis["T9d"]["actual"]
    change = kpis["T9d"]
    assert headline["gap"] == round(max(0, change["target"] - change["actual"]), 1)
    assert headline == client.get("/api/idle/revitalisation", params={"as_of": "2021-06-30"}).json()


def test_edit_page_needs_sign_in(client: TestClient) -> None:
    response = client.get("/parcels/IB-01/edit", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/parcels/IB-01/edit"


def test_investment_gets_no_form_for_a_key_project_and_403_if_it_posts(
    client: TestClient, session: Session
) -> None:
    add_person(session, "li", "investment")
    csrf = sign_in(client, "li")
    page = client.get("/parcels/KP-01/edit")
    assert page.status_code == 403
    assert "您无权编辑此地块" in page.text and 'id="editor"' not in page.text
    assert 'id="editor"' in client.get("/parcels/IB-01/edit").text
    etag = client.get("/api/parcels/KP-01").headers["etag"]
    headers = {"If-Match": etag, "X-CSRF-Token": csrf}
    posted = client.patch("/api/parcels/KP-01", json={"properties": {"note": "x"}}, headers=headers)
    assert posted.status_code == 403


def test_map_popups_offer_edit_links_by_role(client: TestClient, session: Session) -> None:
    add_person(session, "li", "investment")
    anonymous = client.get("/map", params={"as_of": "2021-06-30"}).text
    assert 'data-edit-categories=""' in anonymous and "/static/js/photos.js" in anonymous
    sign_in(client, "li")
    signed = client.get("/map", params={"as_of": "2021-06-30"}).text
    assert 'data-edit-categories="idle_building"' in signed
    assert '<span class="ys-role">招商</span>' in signed


def test_planners_edit_any_category_with_its_own_stages(
    client: TestClient, session: Session
) -> None:
    add_person(session, "zhang", "planner")
    sign_in(client, "zhang")
    page = client.get("/parcels/KP-01/edit")
    assert page.status_code == 200
    config = config_of(page.text, "editor-config")
    assert config["code"] == "KP-01"
    assert "responsible_unit" in config["editor"]["editable"]["key_project"]
    stages = [s["value"] for s in config["editor"]["stages"]["key_project"]]
    assert stages == list(STAGES["key_project"])
