"""Collection sync: compare what a definition wants with what Plex has, then write only the differences."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from modules.builders import BuildResult
from modules.context import LibraryContext
from modules.definition import COLLECTION_MODES, CollectionDefinition, is_custom_order, plex_collection_sort
from modules.plex import PlexCollection
from modules.schedule import Schedule, scheduled_bool

EDIT_FIELDS = {"summary": "summary", "sort_title": "titleSort", "content_rating": "contentRating"}


@dataclass
class Plan:
    """Every write one collection needs; an empty plan means the collection is unchanged."""

    create: bool = False
    add: list[int] = field(default_factory=list)
    remove: list[int] = field(default_factory=list)
    edits: list[tuple[str, str]] = field(default_factory=list)
    prefs: list[tuple[str, str]] = field(default_factory=list)
    visibility: tuple[bool, bool, bool] | None = None
    smart_query: str | None = None
    moves: list[tuple[int, int | None]] = field(default_factory=list)
    label_items_add: list[int] = field(default_factory=list)
    label_items_remove: list[int] = field(default_factory=list)
    labels_add: list[str] = field(default_factory=list)
    labels_remove: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.create
            or self.add
            or self.remove
            or self.edits
            or self.prefs
            or self.visibility
            or self.smart_query is not None
            or self.moves
            or self.label_items_add
            or self.label_items_remove
        )


def _names(value: object) -> list[str]:
    return [str(x) for x in value] if isinstance(value, list) else []


def _label_edits(
    current: list[str], details: dict[str, object], own: list[str]
) -> tuple[list[str], list[str]]:
    """Labels to add and remove for `label`, `label.remove` and `label.sync` (case-insensitive), plus the
    engine's own labels (`Kometa`, a dynamic collection's mapping name), which are never removed."""
    have = {c.lower() for c in current}
    owned = {x.lower() for x in own}
    wanted = [*own, *_names(details.get("label")), *_names(details.get("label.sync"))]
    add: list[str] = []
    for name in wanted:
        if name.lower() not in have and name.lower() not in {a.lower() for a in add}:
            add.append(name)
    remove = [x for x in _names(details.get("label.remove")) if x.lower() in have and x.lower() not in owned]
    if "label.sync" in details:
        keep = {x.lower() for x in wanted}
        remove += [c for c in current if c.lower() not in keep and c not in remove]
    return add, remove


def plan_details(definition: CollectionDefinition, existing: PlexCollection | None, plan: Plan) -> None:
    attrs = existing.attrs if existing else {}
    title = existing.title if existing else definition.name
    for key, field_name in EDIT_FIELDS.items():
        if key in definition.details:
            wanted = str(definition.details[key])
            current = attrs.get(field_name, title if field_name == "titleSort" else "")
            if wanted != current:
                plan.edits += [(f"{field_name}.value", wanted), (f"{field_name}.locked", "1")]
                plan.changes.append(f"{key}: {current!r} -> {wanted!r}")
    add, remove = _label_edits(existing.labels if existing else [], definition.details, definition.own_labels)
    for index, label in enumerate(add):
        plan.edits.append((f"label[{index}].tag.tag", label))
    if remove:
        plan.edits.append(("label[].tag.tag-", ",".join(quote(x, safe="") for x in remove)))
    plan.labels_add, plan.labels_remove = add, remove
    if add or remove:
        plan.edits.append(("label.locked", "1"))
        plan.changes.append(f"labels: +{add} -{remove}")
    order = definition.details.get("collection_order")
    wanted_sort = str(plex_collection_sort(str(order))) if order is not None else None
    if (
        wanted_sort is not None
        and wanted_sort != attrs.get("collectionSort", "0")
        and not (definition.smart and order == "custom")
    ):
        plan.prefs.append(("collectionSort", wanted_sort))
        plan.changes.append(f"collection_order: {order}")
    mode = definition.details.get("collection_mode")
    if mode is not None and str(COLLECTION_MODES[str(mode)]) != attrs.get("collectionMode", "-1"):
        plan.prefs.append(("collectionMode", str(COLLECTION_MODES[str(mode)])))
        plan.changes.append(f"collection_mode: {mode}")


def plan_visibility(
    context: LibraryContext, definition: CollectionDefinition, existing: PlexCollection | None, plan: Plan
) -> None:
    keys = ("visible_library", "visible_home", "visible_shared")
    if not any(k in definition.details for k in keys):
        return
    row: dict[str, str] = {}
    if existing is not None:
        row = context.hubs().get(f"custom.collection.{context.section.key}.{existing.rating_key}", {})
    current = tuple(
        row.get(attr) == "1"
        for attr in ("promotedToRecommended", "promotedToOwnHome", "promotedToSharedHome")
    )
    wanted = []
    for key, now_value in zip(keys, current, strict=True):
        value = definition.details.get(key)
        wanted.append(now_value if value is None else _visible(value, context))
    if tuple(wanted) != current:
        plan.visibility = (wanted[0], wanted[1], wanted[2])
        plan.changes.append(f"visibility: library={wanted[0]} home={wanted[1]} shared={wanted[2]}")


def _visible(value: object, context: LibraryContext) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, Schedule):
        return scheduled_bool(value, context.now)
    return bool(value)


def plan_members(
    context: LibraryContext,
    definition: CollectionDefinition,
    result: BuildResult,
    existing: PlexCollection | None,
) -> Plan:
    plan = Plan(create=existing is None)
    if result.smart_query is not None:
        stored = existing.content.split("?", 1)[1] if existing and "?" in existing.content else None
        if stored != result.smart_query:
            plan.smart_query = result.smart_query
            plan.changes.append("smart filter set" if existing is None else "smart filter changed")
    if result.label is not None:
        plan_smart_label(context, definition, result, plan)
        return plan
    if definition.smart:
        return plan
    members = context.members(existing.title) if existing else []
    wanted = set(result.keys)
    present = set(members)
    plan.add = [k for k in result.keys if k not in present]
    if definition.sync_mode == "sync":
        plan.remove = [k for k in members if k not in wanted]
    if (
        is_custom_order(definition.details.get("collection_order"))
        and existing is not None
        and not planned(existing)
    ):
        shown = context.gateway.collection_keys(existing)
        after_writes = [k for k in shown if k not in set(plan.remove)] + plan.add
        plan.moves = _reorder_moves(after_writes, list(result.keys))
        if plan.moves:
            plan.changes.append(f"custom order: {len(plan.moves)} move(s)")
    return plan


def plan_smart_label(
    context: LibraryContext, definition: CollectionDefinition, result: BuildResult, plan: Plan
) -> None:
    """smart_label: the items get a label named after the collection; a smart collection shows that label."""
    label = result.label or definition.name
    has = {k for k in context.order if label in context.items[k].tags.get("label", [])}
    plan.label_items_add = [k for k in result.keys if k not in has]
    if definition.sync_mode == "sync":
        wanted = set(result.keys)
        plan.label_items_remove = [k for k in context.order if k in has and k not in wanted]


def _reorder_moves(current: list[int], wanted: list[int]) -> list[tuple[int, int | None]]:
    """Moves (item, after) that turn `current` into `wanted`; none when they already match."""
    order = [k for k in current if k in set(wanted)]
    order += [k for k in wanted if k not in set(order)]
    moves: list[tuple[int, int | None]] = []
    for index, key in enumerate(wanted):
        if order[index] != key:
            order.remove(key)
            order.insert(index, key)
            moves.append((key, wanted[index - 1] if index else None))
    return moves


def apply_plan(
    context: LibraryContext, definition: CollectionDefinition, plan: Plan, existing: PlexCollection | None
) -> PlexCollection | None:
    """Write the plan to Plex; returns the collection (None when a dry run would have created it)."""
    gateway, section, libtype = context.gateway, context.section, context.libtype
    collection = existing
    if collection is None:
        if plan.smart_query is not None:
            collection = gateway.create_smart_collection(section, definition.name, libtype, plan.smart_query)
        else:
            collection = gateway.create_collection(section, definition.name, libtype, plan.add)
        context.collections[definition.name] = collection
        plan_add = []
    else:
        plan_add = plan.add
        if plan.smart_query is not None:
            gateway.update_smart_filter(section, collection, plan.smart_query)
    if plan_add:
        gateway.add_to_collection(collection, plan_add)
    if plan.remove:
        gateway.remove_from_collection(section, collection, plan.remove, libtype)
    gateway.edit_collection(section, collection, plan.edits)
    gateway.collection_prefs(collection, plan.prefs)
    for key, after in plan.moves:
        gateway.move_in_collection(collection, key, after)
    if plan.visibility is not None:
        gateway.set_visibility(section, collection, *plan.visibility)
    _apply_labels(context, definition.name, plan)
    return collection


PLANNED = "planned"  # attrs["key"] of a collection a dry run would have created


def planned(collection: PlexCollection) -> bool:
    """Whether `collection` is only planned: a dry run's stand-in for a collection it would create."""
    return collection.attrs.get("key") == PLANNED


