"""Builders: which items a collection should hold, from the listing where it holds the data, else from Plex."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from modules import search
from modules.context import LibraryContext
from modules.definition import CollectionDefinition
from modules.errors import DefinitionError
from modules.filters import compile_filters
from modules.local_search import local_search, order_locally
from modules.search_fields import LEVEL_PLURALS, SORTS, TYPE_NUMBERS


@dataclass
class BuildResult:
    """Desired members in builder order, or for smart collections the Plex query they store."""

    keys: list[int] = field(default_factory=list)
    smart_query: str | None = None
    label: str | None = None
    filtered_out: int = 0


def _search_pairs(context: LibraryContext, spec: Any, path: str) -> list[tuple[str, str]]:
    if not isinstance(spec, dict):
        raise DefinitionError(f"{path} must be a mapping of search attributes", None)
    try:
        pairs = search.build_query(
            spec, context.libtype, tag_ids=context.tag_id, today=context.now.date(), root=path
        )
    except search.SearchError as exc:
        raise DefinitionError(f"{exc.path}: {exc}", None) from None
    if pairs[0] != ("type", str(TYPE_NUMBERS[context.libtype])):
        # The collection would hold seasons or episodes: Kometa's builder_level, which this engine lacks.
        raise DefinitionError(
            f"{path}.type: {spec.get('type')} would build a collection of {spec.get('type')}, but this engine "
            f"builds collections of {LEVEL_PLURALS[context.libtype]} only (builder_level is not supported)",
            None,
        )
    return pairs


def collectionless(context: LibraryContext, spec: Any, own_name: str | None = None) -> list[int]:
    """Items in no collection, not counting the collections `exclude` names or whose title or sort title
    starts with an `exclude_prefix` prefix (Kometa also matches `exclude` against sort titles), nor the
    collection being built (`own_name`): its own members would otherwise stop being collectionless."""
    spec = spec if isinstance(spec, dict) else {}
    excluded = {str(x) for x in _as_list(spec.get("exclude"))}
    if own_name is not None:
        excluded.add(own_name)
    prefixes = tuple(str(x) for x in _as_list(spec.get("exclude_prefix")))

    def counts(name: str) -> bool:
        known = context.collections.get(name)
        sort = known.attrs.get("titleSort", "") if known is not None else ""
        names = (name, sort) if sort else (name,)
        return not any(n in excluded or (prefixes and n.startswith(prefixes)) for n in names)

    return [
        key
        for key in context.order
        if not any(counts(name) for name in context.items[key].tags.get("collection", []))
    ]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def run_builder(
    context: LibraryContext, name: str, value: Any, own_name: str | None = None, path: str | None = None
) -> list[int]:
    """Rating keys one builder finds, in its order; a list of mappings runs the builder once per mapping."""
    if name == "plex_all":
        return list(context.order)
    if name in ("plex_search", "plex_collectionless") and isinstance(value, list):
        if not value:
            raise DefinitionError(f"{name} needs a mapping or a list of mappings", None)
        found: list[int] = []
        for index, entry in enumerate(value):
            found.extend(run_builder(context, name, entry, own_name, f"{name}[{index}]"))
        return found
    if name == "plex_search":
        pairs = _search_pairs(context, value, path or name)
        local = local_search(context, value, pairs)
        return local if local is not None else context.gateway.search_keys(context.section, pairs)
    if name == "plex_collectionless":
        return collectionless(context, value, own_name)
    raise DefinitionError(f"builder {name} cannot be run here", None)


def apply_filters(context: LibraryContext, keys: list[int], spec: Any) -> list[int]:
    """Keep the items that pass `filters:`; tag filters the listing truncates ask Plex, once per branch."""
    try:
        compiled = compile_filters(spec, context.libtype, today=context.now.date())
    except search.SearchError as exc:
        raise DefinitionError(f"{exc.path}: {exc}", None) from None
    passing: set[int] = set()
    for branch in compiled.branches:
        local = [k for k in keys if branch.local_match(context.items[k])]
        terms = branch.server_terms(context.tag_id)
        if terms:
            allowed = set(context.gateway.search_keys(context.section, terms))
            local = [k for k in local if k in allowed]
        passing.update(local)
    return [k for k in keys if k in passing]


def arrange(context: LibraryContext, keys: list[int], order: object) -> list[int]:
    """The member order a collection_order asks for: builder order, reversed, or sorted by a Plex sort."""
    if order == "custom.desc":
        return list(reversed(keys))
    if not isinstance(order, str) or order not in SORTS:
        return keys
    plex_sort = SORTS[order]
    local = order_locally(keys, context, plex_sort)
    if local is not None:
        return local
    wanted = set(keys)
    pairs = [("type", str(TYPE_NUMBERS[context.libtype])), ("sort", plex_sort)]
    return [k for k in context.gateway.search_keys(context.section, pairs) if k in wanted]


def build(context: LibraryContext, definition: CollectionDefinition) -> BuildResult:
    """Run the definition's builders in order (a union), then filters, ignore_ids and limit."""
    result = BuildResult()
    seen: set[int] = set()
    label_sort: object = None
    for name, value in definition.builders:
        if name == "smart_filter":
            pairs = _search_pairs(context, value, "smart_filter")
            result.smart_query = search.query_string(pairs)
            return result
        if name == "smart_label":
            result.label = definition.name
            label_sort = value.get("sort_by") if isinstance(value, dict) else value
            continue
        for key in run_builder(context, name, value, definition.name):
            if key not in seen and key in context.items:
                seen.add(key)
                result.keys.append(key)
    if definition.filters is not None:
        before = len(result.keys)
        result.keys = apply_filters(context, result.keys, definition.filters)
        result.filtered_out = before - len(result.keys)
    if context.ignore_ids:
        result.keys = [k for k in result.keys if k not in context.ignore_ids]
    if definition.limit is not None:
        result.keys = result.keys[: definition.limit]
    result.keys = arrange(context, result.keys, definition.details.get("collection_order"))
    if result.label is not None:
        pairs = [("type", str(TYPE_NUMBERS[context.libtype]))]
        if isinstance(label_sort, str) and label_sort in SORTS:
            pairs.append(("sort", SORTS[label_sort]))
        pairs.append(("label", definition.name))
        result.smart_query = search.query_string(pairs)
    return result
