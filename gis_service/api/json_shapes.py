"""JSON shapes of API answers beyond Features: history events and paging links."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from gis_service.api.public_urls import public_url


def history_json(event: dict[str, Any]) -> dict[str, Any]:
    """One parcel_event row as JSON: who, when (recorded, effective), field, old, new."""
    return {
        "id": event["id"],
        "action": event["action"],
        "field": event["field"],
        "old_value": event["old_value"],
        "new_value": event["new_value"],
        "effective_date": event["effective_date"].isoformat(),
        "recorded_at": event["recorded_at"].isoformat(),
        "actor": event["actor"],
        "version": event["version"],
    }


def page_links(
    request: Request, matched: int, limit: int, offset: int, media_type: str = "application/json"
) -> list[dict[str, str]]:
    """self, and next/prev when there are such pages, keeping the request's other parameters."""

    def link(rel: str, at: int) -> dict[str, str]:
        href = public_url(request, request.url.include_query_params(limit=limit, offset=at))
        return {"rel": rel, "href": href, "type": media_type}

    links = [link("self", offset)]
    if offset + limit < matched:
        links.append(link("next", offset + limit))
    if offset > 0:
        links.append(link("prev", max(0, offset - limit)))
    return links
