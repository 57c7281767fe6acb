"""OGC API – Features: query parsing, documents (JSON, HTML, schema, OpenAPI) and Part 4 writes.

The router is `gis_service.api.routers.ogc_routes`; docs/ogc-api.md describes the service.
"""
