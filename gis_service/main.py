"""The web application: create_app(settings) builds it; the engine lives in its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from gis_service import db
from gis_service.deps import SessionDep
from gis_service.error_handlers import add_fallback_handlers
from gis_service.errors import ServiceError
from gis_service.http_cache import ConditionalGetMiddleware
from gis_service.routers import kpis, ogc, pages, parcels, screen, users
from gis_service.settings import Settings

STATIC_DIR = Path(__file__).parent / "static"
SWAGGER_UI = "swagger-ui-5.35.0"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for the given settings (read from the environment when None)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = db.make_engine(settings)
        app.state.engine = engine
        app.state.sessionmaker = db.make_sessionmaker(engine)
        yield
        engine.dispose()

    app = FastAPI(
        title="崖头街道城市更新地图 API",
        description="Parcels of the Yatou subdistrict renewal plan: progress, deadlines, history.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from our own copy of Swagger UI, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    _add_error_handlers(app)
    app.include_router(parcels.router)
    app.include_router(users.router)
    app.include_router(kpis.router)
    app.include_router(ogc.router)
    app.include_router(pages.router)
    app.include_router(screen.router)
    app.add_middleware(ConditionalGetMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """The interactive API reference, with every asset served by this service."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="崖头街道城市更新地图 API",
            swagger_js_url=f"/static/vendor/{SWAGGER_UI}/swagger-ui-bundle.js",
            swagger_css_url=f"/static/vendor/{SWAGGER_UI}/swagger-ui.css",
            swagger_favicon_url="/favicon.ico",
            oauth2_redirect_url=f"/static/vendor/{SWAGGER_UI}/oauth2-redirect.html",
        )

    @app.get("/healthz", tags=["service"], summary="Liveness and database check")
    def healthz(session: SessionDep) -> dict[str, str]:
        """Answer ok when the database answers, with the PostGIS version."""
        version = session.execute(text("SELECT postgis_lib_version()")).scalar_one()
        return {"status": "ok", "postgis": str(version)}

    return app


def _add_error_handlers(app: FastAPI) -> None:
    """Map every error to one JSON shape: {error, message, field, ...}."""

    add_fallback_handlers(app)

    @app.exception_handler(ServiceError)
    async def service_error(_: Request, error: ServiceError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        if first.get("type") == "json_invalid":  # malformed JSON is a 400, not a 422
            bad = {"error": "malformed_json", "message": "body is not valid JSON", "field": "body"}
            return JSONResponse(bad, status_code=400)
        skip = ("body", "query", "path", "header")
        where = [str(part) for part in first.get("loc", ()) if part not in skip]
        field = ".".join(where) or None
        message = f"{field or 'request'}: {first.get('msg', 'invalid value')}"
        body = {"error": "invalid_input", "message": message, "field": field}
        return JSONResponse(body, status_code=422)
