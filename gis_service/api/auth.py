"""Bearer tokens, sign-in cookies and the request's user: who is calling, may they act at all.

Scripts send a bearer token; people's browsers send the session cookie of their sign-in
(`gis_service.people.signin`), and with it the CSRF token on every unsafe method (403
without it). Tokens are `secrets.token_urlsafe(32)`, shown once and stored as their SHA-256
hex digest. Reads are open when the `public_read` setting is on; writes always need a live token
(401 with `WWW-Authenticate: Bearer` otherwise, RFC 6750). Finer checks (which fields, which
parcels) are `gis_service.rules.roles`, applied by `gis_service.parcels.edits`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from gis_service.api.deps import SessionDep, SettingsDep
from gis_service.api.errors import Forbidden, InvalidInput, Unauthorized
from gis_service.people import signin
from gis_service.people.tokens import hash_token as hash_token  # also for screen.links
from gis_service.people.tokens import new_token, same_secret
from gis_service.repo import users
from gis_service.rules.roles import ROLES, Operation, may

_bearer = HTTPBearer(
    auto_error=False,
    description="An API token from `gis-service user add NAME --role ROLE`.",
)
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


@dataclass(frozen=True)
class User:
    """The caller: a user name (recorded as the actor of edits) and a role."""

    name: str
    role: str

    def require(self, operation: Operation) -> None:
        """Raise Forbidden unless the role may perform the operation."""
        if not may(self.role, operation):
            raise Forbidden(f"role {self.role} may not {operation.value.replace('_', ' ')}")


def create_user(session: Session, *, name: str, role: str) -> tuple[dict[str, Any], str]:
    """Add a user with a fresh token; returns (the stored user, the token, shown only now)."""
    if not name or len(name) > 64 or not name.isprintable():
        raise InvalidInput("name must be 1–64 printable characters", field="name")
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", field="role")
    token, token_hash = new_token()
    user = users.add_user(session, name=name, role=role, token_hash=token_hash)
    return user, token


def user_of_token(session: Session, token: str) -> User | None:
    """The live user holding a token, or None for unknown and revoked tokens."""
    row = users.find_by_token_hash(session, hash_token(token))
    return None if row is None else User(name=row["name"], role=row["role"])


SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def current_caller(request: Request, session: SessionDep, credentials: BearerDep) -> User | None:
    """The user of the request's bearer token, else of its sign-in cookie; None without either.

    401 for a bad token; 403 for a cookie-authenticated write without the right CSRF token.
    A dependency, so FastAPI runs it once per request however many checks use it.
    """
    if credentials is None:
        return _signed_in_caller(request, session)
    if credentials.scheme.lower() != "bearer":
        raise Unauthorized("use `Authorization: Bearer <token>`", field="Authorization")
    user = user_of_token(session, credentials.credentials)
    if user is None:
        raise Unauthorized("the token is unknown or revoked", field="Authorization")
    return user


def _signed_in_caller(request: Request, session: Session) -> User | None:
    """The person of the request's session cookie (CSRF-checked on unsafe methods), or None."""
    signed_in = signin.session_of(session, request.cookies.get(signin.COOKIE))
    request.state.signed_in = signed_in  # the pages' shell shows it and hands out its CSRF token
    if signed_in is None:
        return None
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(signin.CSRF_HEADER, "")
        if not same_secret(sent, signed_in.csrf_token):
            raise Forbidden(
                f"a signed-in write needs the page's CSRF token in {signin.CSRF_HEADER}",
                field=signin.CSRF_HEADER,
            )
    return User(name=signed_in.name, role=signed_in.role)


CallerDep = Annotated[User | None, Depends(current_caller)]


def current_reader(settings: SettingsDep, user: CallerDep) -> User | None:
    """The caller of a read: anyone when reads are public, else a user with a live token."""
    if user is None and not settings.public_read:
        raise Unauthorized("reads need a token on this service", field="Authorization")
    return user


async def current_writer(user: CallerDep) -> User:
    """The caller of a write: always a user with a live token or sign-in (401 otherwise)."""
    if user is None:
        raise Unauthorized("writes need `Authorization: Bearer <token>`", field="Authorization")
    return user


def allowed_to(operation: Operation) -> Callable[[User], Coroutine[Any, Any, User]]:
    """A dependency: the writing user, once its role may perform the operation (403 if not)."""

    async def dependency(user: Annotated[User, Depends(current_writer)]) -> User:
        user.require(operation)
        return user

    return dependency


async def _read_access(settings: SettingsDep, user: CallerDep) -> User | None:
    """current_reader as a dependency run on the event loop (no thread-pool hop)."""
    return current_reader(settings, user)


# Read access is checked on the routers (`main.create_app`), never per handler (issue 8).
READ_ACCESS: Final = [Depends(_read_access)]
WriterDep = Annotated[User, Depends(current_writer)]
AdminDep = Annotated[User, Depends(allowed_to(Operation.MANAGE_USERS))]
CreatorDep = Annotated[User, Depends(allowed_to(Operation.CREATE))]
EditorDep = Annotated[User, Depends(allowed_to(Operation.EDIT))]
DeleterDep = Annotated[User, Depends(allowed_to(Operation.DELETE))]
