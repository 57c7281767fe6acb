"""People's sign-in and sign-out pages: /login (name + password) and /logout."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gis_service.api.deps import SessionDep, SettingsDep
from gis_service.api.errors import Forbidden, ServiceError, TooManyRequests
from gis_service.people import signin
from gis_service.people.shell import Shell, render_page
from gis_service.people.tokens import same_secret
from gis_service.rules.roles import Role

router = APIRouter(tags=["sign-in"])

NameForm = Annotated[str, Form(max_length=64, description="The user's name.")]
PasswordForm = Annotated[str, Form(max_length=256, description="The user's password.")]
NextForm = Annotated[str, Form(max_length=2000, description="Where to go once signed in.")]


def safe_next(target: str | None, role: str | None = None) -> str:
    """A same-site path to go to after sign-in (never another host): else the role's page."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/idle" if role == Role.INVESTMENT else "/map"


@router.get("/login", response_class=HTMLResponse, summary="The sign-in page (HTML)")
def login_page(next: str | None = None) -> HTMLResponse:
    """The sign-in form; `next` is where the person goes once signed in."""
    return _login_form(next=safe_next(next), name="", error=None, status=200)


@router.post(
    "/login",
    summary="Sign in with name and password (sets the session cookie)",
    responses={303: {"description": "Signed in: on to `next`."}, 401: {}, 429: {}},
)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    name: NameForm = "",
    password: PasswordForm = "",
    next: NextForm = "",
) -> Response:
    """Check the pair (throttled per name and address); 303 to `next` with the cookie set."""
    _same_origin(request)
    address = request.client.host if request.client else "unknown"
    try:
        signed_in = signin.sign_in(
            session, name=name, password=password, address=address, settings=settings
        )
    except ServiceError as error:
        session.commit()  # a failure is remembered even though the answer is an error
        failed = _login_form(next=next, name=name, error=error.message, status=error.status)
        if isinstance(error, TooManyRequests) and error.headers:
            failed.headers.update(error.headers)
        return failed
    session.commit()
    response = RedirectResponse(safe_next(next, signed_in.role), status_code=303)
    response.set_cookie(
        signin.COOKIE,
        signed_in.token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout", summary="Sign out (form with the page's CSRF token)")
def logout(
    request: Request,
    session: SessionDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """End the session of the cookie; 303 to the sign-in page."""
    token = request.cookies.get(signin.COOKIE)
    current = signin.session_of(session, token)
    if current is not None:
        if not same_secret(csrf_token, current.csrf_token):
            raise Forbidden("sign-out needs the page's CSRF token", field="csrf_token")
        signin.sign_out(session, token)
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(signin.COOKIE, path="/", httponly=True, samesite="strict")
    return response


def _same_origin(request: Request) -> None:
    """Refuse a sign-in posted by another site's page (login CSRF): its Origin names it."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise Forbidden("sign-in must come from this site's own page", field="Origin")


def _login_form(*, next: str, name: str, error: str | None, status: int) -> HTMLResponse:
    """The sign-in page, with an error sentence after a failed try (nobody is shown in its bar)."""
    shell = Shell(user=None, csrf_token=None, here="/login")
    page = render_page("login.html", shell, as_of=None, next=next, name=name, error=error)
    return HTMLResponse(page, status_code=status)
