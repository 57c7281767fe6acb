"""Gathers what a map needs (parcels as of a date, communities, base layers) from the store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

import folium

from gis_service.maps.payload import window_ends
from gis_service.maps.planner import build_planner_map
from gis_service.maps.tile_mode import TiledParcels
from gis_service.parcels import listing
from gis_service.parcels.features import feature_collection
from gis_service.repo import communities, parcel_legend, parcel_reads, parcel_tiles
from gis_service.repo.parcel_legend import WindowBounds
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.settings import Settings


@dataclass(frozen=True)
class MapInputs:
    """The data of one map: parcels and communities as FeatureCollections, base layers."""

    as_of: date
    parcels: dict[str, Any]
    communities: dict[str, Any]
    land: dict[str, Any] | None
    avenue: dict[str, Any] | None
    data_changed_at: datetime | None
    tiled: TiledParcels | None = None


def gather(
    session: Session,
    settings: Settings,
    *,
    as_of: date,
    category: str | None = None,
    community: str | None = None,
    tiles: bool = False,
) -> MapInputs:
    """Parcels (optionally of one category or community) and everything drawn around them.

    With `tiles` (a live page, which can fetch tiles) and more parcels than `map_embed_limit`,
    only their counts are read: MapLibre GL draws them from the vector tiles. A standalone file
    cannot fetch tiles and always embeds. The Gaode basemap needs shifted shapes, so it embeds.
    """
    query = ParcelQuery(category=category, community=community)
    tiled = _tiled(session, settings, query, as_of) if tiles else None
    if tiled is not None:
        return _inputs(session, settings, as_of, feature_collection([]), tiled)
    page = listing.list_features(
        session, query, on=as_of, thresholds=settings.thresholds, outline="object"
    )
    return _inputs(session, settings, as_of, feature_collection(page.features), None)


def _tiled(
    session: Session, settings: Settings, query: ParcelQuery, as_of: date
) -> TiledParcels | None:
    """The counted parcels when the map should draw them from tiles, else None."""
    if settings.basemap == "gaode":
        return None
    month_end, quarter_end = window_ends(as_of)
    groups = parcel_legend.select_legend_groups(
        session,
        query,
        bounds=WindowBounds(as_of, month_end, quarter_end),
        thresholds=settings.thresholds,
    )
    if groups.total <= settings.map_embed_limit:
        return None
    version = parcel_tiles.data_version(session)  # the tile URLs' `v` (tile_mode)
    return TiledParcels(groups, category=query.category, community=query.community, version=version)


def _inputs(
    session: Session,
    settings: Settings,
    as_of: date,
    parcels: dict[str, Any],
    tiled: TiledParcels | None,
) -> MapInputs:
    """The parcels with the communities, the base layers and the data's last change."""
    outlines = [
        {
            "type": "Feature",
            "geometry": row["geometry"],
            "properties": {k: row[k] for k in ("name", "kind", "illustrative")},
        }
        for row in communities.select_communities(session)
    ]
    return MapInputs(
        as_of=as_of,
        parcels=parcels,
        communities=feature_collection(outlines),
        land=base_layer(settings.base_layers_dir / "land.geojson"),
        avenue=base_layer(settings.base_layers_dir / "chengshan_avenue.geojson"),
        data_changed_at=parcel_reads.last_recorded_at(session),
        tiled=tiled,
    )


def planner_map(inputs: MapInputs, settings: Settings, **options: Any) -> folium.Map:
    """The planners' map of gathered inputs, with the basemap settings; options pass through."""
    return build_planner_map(
        inputs.parcels,
        inputs.communities,
        land=inputs.land,
        avenue=inputs.avenue,
        as_of=inputs.as_of,
        data_changed_at=inputs.data_changed_at,
        basemap=settings.basemap,
        tianditu_key=settings.tianditu_key,
        custom_tiles=settings.basemap_url,
        custom_attribution=settings.basemap_attribution,
        embed_limit=settings.map_embed_limit,
        tiled=inputs.tiled,
        **options,
    )


@cache
def base_layer(path: Path) -> dict[str, Any] | None:
    """A reference layer shipped in data/geo (None when the deployment left it out)."""
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        layer: dict[str, Any] = json.load(handle)
    return layer


def base_layers(settings: Settings) -> dict[str, dict[str, Any] | None]:
    """The offline base layers (land polygon, 成山大道) drawn under maps without a basemap."""
    return {
        "land": base_layer(settings.base_layers_dir / "land.geojson"),
        "avenue": base_layer(settings.base_layers_dir / "chengshan_avenue.geojson"),
    }
