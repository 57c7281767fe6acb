"""Parcels: list, read, history (GeoJSON, as of any date); create, patch, delete with ETags."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request, Response

from gis_service.api.auth import CreatorDep, DeleterDep, EditorDep
from gis_service.api.deps import AsOfDep, CodePath, SessionDep, SettingsDep
from gis_service.api.error_responses import error_responses
from gis_service.api.errors import NotFound
from gis_service.api.http_cache import data_etag, none_match
from gis_service.api.json_shapes import history_json, page_links
from gis_service.api.parcel_filters import ISO_DATE_QUERY, FiltersDep
from gis_service.api.preconditions import IfMatchDep, etag
from gis_service.api.request_body import JsonBodyDep
from gis_service.parcels import edits, listing
from gis_service.parcels.features import feature_collection
from gis_service.parcels.parcel_input import parse_iso_date
from gis_service.raw_json import RawJSONResponse
from gis_service.repo import parcel_reads

router = APIRouter(prefix="/api/parcels", tags=["parcels"])

RepairQuery = Annotated[
    bool, Query(description="Repair an invalid geometry (make_valid) instead of refusing it.")
]


async def _effective_date(
    effective_date: Annotated[
        str | None,
        Query(
            pattern=ISO_DATE_QUERY,
            description="Day the change became true (YYYY-MM-DD, back-dating allowed, never "
            "in the future; default today).",
        ),
    ] = None,
) -> date | None:
    """The optional effective date of a write."""
    return None if effective_date is None else parse_iso_date(effective_date, "effective_date")


EffectiveDateDep = Annotated[date | None, Depends(_effective_date)]


def _body_doc(summary: str, example: dict[str, Any], media: tuple[str, ...]) -> dict[str, Any]:
    """OpenAPI text of a JSON body read by the JsonBodyDep dependency (not by pydantic)."""
    schema = {"type": "object", "description": summary}
    content = {m: {"schema": schema, "example": example} for m in media}
    return {"requestBody": {"required": True, "content": content}}


FEATURE_EXAMPLE: Final = {
    "type": "Feature",
    "properties": {"code": "IB-99", "name": "示例楼宇", "category": "idle_building",
                   "stage": "idle", "floor_area_m2": 12000, "vacant_area_m2": 9000},
    "geometry": {"type": "Polygon", "coordinates": [[[122.45, 37.15], [122.451, 37.15],
                 [122.451, 37.151], [122.45, 37.151], [122.45, 37.15]]]},
}  # fmt: skip
# Bump when the page's JSON changes shape, so no client keeps a page of the old code.
PAGE_FORMAT: Final = 1
PATCH_EXAMPLE: Final = {"properties": {"stage": "negotiating", "intended_tenant": "某连锁超市"}}


@router.get(
    "",
    summary="Parcels as a GeoJSON FeatureCollection",
    responses=error_responses(401, 422),
)
def list_parcels(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    as_of: AsOfDep,
    filters: FiltersDep,
) -> Response:
    """Every live parcel matching the filters, with its risk level as of the date, paged."""
    stamp = parcel_reads.data_stamp(session)
    # The answer is a function of these: a poll that still matches costs one small query.
    tag = data_etag(
        PAGE_FORMAT, str(request.url), settings.public_base_url, as_of, settings.thresholds,
        stamp.version,
    )  # fmt: skip
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if none_match(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    page = listing.feature_page(
        session,
        filters.query,
        on=as_of,
        thresholds=settings.thresholds,
        levels=filters.levels,
        limit=filters.limit,
        offset=filters.offset,
        stamp=stamp,
    )
    document = feature_collection(
        page.features,
        numberMatched=page.number_matched,
        numberReturned=len(page.features),
        links=page_links(request, page.number_matched, filters.limit, filters.offset),
    )
    return RawJSONResponse(document, headers=headers)


@router.get(
    "/{code}",
    summary="One parcel as a GeoJSON Feature (ETag = its version)",
    responses=error_responses(401, 404, 422),
)
def get_parcel(
    code: CodePath,
    session: SessionDep,
    settings: SettingsDep,
    as_of: AsOfDep,
) -> RawJSONResponse:
    """One parcel by code, with its risk level as of the date; send the ETag back as If-Match."""
    feature = listing.get_feature(session, code, on=as_of, thresholds=settings.thresholds)
    return RawJSONResponse(feature, headers={"ETag": etag(int(feature["properties"]["version"]))})


@router.get(
    "/{code}/history",
    summary="Every recorded change of a parcel, newest first",
    responses=error_responses(401, 404, 422),
)
def get_history(code: CodePath, session: SessionDep) -> dict[str, Any]:
    """Who changed which field when (recorded and effective), from what to what."""
    events = parcel_reads.select_history(session, code)
    if not events:
        raise NotFound(f"no parcel with code {code!r}", field="code")
    return {"code": code, "events": [history_json(event) for event in events]}


@router.post(
    "",
    status_code=201,
    summary="Create a parcel from a GeoJSON Feature",
    responses=error_responses(400, 401, 403, 409, 413, 422),
    openapi_extra=_body_doc("A GeoJSON Feature whose properties carry `code`.",
                            FEATURE_EXAMPLE, ("application/geo+json", "application/json")),
)  # fmt: skip
def create_parcel(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    user: CreatorDep,
    effective_date: EffectiveDateDep,
    body: JsonBodyDep,
    repair: RepairQuery = False,
) -> dict[str, Any]:
    """Create a parcel (planner, admin); 201 with Location and ETag."""
    result = edits.create_parcel(
        session, body=body, user=user, settings=settings,
        effective_date=effective_date, repair=repair,
    )  # fmt: skip
    session.commit()
    response.headers["Location"] = f"{router.prefix}/{result.code}"
    response.headers["ETag"] = result.etag
    return result.body()


@router.patch(
    "/{code}",
    summary="Change a parcel by a JSON merge patch of its Feature (If-Match required)",
    # Documented as before; the handler answers the JSON itself, so FastAPI does not validate
    # and re-encode the Feature it returns (issue 10 goal 5: less Python per PATCH).
    response_model=dict[str, Any],
    responses=error_responses(400, 401, 403, 404, 412, 413, 422, 428),
    openapi_extra=_body_doc("RFC 7396 merge patch: {properties: {...}} and/or {geometry}.",
                            PATCH_EXAMPLE, ("application/merge-patch+json", "application/json")),
)  # fmt: skip
def patch_parcel(
    code: CodePath,
    session: SessionDep,
    settings: SettingsDep,
    user: EditorDep,
    expected_version: IfMatchDep,
    effective_date: EffectiveDateDep,
    body: JsonBodyDep,
    repair: RepairQuery = False,
) -> Response:
    """Apply a merge patch; 200 with the parcel and its new ETag, 412 when If-Match is stale."""
    result = edits.patch_parcel(
        session, code=code, body=body, user=user, expected_version=expected_version,
        settings=settings, effective_date=effective_date, repair=repair,
    )  # fmt: skip
    session.commit()
    return RawJSONResponse(result.body(), headers={"ETag": result.etag})


@router.delete(
    "/{code}",
    summary="Delete a parcel (admin; If-Match required; its history stays)",
    responses=error_responses(400, 401, 403, 404, 412, 422, 428),
)
def delete_parcel(
    code: CodePath,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    user: DeleterDep,
    expected_version: IfMatchDep,
    effective_date: EffectiveDateDep,
) -> dict[str, Any]:
    """Soft-delete a parcel: it leaves current views; 200 with the final version's ETag."""
    result = edits.delete_parcel(
        session, code=code, user=user, expected_version=expected_version,
        settings=settings, effective_date=effective_date,
    )  # fmt: skip
    session.commit()
    response.headers["ETag"] = result.etag
    return result.body()
