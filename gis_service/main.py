"""The web application: create_app(settings) builds it; the engine lives in its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from gis_service import db
from gis_service.api import disconnects, openapi_fixes, read_routing
from gis_service.api.auth import READ_ACCESS
from gis_service.api.compression import GZIP_LEVEL, GZIP_MINIMUM
from gis_service.api.disconnects import CancelOnDisconnect
from gis_service.api.error_handlers import add_error_handlers
from gis_service.api.http_cache import ConditionalGetMiddleware
from gis_service.api.overload import BoundedQueue
from gis_service.api.page_fast_path import PageFastPath
from gis_service.api.patch_fast_path import PatchFastPath
from gis_service.api.public_urls import TrustedHosts
from gis_service.api.request_text import RefuseUnstorableText
from gis_service.api.routers import (
    idle_routes,
    import_page_routes,
    kpi_routes,
    map_tile_routes,
    ogc_routes,
    page_routes,
    parcel_routes,
    photo_routes,
    report_routes,
    screen_routes,
    screen_tile_routes,
    service_routes,
    signin_routes,
    tile_routes,
    transfer_routes,
    user_routes,
)
from gis_service.api.static_files import CachedStaticFiles
from gis_service.api.tile_fast_path import TileFastPath
from gis_service.settings import Settings

STATIC_DIR = Path(__file__).parent / "static"
SWAGGER_UI = "swagger-ui-5.35.0"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for the given settings (read from the environment when None)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = db.make_engine(settings, serving=True)
        app.state.engine = engine
        app.state.sessionmaker = db.make_sessionmaker(engine)
        app.state.read_replica = read_routing.open_read_replica(settings)  # issue 10 goal 8
        disconnects.install(app.state.sessionmaker)
        if app.state.read_replica is not None:
            disconnects.install(app.state.read_replica.sessionmaker)
        yield
        tile_pool = getattr(app.state, "tile_pool", None)
        if tile_pool is not None:
            await tile_pool.close()
        engine.dispose()
        if app.state.read_replica is not None:
            app.state.read_replica.engine.dispose()

    app = FastAPI(
        title="崖头街道城市更新地图 API",
        description="Parcels of the Yatou subdistrict renewal plan: progress, deadlines, history.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from our own copy of Swagger UI, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    openapi_fixes.install(app)
    add_error_handlers(app)
    # Middlewares, innermost first. The ETag names the JSON, not its encoding, and a 304 is
    # decided before the body would be compressed (compressing then dropping it was the waste).
    # issue 10 goal 5: a plain one-parcel PATCH skips routing and dependency resolution
    app.add_middleware(PatchFastPath, settings=settings)
    app.add_middleware(CancelOnDisconnect)  # a read's statements end when its client goes
    app.add_middleware(ConditionalGetMiddleware)  # ETag / 304 on the polled JSON reads
    app.add_middleware(read_routing.ReadAfterWrite)  # the primary's answers carry its position
    # issue 10: a 1,000-feature page is ~1 MB of GeoJSON and shrinks about 5x
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM, compresslevel=GZIP_LEVEL)
    # issue 10 goal 1: plain public GeoJSON pages in one statement, before the middlewares
    app.add_middleware(PageFastPath, settings=settings)
    # issue 10 goal 3: versioned tiles, answered inside the Host check and the overload limit
    app.add_middleware(TileFastPath, settings=settings)
    # issue 10: at most max_in_flight requests at once; the others wait, then get 503.
    app.add_middleware(BoundedQueue, limit=settings.max_in_flight, wait=settings.queue_timeout)
    app.add_middleware(RefuseUnstorableText)
    app.add_middleware(TrustedHosts, allowed=settings.allowed_hosts)  # outermost: runs first
    app.include_router(service_routes.router)  # health checks and the icon: open to all
    app.include_router(signin_routes.router)  # the sign-in page is open to all
    for routes in (
        parcel_routes,
        user_routes,
        kpi_routes,
        ogc_routes,
        tile_routes,
        page_routes,
        map_tile_routes,
        idle_routes,
        photo_routes,
        report_routes,
        transfer_routes,
        import_page_routes,
    ):
        # 401 unless public_read or a live token: on the routers, never per handler (issue 8)
        app.include_router(routes.router, dependencies=READ_ACCESS)
    # The screen checks its own readers: READ_ACCESS, or a live kiosk key (screen/links.py).
    app.include_router(screen_routes.router)
    app.include_router(screen_tile_routes.router)
    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")

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

    return app
