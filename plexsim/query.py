"""The media-query engine behind `/library/sections/{id}/all`, smart collections and smart playlists.

`search(lib, section, params)` takes the decoded query pairs in order and returns the matching items, sorted
and limited (paging is the caller's job). Parameters:

* flags are ignored: any `include*`/`exclude*`, `X-Plex-*`, and `group, having, checkFiles, skipRefresh,
  asyncAugmentMetadata, clusterZoomLevel, sourceType`;
* `type=N` picks the result libtype (default: the section's; show sections allow 2/3/4; 18 = the section's
  collections); `sort=a,b:desc,...` (optional libtype prefix, `:asc`/`:desc`/`:nullsLast`); `limit=N`;
* everything else is a filter term `[scope.]field<op>=value` (operators: `plexsim.query_terms`), or
  structure: `push=1`/`pop=1` parentheses, `and=1`/`or=1` connectors.

Boolean structure: adjacent terms are ANDed; `or=1` separates alternatives; AND binds tighter than OR
(`a&or=1&b&c` is `a OR (b AND c)`), the conventional reading. Plex is said to evaluate strictly left to right;
the clients we serve (plexapi's advanced filters, Kometa) always parenthesise mixed and/or with push/pop, for
which both readings agree. Unbalanced push/pop or a connector without operands is a QueryError.

Scoping: `show.title` on seasons/episodes tests the show; `season.index` on episodes the season;
`episode.x` / `season.x` on shows (and `episode.x` on seasons) hold when ANY descendant satisfies the whole
term, negations included (`episode.unwatched!=1` = has a watched episode). `collection.x` on items tests the
item's collections; `movie.x`/`episode.x` on collections tests their (regular) members.

Default order: titleSort ascending, ties by rating key; seasons and episodes default to their natural order
(show titleSort, season index, episode index). Explicit sorts are applied on top of that order, so it breaks
their ties. Nulls sort first ascending and last descending; `:nullsLast` puts them last ascending. A sort key
scoped to descendants (`episode.addedAt` on shows) uses the largest descendant value.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from plexsim import fields
from plexsim.model import LIBTYPE_NAMES, LIBTYPES, Item, Library, Section
from plexsim.query_terms import RELATIVE_DATE, Pred, QueryError, operator_name, term_predicate

__all__ = ["QueryError", "metadata_uri_keys", "now", "parse_content_uri", "search", "search_cached"]

FLAG_PARAMS = frozenset(
    {"group", "having", "checkFiles", "skipRefresh", "asyncAugmentMetadata", "clusterZoomLevel", "sourceType"}
)
CONTROL_PARAMS = frozenset({"type", "sort", "limit"})
STRUCTURE = frozenset({"push", "pop", "and", "or"})
_KEY = re.compile(r"^(?:([A-Za-z]+)\.)?([A-Za-z][A-Za-z0-9]*)([!<>=]*)$")
_SORT_DIRECTIONS = frozenset({"asc", "desc", "nullsLast"})
Entities = Callable[[Item], list[Item]]


def now() -> float:
    """The engine's clock (epoch seconds) for relative dates; tests monkeypatch `plexsim.query.now`."""
    return time.time()


# --------------------------------------------------------------------------- scoping


def scope_entities(lib: Library, result: str, scope: str, key: str) -> Entities | None:
    """How a term scoped to `scope` reaches its entities from a `result` item (None: the item itself)."""
    if scope == result:
        return None
    if scope not in LIBTYPES:
        raise QueryError(f"unknown libtype {scope!r} in {key!r}")
    ancestors = fields.ANCESTORS.get(result, ())
    if scope in ancestors:
        steps = ancestors.index(scope) + 1

        def up(item: Item) -> list[Item]:
            node: Item | None = item
            for _ in range(steps):
                node = lib.parent(node) if node is not None else None
            return [] if node is None else [node]

        return up
    if result in fields.ANCESTORS.get(scope, ()):
        if scope == "episode" and result == "show":
            return lib.leaves
        return lambda item: lib.children(item.rating_key)
    if scope == "collection":
        return lib.collections_of
    if result == "collection":

        def members(col: Item) -> list[Item]:
            found = (lib.items.get(rk) for rk in col.members)
            return [m for m in found if m is not None and m.type == scope]

        return members
    raise QueryError(f"{key!r}: {scope} fields do not apply to {result} results")


