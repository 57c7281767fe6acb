"""All settings of the service, read from the environment (prefix GIS_) or a .env file.

This is the only module that reads the environment. `DATABASE_URL` is honoured without the
prefix because every PostgreSQL tool and host knows it by that name.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gis_service.rules.levels import RiskThresholds

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Settings of the Yatou renewal map service."""

    model_config = SettingsConfigDict(
        env_prefix="GIS_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "GIS_DATABASE_URL"),
        description="PostGIS to use. When unset, the project-owned local cluster is used "
        "(started by `gis-service db start`). `postgresql://` URLs are used with psycopg 3.",
    )
    pg_data_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "pgdata",
        description="Folder of the project-owned local PostgreSQL cluster (git-ignored).",
    )
    pg_port: int = Field(default=54329, description="TCP port of the local cluster on 127.0.0.1.")
    pg_database: str = Field(default="yatou", description="Database name in the local cluster.")
    database_read_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_READ_URL", "GIS_DATABASE_READ_URL"),
        description="A hot standby of DATABASE_URL's database (PostgreSQL streaming "
        "replication) that serves reads; writes, and a client's reads until the standby has "
        "replayed its last write, stay on the primary. Unset: everything reads the primary.",
    )
    replica_retry_seconds: float = Field(
        default=5.0,
        gt=0,
        description="After the read replica fails to connect, reads go to the primary for this "
        "many seconds before it is tried again.",
    )
    pg_replica_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "pgreplica",
        description="Folder of the local standby that `gis-service db replica start` copies "
        "from the local cluster (git-ignored; removed by `db replica stop`).",
    )
    pg_replica_port: int | None = Field(
        default=None,
        description="TCP port of the local standby on 127.0.0.1 (GIS_PG_PORT + 1 when unset).",
    )
    pg_bin_dir: Path | None = Field(
        default=None,
        description="Folder with initdb/pg_ctl; found under /usr/lib/postgresql when unset.",
    )

    host: str = Field(default="127.0.0.1", description="Address `gis-service serve` binds.")
    port: int = Field(default=8000, description="Port `gis-service serve` binds.")
    public_base_url: str | None = Field(
        default=None,
        description="The service's address as its users reach it (e.g. "
        "`https://gis.example.gov.cn/yatou`); absolute links (OGC, paging) are built from it. "
        "When unset they use the request's Host, which must be one of GIS_ALLOWED_HOSTS.",
    )
    allowed_hosts: tuple[str, ...] = Field(
        default=("localhost", "127.0.0.1", "::1", "testserver"),
        description="Host names the service answers to (JSON list; `*.example.org` matches "
        'subdomains, `["*"]` any host); other Host headers get 400. `testserver` is the '
        "test client's name.",
    )
    public_read: bool = Field(
        default=True, description="Reads need no token (intranet default). Writes always do."
    )
    max_body_bytes: int = Field(
        default=5 * 1024 * 1024, description="Largest request body or upload accepted (413 above)."
    )
    service_area: tuple[float, float, float, float] = Field(
        default=(122.30, 37.00, 122.65, 37.30),
        description="minlon,minlat,maxlon,maxlat: every stored geometry must lie inside it.",
    )
    today: date | None = Field(
        default=None,
        description="Pin the default as-of date (for demos of the 2021 plan); today when unset.",
    )

    level_orange_days: int = Field(default=14, description="Orange when days_left ≤ this.")
    level_yellow_days: int = Field(default=30, description="Yellow when days_left ≤ this.")
    level_orange_lag: int = Field(default=25, description="Orange when lag ≥ this (points).")
    level_yellow_lag: int = Field(default=10, description="Yellow when lag ≥ this (points).")

    basemap: Literal["none", "osm", "tianditu", "gaode", "custom"] = Field(
        default="none",
        description="Basemap under the maps. `none` draws the bundled land polygon (offline); "
        "`custom` is a tile server of your own (GIS_BASEMAP_URL); the others need access to "
        "their public tile servers (`gaode` shifts our layers to GCJ-02).",
    )
    tianditu_key: str | None = Field(
        default=None, description="Tianditu `tk` key (needed when basemap is `tianditu`)."
    )
    basemap_url: str | None = Field(
        default=None,
        description="Tile URL template of the `custom` basemap, e.g. "
        "`http://tiles.intranet/{z}/{x}/{y}.png`.",
    )
    basemap_attribution: str | None = Field(
        default=None, description="Attribution shown for the `custom` basemap."
    )
    map_embed_limit: int = Field(
        default=5000, description="Most parcels embedded in one map page or file."
    )
    sample_data_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "geo",
        description="Folder of the sample data that `gis-service up` loads.",
    )
    base_layers_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "geo",
        description="Folder of the offline base layers (land.geojson, chengshan_avenue.geojson).",
    )
    maps_dir: Path = Field(
        default=PROJECT_ROOT / "maps", description="Where `gis-service render` writes maps."
    )
    reports_dir: Path = Field(
        default=PROJECT_ROOT / "reports",
        description="Where `gis-service report` and the /reports page write reports (PDF, XLSX, "
        "HTML).",
    )
    chromium_path: Path = Field(
        default=Path("/usr/bin/chromium"),
        description="Headless Chromium that prints the reports' PDF (Debian package `chromium`).",
    )

    db_pool_size: int = Field(
        default=5,
        ge=1,
        description="Connections each worker process keeps open. `gis-service serve` sets it "
        "from PostgreSQL's max_connections and the number of workers.",
    )
    db_max_overflow: int = Field(
        default=5, ge=0, description="Connections a worker may open beyond the pool under load."
    )
    db_pool_timeout: float = Field(
        default=2.0,
        gt=0,
        description="Seconds a request waits for a free connection before it is answered 503 "
        "with Retry-After (issue 10: a fast refusal, not a 500 after 30 s).",
    )
    db_statement_timeout_ms: int = Field(
        default=30_000,
        ge=0,
        description="PostgreSQL cancels one statement after this many milliseconds (0: never), "
        "so no request holds a connection for long after its client has gone.",
    )
    max_in_flight: int = Field(
        default=32,
        ge=1,
        description="Requests one worker runs at once; more wait in a queue (503 after "
        "GIS_QUEUE_TIMEOUT).",
    )
    queue_timeout: float = Field(
        default=2.0, gt=0, description="Seconds a request may wait in the queue before a 503."
    )
    tile_cache_size: int = Field(
        default=2000,
        ge=0,
        description="Vector tiles each worker keeps built (an edit makes older ones unused).",
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        description="Worker processes of `gis-service serve` (unset: one per CPU core).",
    )

    session_hours: int = Field(
        default=12, gt=0, description="How long a sign-in lasts before the person signs in again."
    )
    signin_max_failures: int = Field(
        default=5,
        gt=0,
        description="Failed sign-ins per name, or per address, before further tries get 429.",
    )
    signin_window_minutes: int = Field(
        default=10, gt=0, description="The window in which failed sign-ins are counted."
    )
    photo_max_bytes: int = Field(
        default=10 * 1024 * 1024, gt=0, description="Largest site photo accepted (413 above)."
    )
    import_point_square_m: float = Field(
        default=20,
        gt=0,
        le=1000,
        description="Side in metres of the square outline given to a parcel that an import "
        "creates from a point row (longitude/latitude columns, a placemark); marked approximate.",
    )
    screen_refresh_seconds: float = Field(
        default=60,
        gt=0,
        description="How often /screen asks for fresh data (seconds; it sends If-None-Match, "
        "so an unchanged answer is a bodiless 304 and the page is not reloaded).",
    )
    screen_playback_seconds: float = Field(
        default=15,
        gt=0,
        description="How long /screen's playback of the plan's year (a step a week) takes.",
    )

    @field_validator("database_url", "database_read_url")
    @classmethod
    def _use_psycopg3(cls, value: str | None) -> str | None:
        """Rewrite plain postgresql:// URLs so SQLAlchemy picks psycopg 3."""
        if value is None:
            return None
        for prefix in ("postgresql://", "postgres://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("public_base_url")
    @classmethod
    def _absolute_http_url(cls, value: str | None) -> str | None:
        """An http(s) URL with a host and no query or fragment, kept without a trailing /."""
        if value is None:
            return None
        parts = urlsplit(value)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.query
            or parts.fragment
        ):
            raise ValueError("must be an http(s) URL such as https://gis.example.gov.cn/yatou")
        return value.rstrip("/")

    @field_validator("tianditu_key", "basemap_url", "basemap_attribution")
    @classmethod
    def _no_template_delimiters(cls, value: str | None) -> str | None:
        """Refuse Jinja delimiters in text that folium's own elements carry into a page."""
        # folium compiles an element's output as a template (issue 8); maps.page keeps it
        # from being rendered, but "{%" or "{#" would still break the compile.
        if value is not None and any(mark in value for mark in ("{{", "{%", "{#")):
            raise ValueError("may not contain {{, {% or {# (template delimiters)")
        return value

    @model_validator(mode="after")
    def _basemap_is_complete(self) -> Settings:
        """Refuse at start-up a basemap that could not be drawn (missing key or URL)."""
        if self.basemap == "tianditu" and not self.tianditu_key:
            raise ValueError("GIS_BASEMAP=tianditu needs GIS_TIANDITU_KEY")
        if self.basemap == "custom" and not self.basemap_url:
            raise ValueError("GIS_BASEMAP=custom needs GIS_BASEMAP_URL")
        return self

    @property
    def thresholds(self) -> RiskThresholds:
        """The deadline-risk thresholds as the rules take them."""
        return RiskThresholds(
            orange_days=self.level_orange_days,
            yellow_days=self.level_yellow_days,
            orange_lag=self.level_orange_lag,
            yellow_lag=self.level_yellow_lag,
        )

    @property
    def replica_port(self) -> int:
        """The local standby's port: its setting, else the cluster's port + 1."""
        return self.pg_replica_port or self.pg_port + 1

    def today_date(self) -> date:
        """Today for the service: the pinned `today` setting, or the real date."""
        return self.today or date.today()
