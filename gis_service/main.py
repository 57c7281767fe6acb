"""The web application: create_app(settings) builds it; the engine lives in its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from gis_service import db
from gis_service.api.deps import SessionDep
from gis_service.api.error_handlers import add_error_handlers
from gis_service.api.http_cache import ConditionalGetMiddleware
from gis_service.api.routers import (
    kpi_routes,
    ogc_routes,
    page_routes,
    parcel_routes,
    screen_routes,
    user_routes,
)
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
    add_error_handlers(app)
    app.include_router(parcel_routes.router)
    app.include_router(user_routes.router)
    app.include_router(kpi_routes.router)
    app.include_router(ogc_routes.router)
    app.include_router(page_routes.router)
    app.include_router(screen_routes.router)
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
