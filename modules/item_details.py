"""Kometa's item updates: details a collection applies to every item it holds, as Plex multi-item edits.

`item_label` / `item_genre` (and their `.remove` / `.sync` forms), `item_edition`, `item_critic_rating`,
`item_audience_rating`, `item_user_rating` and `item_lock_poster` / `_background` / `_square_art` / `_title`
are compared with what the items have (labels, edition and ratings from the listing; genres and locks from
the members' details, read once per run and only when such a detail is set), so an unchanged collection
makes no write. Items needing the same changes share one `PUT /library/sections/{id}/all?id=...` per 100
items. `item_refresh` and `item_analyze` are actions: one request per item on every run, as in Kometa,
`item_refresh_delay` seconds apart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from modules.context import LibraryContext
from modules.errors import DefinitionError, Location
from modules.plex import PlexItem

BATCH = 100
TAG_DETAILS = {"item_label": "label", "item_genre": "genre"}
LOCK_DETAILS = {
    "item_lock_poster": "thumb",
    "item_lock_background": "art",
    "item_lock_square_art": "squareArt",
    "item_lock_title": "title",
}
RATING_DETAILS = {
    "item_critic_rating": "rating",
    "item_audience_rating": "audienceRating",
    "item_user_rating": "userRating",
}
ACTION_DETAILS = {"item_refresh": "refresh", "item_analyze": "analyze"}
ITEM_DETAIL_KEYS = frozenset(
    {f"{key}{form}" for key in TAG_DETAILS for form in ("", ".remove", ".sync")}
    | set(LOCK_DETAILS)
    | set(RATING_DETAILS)
    | set(ACTION_DETAILS)
    | {"item_edition", "item_refresh_delay"}
)

Params = tuple[tuple[str, str], ...]


def parse_item_detail(key: str, value: Any, where: Location) -> Any:
    """The checked value of one item detail; DefinitionError names the key."""
    if key.split(".")[0] in TAG_DETAILS:
        items = value if isinstance(value, list) else str(value if value is not None else "").split(",")
        return [str(v).strip() for v in items if str(v).strip()]
    if key in LOCK_DETAILS or key in ACTION_DETAILS:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise DefinitionError(f"{key} must be true or false, got {value!r}", where)
    if key == "item_refresh_delay":
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit():
            raise DefinitionError(f"{key} must be a whole number of seconds, got {value!r}", where)
        return int(text)
    if key in RATING_DETAILS:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise DefinitionError(
                f"{key} must be a number from 0 to 10 (rating sources such as tmdb need an external service, "
                f"which this engine does not use), got {value!r}",
                where,
            ) from None
        if not 0 <= number <= 10 or isinstance(value, bool):
            raise DefinitionError(f"{key} must be a number from 0 to 10, got {value!r}", where)
        return number
    text = str(value if value is not None else "").strip()
    if not text:
        raise DefinitionError(f"{key} needs a value", where)
    return text


@dataclass
class ItemPlan:
    """Edits (parameters shared by a group of items), actions per item, and what they change."""

    edits: list[tuple[Params, list[int]]] = field(default_factory=list)
    actions: list[tuple[str, list[int]]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    delay: int = 0

    @property
    def writes(self) -> bool:
        return bool(self.edits or self.actions)


def _tag_changes(current: list[str], details: dict[str, Any], key: str) -> tuple[list[str], list[str]]:
    have = {c.lower() for c in current}
    synced = details.get(f"{key}.sync")
    wanted = [*details.get(key, []), *(synced or [])]
    add: list[str] = []
    for name in wanted:
        if name.lower() not in have and name.lower() not in {a.lower() for a in add}:
            add.append(name)
    remove = [n for n in details.get(f"{key}.remove", []) if n.lower() in have]
    if synced is not None:
        keep = {n.lower() for n in wanted}
        remove += [c for c in current if c.lower() not in keep and c not in remove]
    return add, remove


def _item_params(item: PlexItem, detail: PlexItem | None, details: dict[str, Any], libtype: str) -> Params:
    """Every parameter one item needs for the collection's item details (empty when it has them all)."""
    params: list[tuple[str, str]] = []
    for key, kind in TAG_DETAILS.items():
        if not any(k.startswith(key) for k in details):
            continue
        current = (detail if kind == "genre" and detail is not None else item).tags.get(kind, [])
        add, remove = _tag_changes(current, details, key)
        params += [(f"{kind}[{index}].tag.tag", name) for index, name in enumerate(add)]
        if remove:
            params.append((f"{kind}[].tag.tag-", ",".join(quote(name, safe="") for name in remove)))
        if (add or remove) and kind == "genre":
            params.append(("genre.locked", "1"))  # Plex's next metadata refresh would otherwise undo them
    if (
        "item_edition" in details
        and libtype == "movie"
        and item.attrs.get("editionTitle", "") != details["item_edition"]
    ):
        params += [("editionTitle.value", details["item_edition"]), ("editionTitle.locked", "1")]
    for key, name in RATING_DETAILS.items():
        if key in details and item.number(name) != details[key]:
            params += [(f"{name}.value", f"{details[key]:g}"), (f"{name}.locked", "1")]
    for key, name in LOCK_DETAILS.items():
        if key in details and detail is not None and (name in detail.locked) != details[key]:
            params.append((f"{name}.locked", "1" if details[key] else "0"))
    return tuple(params)


