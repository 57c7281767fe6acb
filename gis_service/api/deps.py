"""FastAPI dependencies: settings, database sessions, the request's as-of date, a parcel code."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.types import Scope

from gis_service.api import disconnects, read_routing
from gis_service.parcels.parcel_input import CODE_PATTERN, parse_iso_date
from gis_service.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")


# The dependencies that do no I/O are `async def`: FastAPI runs those on the event loop, a
# sync one in the thread pool, one hop each (issue 10 goals 1 and 5: less Python a request).
async def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session for one request: a read replica's when read routing allows, else the
    primary's; writes commit explicitly in one transaction.

    A read's statements are cancelled if its client goes (gis_service.api.disconnects).
    """
    with read_routing.session_for(request) as session:
        statements = disconnects.watch(session, request.state)
        try:
            yield session
        finally:
            if statements is not None:
                statements.release()


def scope_session(
    scope: Scope,
    default: Callable[[Request], AbstractContextManager[Session]] | None = None,
) -> AbstractContextManager[Session]:
    """The session a route of this request would get, for an ASGI layer answering before the
    routes: `default`'s (get_session's when None), or the app's override of get_session (the
    tests share their rolled-back session so)."""
    override = scope["app"].dependency_overrides.get(get_session)
    if override is None:
        return (default or contextmanager(get_session))(Request(scope))
    if inspect.isgeneratorfunction(override):
        return contextmanager(override)()
    return nullcontext(override())


def get_primary_session(request: Request) -> Iterator[Session]:
    """A session on the primary whatever the request (the health checks report the primary)."""
    with request.app.state.sessionmaker() as session:
        yield session


def on_event_loop(parse: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """A dependency of a function that does no I/O (it parses), run on the event loop.

    The function stays plain for other callers (the CLI); FastAPI reads its parameters
    through the wrapper (it unwraps signatures and annotations).
    """

    @functools.wraps(parse)
    async def dependency(*args: P.args, **kwargs: P.kwargs) -> T:
        return parse(*args, **kwargs)

    return dependency


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
PrimarySessionDep = Annotated[Session, Depends(get_primary_session)]


async def get_as_of(
    settings: SettingsDep,
    as_of: Annotated[
        str | None,
        Query(
            description="ISO date YYYY-MM-DD the state and risk levels are computed for "
            "(default today).",
            examples=["2021-06-30"],
        ),
    ] = None,
) -> date:
    """The as-of date of the request: the query's, else the pinned or real today."""
    # Parsed here, not by pydantic, which would also take "1624999999" as a Unix time.
    if as_of is None:
        return settings.today_date()
    return parse_iso_date(as_of, "as_of")


AsOfDep = Annotated[date, Depends(get_as_of)]


# A parcel's code in a path: the codes a parcel may have (422 for others, before any query).
CodePath = Annotated[
    str, Path(pattern=f"^{CODE_PATTERN.pattern}$", description="The parcel's code, e.g. IB-03.")
]