def _scoped(pred: Pred, entities: Entities | None) -> Pred:
    if entities is None:
        return pred
    get = entities
    return lambda item: any(pred(e) for e in get(item))


# --------------------------------------------------------------------------- terms and structure


def split_key(key: str) -> tuple[str | None, str, str]:
    """`show.year>>` -> ("show", "year", ">>"); QueryError when the key is not `[scope.]field<op chars>`."""
    m = _KEY.match(key)
    if not m:
        raise QueryError(f"malformed filter key {key!r}")
    return m.group(1), m.group(2), m.group(3)


def compile_term(lib: Library, libtype: str, key: str, value: str, clock: float) -> Pred:
    if value.startswith("=") and not key.endswith("="):  # an unencoded `title==x` parses as ("title", "=x")
        key, value = key + "=", value[1:]
    scope, name, op_chars = split_key(key)
    fd = fields.lookup_field(name)
    if fd is None:
        raise QueryError(f"unknown filter field {name!r} in {key!r}")
    op = operator_name(key, op_chars)
    entities = scope_entities(lib, libtype, scope or libtype, key)
    return _scoped(term_predicate(lib, fd, key, op, value, clock), entities)


def _all(preds: list[Pred]) -> Pred:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda item: a(item) and b(item)
    return lambda item: all(p(item) for p in preds)


def _any(preds: list[Pred]) -> Pred:
    if len(preds) == 1:
        return preds[0]
    return lambda item: any(p(item) for p in preds)


def _true(item: Item) -> bool:
    return True


def parse_tree(tokens: list[str | Pred], pos: int = 0, depth: int = 0) -> tuple[list[list[Pred]], int]:
    """Tokens are "push"/"pop"/"and"/"or" or term predicates.

    Returns the expression as OR-alternatives of AND-lists (empty when there is no term) and the position
    where parsing stopped (a `pop` closing this level, or the end).
    """
    groups: list[list[Pred]] = [[]]
    need_operand = False
    while pos < len(tokens):
        tok = tokens[pos]
        if tok == "pop":
            if depth == 0:
                raise QueryError("pop=1 without a matching push=1")
            break
        if tok in ("and", "or"):
            if need_operand or not groups[-1]:
                raise QueryError(f"{tok}=1 without a filter term before it")
            if tok == "or":
                groups.append([])
            need_operand, pos = True, pos + 1
            continue
        if tok == "push":
            inner, pos = parse_tree(tokens, pos + 1, depth + 1)
            if pos >= len(tokens):
                raise QueryError("push=1 without a matching pop=1")
            operand, pos = as_predicate(inner), pos + 1
        else:
            assert callable(tok)
            operand, pos = tok, pos + 1
        groups[-1].append(operand)
        need_operand = False
    if need_operand:
        raise QueryError("and=1/or=1 without a filter term after it")
    return ([] if not groups[0] else groups), pos


def as_predicate(groups: list[list[Pred]]) -> Pred:
    if not groups:
        return _true
    return _any([_all(g) for g in groups])


# --------------------------------------------------------------------------- sorting


@dataclass(frozen=True, slots=True)
class SortSpec:
    keyfunc: Callable[[Item], Any]
    descending: bool
    nulls_last: bool


def _sort_value(lib: Library, sort: fields.SortDef, entities: Entities | None) -> Callable[[Item], Any]:
    fn = sort.keyfunc
    if entities is None:
        return lambda item: fn(lib, item)
    get = entities

    def scoped(item: Item) -> Any:
        values = [v for v in (fn(lib, e) for e in get(item)) if v is not None]
        return max(values) if values else None

    return scoped


