"""Metadata edits as Plex applies them from `PUT /library/sections/{id}/all` (and playlist edits).

Parameter forms: `title.value=X` sets, `title.locked=1|0` locks, a bare `title=X` sets and locks,
`genre[0].tag.tag=A&genre[1].tag.tag=B` adds tags (plexapi resends the existing ones for one item and
only the new ones for several, so adding is right for both),
`genre[].tag.tag-=A,B` removes tags whose names were percent-encoded once more by the client.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date
from urllib.parse import unquote

from plexsim.http import BadRequest
from plexsim.model import TAG_ALIASES, Item, Library


class EditError(BadRequest, ValueError):
    """An edit Plex would refuse (answered 400); the message names the parameter."""


def _text(value: str) -> str | None:
    return value or None


def _int(value: str) -> int | None:
    return int(value) if value else None


def _float(value: str) -> float | None:
    return float(value) if value else None


def _date(value: str) -> str | None:
    if not value:
        return None
    return date.fromisoformat(value[:10]).isoformat()


def _epoch(value: str) -> int | None:
    if not value:
        return None
    if value.lstrip("-").isdigit():
        return int(value)
    from datetime import datetime

    return int(datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp())


# Plex field name -> (Item attribute, parser)
EDITABLE: dict[str, tuple[str, Callable[[str], object]]] = {
    "title": ("title", str),
    "titleSort": ("title_sort", _text),
    "originalTitle": ("original_title", _text),
    "summary": ("summary", str),
    "tagline": ("tagline", _text),
    "studio": ("studio", _text),
    "contentRating": ("content_rating", _text),
    "originallyAvailableAt": ("originally_available_at", _date),
    "year": ("year", _int),
    "addedAt": ("added_at", _epoch),
    "userRating": ("user_rating", _float),
    "audienceRating": ("audience_rating", _float),
    "rating": ("rating", _float),
    "editionTitle": ("edition_title", _text),
    "index": ("index", _int),
}
LOCK_ONLY = {"thumb", "art", "clearLogo", "squareArt", "theme", "collection", "label", "genre", "country"}
TAG_PARAM = re.compile(r"(?P<kind>[A-Za-z]+)\[(?P<index>\d*)\]\.tag\.tag(?P<minus>-?)\Z")
IGNORED = {"id", "type", "includeExternalMedia"}


@dataclass
class EditPlan:
    """The parsed edit: values to set, locks to change, tags to give and take."""

    values: dict[str, object] = field(default_factory=dict)
    locks: dict[str, bool] = field(default_factory=dict)
    tags_added: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    tags_removed: dict[str, list[str]] = field(default_factory=dict)


def _tag_kind(name: str) -> str:
    kind = TAG_ALIASES.get(name)
    if kind is None:
        raise EditError(f"unknown tag field '{name}'")
    return kind


def _parse_value(name: str, raw: str) -> object:
    if name == "title" and not raw.strip():
        raise EditError("title must not be empty")
    parse = EDITABLE[name][1]
    try:
        return parse(raw)
    except ValueError:
        raise EditError(f"invalid value {raw!r} for '{name}'") from None


def parse_edit(params: list[tuple[str, str]]) -> EditPlan:
    plan = EditPlan()
    for key, value in params:
        tag = TAG_PARAM.match(key)
        if tag:
            kind = _tag_kind(tag["kind"])
            if tag["minus"]:
                plan.tags_removed.setdefault(kind, []).extend(unquote(v) for v in value.split(","))
            else:
                index = int(tag["index"] or len(plan.tags_added.get(kind, [])))
                plan.tags_added.setdefault(kind, []).append((index, value))
        elif key.endswith(".locked"):
            plan.locks[_lock_name(key[: -len(".locked")])] = value == "1"
        elif key.endswith(".value"):
            name = key[: -len(".value")]
            if name not in EDITABLE:
                raise EditError(f"field '{name}' cannot be edited")
            plan.values[name] = _parse_value(name, value)
        elif key in EDITABLE:
            plan.values[key] = _parse_value(key, value)
            plan.locks.setdefault(key, True)
        elif key in IGNORED or ".tag." in key or key.endswith(".id"):
            continue
        else:
            raise EditError(f"unknown edit parameter '{key}'")
    return plan


def _lock_name(name: str) -> str:
    if name in EDITABLE or name in LOCK_ONLY:
        return name
    if name in TAG_ALIASES:
        return TAG_ALIASES[name]
    raise EditError(f"field '{name}' cannot be locked")


def _check_collection_titles(lib: Library, items: list[Item], plan: EditPlan) -> None:
    """A collection may not take the title of another collection of its section."""
    title = plan.values.get("title")
    for item in items:
        if item.type != "collection" or title is None:
            continue
        other = lib.collection_by_title(item.section_id, str(title))
        if other is not None and other is not item:
            raise EditError(f"a collection named {title!r} already exists in section {item.section_id}")
    if title is not None and sum(1 for item in items if item.type == "collection") > 1:
        raise EditError("several collections cannot take the same title")


def apply_edit(lib: Library, items: list[Item], plan: EditPlan) -> None:
    """Apply a parsed edit to every item, bumping each one's `updatedAt`; EditError before any change."""
    _check_collection_titles(lib, items, plan)
    for item in items:
        for name, value in plan.values.items():
            attribute = EDITABLE[name][0]
            if item.type == "collection" and name == "title":
                _rename_collection(lib, item, str(value))
            else:
                setattr(item, attribute, value)
        for name, locked in plan.locks.items():
            if locked:
                item.locked.add(name)
            else:
                item.locked.discard(name)
        for kind in set(plan.tags_added) | set(plan.tags_removed):
            _apply_tags(lib, item, kind, plan)
        lib.touch(item)


def _rename_collection(lib: Library, col: Item, title: str) -> None:
    """Rename a collection, its members' tags and its managed hub row."""
    lib.rename_collection(col, title)
    identifier = f"custom.collection.{col.section_id}.{col.rating_key}"
    for row in lib.hubs.get(col.section_id, []):
        if row.identifier == identifier:
            row.title = title


def _apply_tags(lib: Library, item: Item, kind: str, plan: EditPlan) -> None:
    given = [name for _, name in sorted(plan.tags_added.get(kind, []), key=lambda p: p[0])]
    current = item.tags.get(kind, [])
    names = current + [n for n in given if n not in current]
    removed = {n.lower() for n in plan.tags_removed.get(kind, [])}
    names = [n for n in dict.fromkeys(names) if n.lower() not in removed]
    if kind == "collection" and item.type != "collection":
        lib.set_item_collections(item, names)
        return
    item.tags[kind] = names
    for name in names:
        lib.tag_id(kind, name)
