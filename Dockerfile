# The Yatou renewal map service for deployment (docker-compose.yml pairs it with the official
# PostGIS image). The wheels of shapely, pyproj, pyogrio and psycopg bundle GEOS, PROJ, GDAL and
# libpq, so the slim image needs no system packages.
FROM python:3.11-slim

# Installed (not editable), the package's default folders would point into site-packages, so
# the maps and sample-data folders are set explicitly.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GIS_MAPS_DIR=/app/maps \
    GIS_SAMPLE_DATA_DIR=/app/data/geo

WORKDIR /app

# Dependencies first, read from pyproject.toml, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

COPY README.md ./
COPY gis_service ./gis_service
RUN pip install --no-deps .

# Sample data for `gis-service load data/geo` (compose profile `sample`).
COPY data ./data

# Run unprivileged; maps/ is where `gis-service render` writes (a volume in compose).
RUN useradd --system --uid 10001 --home-dir /app app && mkdir -p /app/maps && chown app /app/maps
USER app

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"

# Migrations finish before the API starts (a half-migrated schema must never serve requests).
CMD ["sh", "-c", "gis-service db upgrade && exec gis-service serve --host 0.0.0.0 --port 8000"]