def track_plan(
    context: LibraryContext, title: str, plan: Plan, collection: PlexCollection | None = None
) -> None:
    """Keep the listing in step with a plan (written, or only planned in a dry run), so later definitions
    in the run see the state it leads to: item collection tags, smart_label labels, and the collection's
    sort title, summary, order, mode and labels (a dry run's new collection gets a planned stand-in)."""
    if collection is None and plan.create:
        collection = PlexCollection(0, title, {"key": PLANNED, "title": title})
        context.collections[title] = collection
    if collection is not None:
        for name, value in plan.edits:
            if name.endswith(".value"):
                collection.attrs[name.removesuffix(".value")] = value
        collection.attrs.update(plan.prefs)
        if plan.smart_query is not None:
            collection.attrs["smart"] = "1"
            collection.attrs["content"] = (
                f"{collection.attrs.get('content', '').split('?', 1)[0]}?{plan.smart_query}"
            )
        gone = {x.lower() for x in plan.labels_remove}
        collection.labels = [x for x in collection.labels if x.lower() not in gone] + plan.labels_add
    _track_membership(context, title, plan)
    for key in plan.label_items_add:
        context.items[key].tags.setdefault("label", []).append(title)
    for key in plan.label_items_remove:
        context.items[key].tags["label"] = [x for x in context.items[key].tags.get("label", []) if x != title]


def track_deletion(context: LibraryContext, title: str) -> None:
    """A deleted collection leaves its members' collection tags (Plex drops them with the collection)."""
    for key in context.members(title):
        context.items[key].tags["collection"].remove(title)
    context.membership_changed()


def _track_membership(context: LibraryContext, title: str, plan: Plan) -> None:
    for key in plan.add:
        names = context.items[key].tags.setdefault("collection", [])
        if title not in names:
            names.append(title)
    for key in plan.remove:
        names = context.items[key].tags.get("collection", [])
        if title in names:
            names.remove(title)
    if plan.add or plan.remove:
        context.membership_changed()


def _apply_labels(context: LibraryContext, label: str, plan: Plan) -> None:
    section, libtype = context.section, context.libtype
    for start in range(0, len(plan.label_items_add), 100):
        chunk = plan.label_items_add[start : start + 100]
        context.gateway.edit_items(section, chunk, libtype, [("label[0].tag.tag", label)])
    for start in range(0, len(plan.label_items_remove), 100):
        chunk = plan.label_items_remove[start : start + 100]
        context.gateway.edit_items(section, chunk, libtype, [("label[].tag.tag-", quote(label, safe=""))])
