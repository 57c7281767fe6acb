"""The project-owned local PostGIS cluster: install, initdb, start, stop, status.

The cluster lives in `settings.pg_data_dir` (default `var/pgdata`, git-ignored). Next to it sit
its socket folder and log, named after the data folder (`pgdata` -> `pgsock/`, `pg.log`), so it
never clashes with a system cluster. It listens on 127.0.0.1:`settings.pg_port` and on that
socket only, with trust authentication for both, and the superuser is `postgres`.

When run as root the server programs run as the `postgres` user (PostgreSQL refuses root);
the folders are handed to that user and their parents made traversable (o+x) where needed.

The URL handed out is TCP: `postgresql+psycopg://postgres@127.0.0.1:<port>/<db>`. It needs no
path quoting, works from any user and any client, and `start` fails loudly if someone else
holds the port, so it always reaches this cluster.

Modules: `commands` (paths, running programs), `install` (finding or installing PostgreSQL and
PostGIS), `cluster` (folders, initdb, start, stop, databases, status).
"""

from gis_service.pg_local.cluster import (
    drop_and_create_database,
    is_running,
    start,
    status,
    stop,
)
from gis_service.pg_local.commands import LocalPostgresError, log_path, socket_dir, url
from gis_service.pg_local.install import ensure_installed

__all__ = [
    "LocalPostgresError",
    "drop_and_create_database",
    "ensure_installed",
    "is_running",
    "log_path",
    "socket_dir",
    "start",
    "status",
    "stop",
    "url",
]
