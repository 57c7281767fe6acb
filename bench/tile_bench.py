"""The tile goal's tools (issue 10 goal 3): a C load client, the raw plans, nginx in front.

- `service_tile_sql`: the very statement the service runs for a tile, its values written in,
  for pgbench (the honest raw baseline beside the bench's minimal ST_AsMVT).
- `plan_summary`: one line naming the plan PostgreSQL picks for a statement (EXPLAIN), since
  the raw baseline's speed depends on it (a bitmap index scan, or a parallel sequential scan).
- `nginx_in_front`: the shipped deploy/nginx/yatou-tiles.conf in front of a server, on a free
  port with its cache in a temporary folder (None when nginx is not installed).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from load import wait_for
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from gis_service import db
from gis_service.maps.tile_grid import Tile
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.repo.parcel_statements import as_of_statement
from gis_service.settings import Settings

# pgbench's sessions plan as the service's tile transactions do (parcel_tiles.parcels_tile).
SERIAL_PLAN = "-c max_parallel_workers_per_gather=0"
NGINX_CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "yatou-tiles.conf"


def service_tile_sql(settings: Settings, engine: Engine, tile: Tile) -> str:
    """The statement /api/tiles/{z}/{x}/{y}.mvt runs (today, every category), values in."""
    with db.make_sessionmaker(engine)() as session:
        statement, params = as_of_statement(
            session,
            "parcels_tile",
            ParcelQuery(bbox=tile.bounds_degrees()),
            on=settings.today_date(),
            thresholds=settings.thresholds,
        )
    place = {"z": tile.z, "x": tile.x, "y": tile.y, "pixel": tile.pixel_metres()}
    values = params | place
    used = {k: v for k, v in values.items() if k in statement.compile().params}
    compiled = statement.bindparams(**used).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    return "\n".join(line for line in str(compiled).splitlines() if not line.startswith("--"))


def plan_summary(engine: Engine, sql: str, *, serial: bool = False) -> str:
    """The plan PostgreSQL picks for a statement, in one line: its nodes, outermost first
    (`serial`: with parallel workers off, as gis_service.repo.parcel_tiles runs tiles)."""
    with engine.connect() as connection:
        if serial:
            connection.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        plan = connection.execute(text("EXPLAIN (FORMAT JSON) " + sql)).scalar_one()
    top = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    names: list[str] = []
    _walk(top, names)
    return f"{' > '.join(names)} (estimated cost {top['Total Cost']:.0f})"


def _walk(node: dict[str, Any], names: list[str]) -> None:
    """Node names (with their relation and parallel workers) depth first."""
    name = node["Node Type"]
    if "Relation Name" in node:
        name += f" on {node['Relation Name']}"
    if "Workers Planned" in node:
        name += f" ({node['Workers Planned']} workers)"
    names.append(name)
    for child in node.get("Plans", []):
        _walk(child, names)


@contextmanager
def nginx_in_front(upstream: str, port: int) -> Iterator[str | None]:
    """nginx with the shipped tile cache config in front of `upstream` (host:port), or None."""
    binary = shutil.which("nginx", path="/usr/sbin:/usr/local/sbin:/usr/bin")
    if binary is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="yatou-nginx-") as folder:
        config = nginx_config(Path(folder), upstream, port)
        child = subprocess.Popen([binary, "-p", folder, "-c", str(config)])
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/healthz", timeout=30)
            yield base
        finally:
            child.terminate()
            child.wait(timeout=15)


def nginx_config(folder: Path, upstream: str, port: int) -> Path:
    """A main nginx.conf in `folder` including the shipped site config, adapted to run there."""
    site = NGINX_CONF.read_text(encoding="utf-8")
    site = site.replace("/var/cache/nginx/yatou-tiles", str(folder / "cache"))
    site = site.replace("server 127.0.0.1:8000;", f"server {upstream};")
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    (folder / "site.conf").write_text(site, encoding="utf-8")
    # One process, no master: nothing switches user, so the temporary folder stays writable.
    main = f"""daemon off;
master_process off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    include {folder}/site.conf;
}}
"""
    config = folder / "nginx.conf"
    config.write_text(main, encoding="utf-8")
    return config