def plan_items(context: LibraryContext, details: dict[str, Any], members: list[int]) -> ItemPlan:
    """The writes that give every member the item details."""
    plan = ItemPlan(delay=int(details.get("item_refresh_delay", 0)))
    if "item_edition" in details and context.libtype != "movie":
        plan.warnings.append("item_edition applies to movies only and was ignored")
    needs_detail = any(k.startswith("item_genre") or k in LOCK_DETAILS for k in details)
    found = context.details(members) if needs_detail and members else {}
    groups: dict[Params, list[int]] = {}
    for rating_key in members:
        params = _item_params(context.items[rating_key], found.get(rating_key), details, context.libtype)
        if params:
            groups.setdefault(params, []).append(rating_key)
    plan.edits = list(groups.items())
    changed = sum(len(keys) for keys in groups.values())
    if changed:
        plan.changes.append(f"item details: {changed} item(s) edited")
    for name, action in ACTION_DETAILS.items():
        if details.get(name) and members:
            plan.actions.append((action, list(members)))
            plan.changes.append(f"{name}: {len(members)} item(s)")
    return plan


def apply_items(context: LibraryContext, plan: ItemPlan) -> None:
    """Write the plan: one multi-item edit per group and 100 items, then the per-item actions."""
    for params, keys in plan.edits:
        for start in range(0, len(keys), BATCH):
            context.gateway.edit_items(
                context.section, keys[start : start + BATCH], context.libtype, list(params)
            )
    for action, keys in plan.actions:
        for index, key in enumerate(keys):
            if index and plan.delay:
                time.sleep(plan.delay)
            context.gateway.query(f"/library/metadata/{key}/{action}", "PUT")


def track_items(context: LibraryContext, plan: ItemPlan) -> None:
    """Keep the run's copies of the items (listing and details) in step with the edits."""
    for params, keys in plan.edits:
        for key in keys:
            copies = [context.items[key], *context.details_known([key])]
            for item in copies:
                _track_params(item, params)


def _track_params(item: PlexItem, params: Params) -> None:
    for name, value in params:
        if name.endswith("].tag.tag"):
            kind = name.split("[", 1)[0]
            names = item.tags.setdefault(kind, [])
            if value.lower() not in {n.lower() for n in names}:
                names.append(value)
        elif name.endswith("[].tag.tag-"):
            kind = name.split("[", 1)[0]
            gone = {n.lower() for n in (unquote(v) for v in value.split(","))}
            item.tags[kind] = [n for n in item.tags.get(kind, []) if n.lower() not in gone]
        elif name.endswith(".value"):
            item.attrs[name.removesuffix(".value")] = value
        elif name.endswith(".locked") and name.removesuffix(".locked") in LOCK_DETAILS.values():
            field_name = name.removesuffix(".locked")
            if value == "1":
                item.locked.add(field_name)
            else:
                item.locked.discard(field_name)
