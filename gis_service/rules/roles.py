"""Who may do what: the four roles of DESIGN.md as data, and pure checks over them.

viewer reads; investment (招商) edits only idle buildings and only its marks on them; planner
creates and edits every parcel; admin also deletes parcels and manages users.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final


class Role(StrEnum):
    """The roles a token can carry (table app_user, column role)."""

    VIEWER = "viewer"
    PLANNER = "planner"
    INVESTMENT = "investment"
    ADMIN = "admin"


class Operation(StrEnum):
    """What a request does, as far as permissions go."""

    READ = "read"
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    MANAGE_USERS = "manage_users"


ROLES: Final[tuple[str, ...]] = tuple(role.value for role in Role)

ALLOWED: Final[dict[Role, frozenset[Operation]]] = {
    Role.VIEWER: frozenset({Operation.READ}),
    Role.INVESTMENT: frozenset({Operation.READ, Operation.EDIT}),
    Role.PLANNER: frozenset({Operation.READ, Operation.CREATE, Operation.EDIT}),
    Role.ADMIN: frozenset(Operation),
}

# The investment team edits idle buildings only (issue #4), and only its marks on them.
INVESTMENT_CATEGORY: Final = "idle_building"


def may(role: str, operation: Operation) -> bool:
    """Whether a role may perform an operation at all (unknown roles may do nothing)."""
    try:
        return operation in ALLOWED[Role(role)]
    except ValueError:
        return False


def edit_refusal(
    role: str, category: str, fields: Iterable[str], *, investment_fields: frozenset[str]
) -> tuple[str, str | None] | None:
    """Why a role may not change these fields of a parcel of this category: (sentence, field).

    None when the edit is allowed. `fields` are the fields the edit actually changes;
    `investment_fields` those the investment team may change (the field table says which).
    """
    if not may(role, Operation.EDIT):
        return f"role {role} may not edit parcels", None
    if role != Role.INVESTMENT:
        return None
    if category != INVESTMENT_CATEGORY:
        return f"role investment edits idle buildings only; this parcel is a {category}", None
    foreign = sorted(set(fields) - investment_fields)
    if foreign:
        allowed = ", ".join(sorted(investment_fields))
        return (
            f"role investment may not change {', '.join(foreign)} (allowed: {allowed})",
            foreign[0],
        )
    return None


def permissions(role: str) -> dict[str, bool]:
    """Every operation and whether the role may perform it (for clients that adapt their UI)."""
    return {operation.value: may(role, operation) for operation in Operation}


def last_admin_refusal(name: str, *, live_admins: Iterable[str]) -> str | None:
    """Why revoking (or demoting) this user would leave no live admin; None when it would not.

    There is no role change today; one added later must ask this too.
    """
    admins = set(live_admins)
    if admins == {name}:
        return f"{name} is the last active admin; add another admin before revoking it"
    return None