def parse_sort(lib: Library, libtype: str, value: str) -> list[SortSpec]:
    specs = []
    for piece in value.split(","):
        name, *mods = piece.strip().split(":")
        if not name:
            continue
        bad = [m for m in mods if m not in _SORT_DIRECTIONS]
        if bad:
            raise QueryError(f"unknown sort direction {bad[0]!r} in sort {piece!r}")
        scope, _, key = name.rpartition(".")
        scope = scope.rpartition(".")[
            2
        ]  # plexapi may send `show.episode.addedAt`: the innermost scope counts
        sort = fields.lookup_sort(key)
        if sort is None or (scope and not scope.isalpha()):
            raise QueryError(f"unknown sort field {name!r}")
        try:
            entities = scope_entities(lib, libtype, scope or libtype, name)
        except QueryError as err:
            raise QueryError(f"sort {piece!r}: {err}") from None
        specs.append(SortSpec(_sort_value(lib, sort, entities), "desc" in mods, "nullsLast" in mods))
    return specs


def _default_key(lib: Library, libtype: str) -> Callable[[Item], Any]:
    def title_key(item: Item) -> Any:
        return ((item.title_sort or item.title).casefold(), item.rating_key)

    if libtype not in ("season", "episode"):
        return title_key

    def natural(item: Item) -> Any:
        chain = [item]
        while (parent := lib.parent(chain[-1])) is not None:
            chain.append(parent)
        show = chain[-1]
        indexes = tuple(-1 if node.index is None else node.index for node in reversed(chain[:-1]))
        return ((show.title_sort or show.title).casefold(), show.rating_key, indexes, item.rating_key)

    return natural


def order(lib: Library, libtype: str, items: list[Item], specs: list[SortSpec]) -> list[Item]:
    items.sort(key=_default_key(lib, libtype))
    for spec in reversed(specs):
        # Nulls go last when descending (with or without `:nullsLast`) or with `:nullsLast`; the key is reversed
        # along with the values when descending, so nulls then need the smallest key.
        fn, last = spec.keyfunc, spec.nulls_last and not spec.descending

        def wrapped(item: Item, fn: Callable[[Item], Any] = fn, last: bool = last) -> Any:
            v = fn(item)
            if v is None:
                return (1,) if last else (0,)
            return (0, v) if last else (1, v)

        items.sort(key=wrapped, reverse=spec.descending)
    return items


# --------------------------------------------------------------------------- the query


@dataclass
class Query:
    libtype: str
    conjuncts: list[Pred] = field(default_factory=list)  # applied one after the other
    sorts: list[SortSpec] = field(default_factory=list)
    limit: int | None = None


def is_flag(key: str) -> bool:
    """Flags are ignored; plexapi advertises `group`/`having` as string fields, so they come with operators too."""
    return key.startswith(("include", "exclude", "X-Plex-")) or key.rstrip("!<>=") in FLAG_PARAMS


def result_libtype(section: Section, type_param: str | None, libtype: str | None) -> str:
    allowed = (*fields.section_libtypes(section.type), "collection")
    if type_param is None:
        return libtype or allowed[0]
    try:
        chosen = LIBTYPE_NAMES.get(int(type_param))
    except ValueError:
        chosen = None
    if chosen not in allowed:
        raise QueryError(f"type={type_param!r} is not a libtype of this {section.type} section")
    assert chosen is not None
    return chosen


def compile_query(
    lib: Library, section: Section, params: list[tuple[str, str]], libtype: str | None
) -> Query:
    control = {k: v for k, v in params if k in CONTROL_PARAMS}
    query = Query(result_libtype(section, control.get("type"), libtype))
    clock = now()
    tokens: list[str | Pred] = []
    for key, value in params:
        if key in CONTROL_PARAMS or is_flag(key):
            continue
        if key in STRUCTURE:
            tokens.append(key)
        else:
            tokens.append(compile_term(lib, query.libtype, key, value, clock))
    if tokens:
        groups, _ = parse_tree(tokens)
        query.conjuncts = groups[0] if len(groups) == 1 else [as_predicate(groups)]
    if control.get("sort"):
        query.sorts = parse_sort(lib, query.libtype, control["sort"])
    if "limit" in control:
        if not control["limit"].strip().isdigit():
            raise QueryError(f"limit={control['limit']!r} is not a non-negative integer")
        query.limit = int(control["limit"])
    return query


