"""Role rules, pure: who may do what, and which fields the investment team may change."""

from __future__ import annotations

import pytest

from gis_service.parcels.fields import INVESTMENT_FIELDS
from gis_service.rules.roles import ROLES, Operation, edit_refusal, may


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("viewer", {"read"}),
        ("investment", {"read", "edit"}),
        ("planner", {"read", "create", "edit"}),
        ("admin", {"read", "create", "edit", "delete", "manage_users"}),
        ("nobody", set()),
    ],
)
def test_operations_per_role(role: str, allowed: set[str]) -> None:
    assert {op.value for op in Operation if may(role, op)} == allowed


def test_investment_edits_its_fields_of_idle_buildings_only() -> None:
    assert (
        edit_refusal(
            "investment", "idle_building", INVESTMENT_FIELDS, investment_fields=INVESTMENT_FIELDS
        )
        is None
    )
    refusal = edit_refusal(
        "investment",
        "idle_building",
        ["stage", "name", "deadline"],
        investment_fields=INVESTMENT_FIELDS,
    )
    assert refusal is not None
    assert "deadline, name" in refusal[0] and refusal[1] == "deadline"
    other = edit_refusal("investment", "key_project", ["note"], investment_fields=INVESTMENT_FIELDS)
    assert other is not None and "idle buildings only" in other[0]


@pytest.mark.parametrize("category", ["demolition_area", "old_compound", "key_project"])
def test_planners_and_admins_edit_every_field_of_every_parcel(category: str) -> None:
    for role in ("planner", "admin"):
        assert (
            edit_refusal(
                role, category, ["name", "geometry", "stage"], investment_fields=INVESTMENT_FIELDS
            )
            is None
        )


def test_viewers_edit_nothing() -> None:
    assert (
        edit_refusal("viewer", "idle_building", [], investment_fields=INVESTMENT_FIELDS) is not None
    )
    assert set(ROLES) == {"viewer", "planner", "investment", "admin"}
