"""Look-ups shared by route modules: items by path argument, collection members in their order."""

from __future__ import annotations

from plexsim import query
from plexsim.http import BadRequest, NotFound, Request
from plexsim.model import Item, Library


def item_arg(request: Request, name: str = "rk", kinds: tuple[str, ...] = ()) -> Item:
    """The item whose rating key is path argument `name`; 404 when absent or not one of `kinds`."""
    item = request.library.items.get(request.arg_int(name))
    if item is None or (kinds and item.type not in kinds):
        raise NotFound(f"no such key: {request.path}")
    return item


def collection_members(lib: Library, col: Item) -> list[Item]:
    """Members in the collection's order: smart ones evaluate their stored query on every read."""
    if col.smart:
        if not col.content:
            return []
        try:
            section_id, params = query.parse_content_uri(col.content)
        except query.QueryError:
            return []
        section = lib.sections.get(section_id)
        if section is None:
            return []
        return query.search_cached(lib, section, params, None)
    members = [lib.items[rk] for rk in col.members if rk in lib.items]
    if col.collection_sort == 1:
        return sorted(members, key=lambda m: (m.sort_title.lower(), m.rating_key))
    if col.collection_sort == 0:
        return sorted(members, key=lambda m: (m.originally_available_at or "", m.year or 0, m.rating_key))
    return members


def metadata_keys(lib: Library, uri: str) -> list[Item]:
    """Items named by a `server://.../library/metadata/1,2` uri; every key must exist."""
    try:
        keys = query.metadata_uri_keys(uri)
    except query.QueryError as exc:
        raise BadRequest(str(exc)) from None
    missing = [k for k in keys if k not in lib.items]
    if missing:
        raise NotFound(f"no metadata items {missing}")
    return [lib.items[k] for k in keys]