def search(
    lib: Library, section: Section, params: list[tuple[str, str]], libtype: str | None = None
) -> list[Item]:
    """Items of `section` matching the query `params` (decoded pairs, in order), sorted, limited, not paged."""
    query = compile_query(lib, section, params, libtype)
    items = lib.of_type(section.id, query.libtype)
    for pred in query.conjuncts:
        items = [item for item in items if pred(item)]
    order(lib, query.libtype, items, query.sorts)
    if query.limit is not None:
        del items[query.limit :]
    return items


# --------------------------------------------------------------------------- cache


_CACHE_SIZE = 32
_cache_lock = threading.Lock()
_caches: weakref.WeakKeyDictionary[Library, OrderedDict[tuple[Any, ...], list[Item]]] = (
    weakref.WeakKeyDictionary()
)
PAGING_PARAMS = frozenset({"X-Plex-Container-Start", "X-Plex-Container-Size"})


def cache_key(
    lib: Library, section: Section, params: list[tuple[str, str]], libtype: str | None
) -> tuple[Any, ...]:
    kept = tuple((k, v) for k, v in params if k not in PAGING_PARAMS and not is_flag(k))
    # Relative dates move with the clock: such results stay valid for one minute at most.
    relative = any(RELATIVE_DATE.match(part.strip()) for _, v in kept for part in v.split(","))
    bucket = int(now() // 60) if relative else None
    return (lib.revision, section.id, libtype, kept, bucket)


def warm(lib: Library) -> None:
    """Sort every section's default listings ahead of the first request (as a server's index would be)."""
    for section in lib.sections.values():
        for libtype in fields.section_libtypes(section.type):
            search_cached(lib, section, [("type", str(LIBTYPES[libtype]))], libtype)


def search_cached(
    lib: Library, section: Section, params: list[tuple[str, str]], libtype: str | None = None
) -> list[Item]:
    """`search` memoized per library on (revision, section, libtype, params without paging); LRU of 32.

    Paging through a large listing thus sorts once. Returns a fresh list (the cached one is never exposed).
    The cache is only as fresh as `lib.revision`: state changes must go through `Library.changed()`.
    """
    key = cache_key(lib, section, params, libtype)
    with _cache_lock:
        cache = _caches.setdefault(lib, OrderedDict())
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return list(found)
    result = search(lib, section, params, libtype)
    with _cache_lock:
        cache[key] = result
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return list(result)


# --------------------------------------------------------------------------- uris

_CONTENT = re.compile(
    r"^(?:server://[^/]+/com\.plexapp\.plugins\.library)?/library/sections/(\d+)/all(?:\?(.*))?$"
)
_METADATA = re.compile(
    r"^(?:server://[^/]+/com\.plexapp\.plugins\.library)?/library/metadata(?:/([0-9,\s]*))?$"
)


def parse_content_uri(content: str) -> tuple[int, list[tuple[str, str]]]:
    """Smart collection/playlist `content` -> (section id, decoded query pairs, X-Plex-* dropped)."""
    m = _CONTENT.match(content.strip())
    if not m:
        raise QueryError(f"not a smart filter uri: {content!r}")
    pairs = parse_qsl(m.group(2) or "", keep_blank_values=True)
    return int(m.group(1)), [(k, v) for k, v in pairs if not k.startswith("X-Plex-")]


def metadata_uri_keys(uri: str) -> list[int]:
    """`server://<mid>/com.plexapp.plugins.library/library/metadata/103,106` -> [103, 106] (may be empty)."""
    m = _METADATA.match(uri.strip())
    if not m:
        raise QueryError(f"not a metadata uri: {uri!r}")
    return [int(part) for part in (m.group(1) or "").split(",") if part.strip()]
