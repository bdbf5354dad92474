"""plex_search answered from the listing, when every attribute is one Plex's list view holds completely.

A search on year, decade, ratings, plays, duration, title, studio, edition, content rating, resolution,
label or collection needs no request: the listing (read once per run) already has those values. Anything
else (genres and credits, which list views truncate; dates; `any` groups) goes to Plex as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from modules.context import LibraryContext
from modules.filters import compile_filters
from modules.plex import PlexItem
from modules.search import SearchError

LOCAL_ATTRIBUTES = {
    "title",
    "studio",
    "edition",
    "year",
    "critic_rating",
    "audience_rating",
    "user_rating",
    "plays",
    "duration",
    "content_rating",
    "resolution",
    "label",
    "collection",
}
SortKey = Callable[[PlexItem], Any]


def _number(name: str) -> SortKey:
    return lambda item: item.number(name)


LOCAL_SORTS: dict[str, SortKey] = {
    "titleSort": lambda item: item.sort_title.casefold(),
    "year": _number("year"),
    "rating": _number("rating"),
    "audienceRating": _number("audienceRating"),
    "userRating": _number("userRating"),
    "viewCount": lambda item: item.number("viewCount") or 0,
    "duration": _number("duration"),
    "originallyAvailableAt": lambda item: item.attrs.get("originallyAvailableAt") or None,
}


def _terms(spec: dict[str, Any]) -> dict[str, Any] | None:
    """The flat attribute mapping of an `all`-only search, or None when it has groups or `any`."""
    if "any" in spec:
        return None
    if "all" in spec:
        terms = spec["all"]
        extra = set(spec) - {"all", "sort_by", "limit", "type"}
        if not isinstance(terms, dict) or extra:
            return None
    else:
        terms = {k: v for k, v in spec.items() if k not in ("sort_by", "limit", "type")}
    if any(not isinstance(k, str) or k in ("any", "all") for k in terms):
        return None
    if any(k.split(".")[0] not in LOCAL_ATTRIBUTES | {"decade"} for k in terms):
        return None
    return dict(terms)


def _decade_as_years(terms: dict[str, Any]) -> dict[str, Any] | None:
    """`decade: 1990` is `year.gte: 1990` and `year.lte: 1999` (one decade only; lists go to Plex)."""
    if "decade" not in terms:
        return terms
    value = terms.pop("decade")
    if isinstance(value, list) or "year.gte" in terms or "year.lte" in terms:
        return None
    try:
        start = int(str(value).rstrip("s"))
    except ValueError:
        return None
    return {**terms, "year.gte": start, "year.lte": start + 9}


def order_locally(keys: list[int], context: LibraryContext, sort: str | None) -> list[int] | None:
    """Keys in Plex's order for `sort`: nulls first ascending, last descending; ties by sort title."""
    ordered = sorted(keys, key=lambda k: (context.items[k].sort_title.casefold(), k))
    for part in reversed(sort.split(",") if sort else []):
        field, _, direction = part.partition(":")
        getter = LOCAL_SORTS.get(field)
        if getter is None:
            return None
        values = {k: getter(context.items[k]) for k in ordered}
        present = [k for k in ordered if values[k] is not None]
        missing = [k for k in ordered if values[k] is None]
        descending = direction == "desc"
        present.sort(key=values.__getitem__, reverse=descending)
        ordered = present + missing if descending else missing + present
    return ordered


def _and_parts(terms: dict[str, Any], in_all: bool) -> list[dict[str, Any]]:
    """Mappings that must all match. Under `all:` a list wants every value (Kometa), so each value of a
    positive term becomes its own mapping; elsewhere a list is any of its values, as in `filters:`."""
    parts: list[dict[str, Any]] = [{}]
    for key, value in terms.items():
        negative = key.partition(".")[2].lower() in ("not", "isnot")
        if in_all and isinstance(value, list) and len(value) > 1 and not negative:
            parts += [{key: one} for one in value]
        else:
            parts[0][key] = value
    return [part for part in parts if part]


def local_search(context: LibraryContext, spec: Any, pairs: list[tuple[str, str]]) -> list[int] | None:
    """Rating keys for an (already validated) plex_search, or None when Plex must answer it."""
    if not isinstance(spec, dict):
        return None
    terms = _terms(spec)
    terms = _decade_as_years(terms) if terms is not None else None
    if terms is None:
        return None
    try:
        compiled = [
            compile_filters(part, context.libtype, today=context.now.date())
            for part in _and_parts(terms, "all" in spec)
        ]
    except SearchError:
        return None
    if any(part.needs_server for part in compiled):
        return None
    found = [k for k in context.order if all(part.local_match(context.items[k]) for part in compiled)]
    params = dict(pairs)
    ordered = order_locally(found, context, params.get("sort"))
    if ordered is None:
        return None
    limit = params.get("limit")
    return ordered[: int(limit)] if limit else ordered
