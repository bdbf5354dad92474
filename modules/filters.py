"""Kometa `filters:` compiled into a `FilterSet`: checks on list-view items plus Plex searches for the rest.

A `filters:` mapping is one set of filters that must all pass (AND); a list of mappings is an OR of such sets
(one `FilterBranch` each). The values of one filter are alternatives (OR); for `.not`/`.isnot` an item passes
when it matches none of them.

Local filters (evaluated on `PlexItem`, whose list view holds these completely):

| kind    | filters                                                                           | modifiers |
| ------- | --------------------------------------------------------------------------------- | --------- |
| string  | title, studio, edition                                                            | none (contains), .not, .is, .isnot, .begins, .ends, .regex |
| tag     | label, collection (also .count_gt/.count_gte/.count_lt/.count_lte), content_rating, resolution | none, .not, .regex |
| number  | year, critic_rating, audience_rating, user_rating, plays, duration (minutes), versions | none, .not, .gt, .gte, .lt, .lte |
| date    | added, release, last_played                                                       | none (last N days), .not, .before, .after |
| boolean | has_collection, has_edition, has_overlay (label `Overlay`)                        | none |

Server filters (list views truncate these tags, so each branch sends them to Plex as one search):
genre, country, director, writer, actor, producer, network, audio_language, subtitle_language (none, .not) and
has_dolby_vision (`dovi`). `.regex` and `.count_*` on them would need every item's full details: SearchError.

Comparisons: strings and tags are case-insensitive (`.regex` is as written); a number or date an item lacks
fails every modifier (except `plays`, which reads 0); dates compare by UTC day against `today`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from modules import search
from modules.plex import PlexItem
from modules.search import SearchError, TagIds
from modules.search_fields import (
    ATTRIBUTES,
    EVERY_LEVEL,
    LEVEL_PLURALS,
    MODIFIER_ALIASES,
    MOVIE,
    MOVIE_EPISODE,
    MOVIE_SHOW,
    MOVIE_SHOW_EPISODE,
    TYPE_NUMBERS,
)

Pair = tuple[str, str]
Test = Callable[[PlexItem], bool]
Getter = Callable[[PlexItem], Any]

KIND_MODIFIERS: dict[str, tuple[str, ...]] = {
    "string": ("", ".not", ".is", ".isnot", ".begins", ".ends", ".regex"),
    "tag": ("", ".not", ".regex"),
    "number": ("", ".not", ".gt", ".gte", ".lt", ".lte"),
    "date": ("", ".not", ".before", ".after"),
    "boolean": ("",),
}
COUNT_MODIFIERS = (".count_gt", ".count_gte", ".count_lt", ".count_lte")
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ".gt": operator.gt, ".gte": operator.ge, ".lt": operator.lt, ".lte": operator.le,
    ".count_gt": operator.gt, ".count_gte": operator.ge, ".count_lt": operator.lt, ".count_lte": operator.le,
    ".before": operator.lt, ".after": operator.gt,
}  # fmt: skip
RESOLUTION_ALIASES = {"2160": "4k", "uhd": "4k", "standard": "sd"}
# Kometa filters this engine does not implement (they need data a Plex list view or Plex search lacks).
UNSUPPORTED = frozenset({
    "summary", "record_label", "folder", "filepath", "audio_track_title", "subtitle_track_title", "tmdb_title",
    "audio_codec", "audio_profile", "video_codec", "video_profile", "tvdb_title", "tvdb_status", "season_title",
    "show_title", "origin_country", "tmdb_keyword", "tmdb_genre", "imdb_keyword", "tvdb_genre", "has_stinger",
    "first_episode_aired", "last_episode_aired", "last_episode_aired_or_never", "tmdb_year", "tmdb_vote_count",
    "tmdb_vote_average", "channels", "height", "width", "aspect", "stinger_rating", "history", "episodes",
    "seasons", "albums", "tracks", "original_language", "tmdb_status", "tmdb_type",
})  # fmt: skip


# --------------------------------------------------------------------------- item values


def _text(name: str) -> Getter:
    return lambda item: [item.attrs.get(name, "")]


def _tags(kind: str) -> Getter:
    return lambda item: list(item.tags.get(kind, []))


def _number(name: str, scale: float = 1.0, default: float | None = None) -> Getter:
    def get(item: PlexItem) -> list[float]:
        value = item.number(name)
        value = default if value is None else value / scale
        return [] if value is None else [value]

    return get


def _epoch_day(name: str) -> Getter:
    def get(item: PlexItem) -> list[date]:
        value = item.number(name)
        return [] if value is None else [datetime.fromtimestamp(value, UTC).date()]

    return get


def _release_day(item: PlexItem) -> list[date]:
    try:
        return [date.fromisoformat(item.attrs.get("originallyAvailableAt", "")[:10])]
    except ValueError:
        return []


def normalize_resolution(value: str) -> str:
    """`4K`, `2160p`, `UHD` -> `4k`; `1080p` -> `1080`; `SD` -> `sd`."""
    text = value.strip().casefold().removesuffix("p")
    return RESOLUTION_ALIASES.get(text, text)


@dataclass(frozen=True)
class LocalAttr:
    """A filter the list view can answer: its kind, the levels it exists at and how to read it."""

    kind: str
    levels: frozenset[str]
    get: Getter
    counts: bool = False
    normalize: Callable[[str], str] = str.casefold


LOCAL: dict[str, LocalAttr] = {
    "title": LocalAttr("string", EVERY_LEVEL, lambda item: [item.title]),
    "studio": LocalAttr("string", MOVIE_SHOW, _text("studio")),
    "edition": LocalAttr("string", MOVIE, _text("editionTitle")),
    "label": LocalAttr("tag", EVERY_LEVEL, _tags("label"), counts=True),
    "collection": LocalAttr("tag", EVERY_LEVEL, _tags("collection"), counts=True),
    "content_rating": LocalAttr("tag", MOVIE_SHOW_EPISODE, lambda i: [i.attrs["contentRating"]] if i.attrs.get("contentRating") else []),
    "resolution": LocalAttr("tag", MOVIE_EPISODE, lambda item: [r for r in item.resolutions if r], normalize=normalize_resolution),
    "year": LocalAttr("number", MOVIE_SHOW_EPISODE, _number("year")),
    "critic_rating": LocalAttr("number", MOVIE_SHOW_EPISODE, _number("rating")),
    "audience_rating": LocalAttr("number", MOVIE_SHOW_EPISODE, _number("audienceRating")),
    "user_rating": LocalAttr("number", EVERY_LEVEL, _number("userRating")),
    "plays": LocalAttr("number", EVERY_LEVEL, _number("viewCount", default=0.0)),
    "duration": LocalAttr("number", MOVIE_EPISODE, _number("duration", scale=60_000)),
    "versions": LocalAttr("number", MOVIE_EPISODE, lambda item: [float(len(item.resolutions))]),
    "added": LocalAttr("date", EVERY_LEVEL, _epoch_day("addedAt")),
    "release": LocalAttr("date", MOVIE_SHOW_EPISODE, _release_day),
    "last_played": LocalAttr("date", EVERY_LEVEL, _epoch_day("lastViewedAt")),
    "has_collection": LocalAttr("boolean", EVERY_LEVEL, lambda item: bool(item.tags.get("collection"))),
    "has_edition": LocalAttr("boolean", MOVIE, lambda item: bool(item.attrs.get("editionTitle"))),
    "has_overlay": LocalAttr("boolean", EVERY_LEVEL, lambda i: any(t.casefold() == "overlay" for t in i.tags.get("label", []))),
}  # fmt: skip

# Filter name -> the `modules.search` attribute whose Plex term answers it.
SERVER: dict[str, str] = {
    "genre": "genre", "country": "country", "director": "director", "writer": "writer", "actor": "actor",
    "producer": "producer", "network": "network", "audio_language": "audio_language",
    "subtitle_language": "subtitle_language", "has_dolby_vision": "dovi",
}  # fmt: skip


# --------------------------------------------------------------------------- compiled filters


@dataclass(frozen=True)
class Check:
    """One local filter: the key as written and its test."""

    key: str
    test: Test


@dataclass(frozen=True)
class FilterBranch:
    """One AND-set of filters: local checks plus the Plex terms for the truncated tags."""

    level: str
    checks: tuple[Check, ...] = ()
    terms: tuple[tuple[str, Any, str], ...] = ()  # (key, value, path) of the server filters
    pairs: tuple[Pair, ...] = ()
    today: date | None = None

    def local_match(self, item: PlexItem) -> bool:
        """Whether the item passes every local filter of this branch."""
        return all(check.test(item) for check in self.checks)

    @property
    def needs_server(self) -> bool:
        return bool(self.pairs)

    def server_terms(self, tag_ids: TagIds | None = None) -> list[Pair]:
        """`type=N` plus the AND-ed Plex terms of the server filters; `[]` when the branch has none."""
        if not self.pairs:
            return []
        pairs: list[Pair] = list(self.pairs)
        if tag_ids is not None:
            pairs = [
                p
                for k, v, path in self.terms
                for p in _server_pairs(k, v, self.level, path, tag_ids, self.today)
            ]
        return [("type", str(TYPE_NUMBERS[self.level])), *pairs]


@dataclass(frozen=True)
class FilterSet:
    """An OR of `FilterBranch`es; an empty set lets everything through."""

    branches: tuple[FilterBranch, ...] = field(default_factory=tuple)

    @property
    def needs_server(self) -> bool:
        return any(branch.needs_server for branch in self.branches)

    def local_match(self, item: PlexItem) -> bool:
        """Some branch's local filters pass (the full answer only when no branch `needs_server`)."""
        return not self.branches or any(branch.local_match(item) for branch in self.branches)

    def server_terms(self, tag_ids: TagIds | None = None) -> list[list[Pair]]:
        """Per branch, the Plex query pairs to search and intersect with (`[]`: no search needed)."""
        return [branch.server_terms(tag_ids) for branch in self.branches]

    def match(self, item: PlexItem, server_keys: Sequence[Container[int] | None]) -> bool:
        """Full answer, given per branch the rating keys its server search returned (None: no search)."""
        if not self.branches:
            return True
        for branch, keys in zip(self.branches, server_keys, strict=True):
            if branch.local_match(item) and (keys is None or item.rating_key in keys):
                return True
        return False


def compile_filters(
    spec: Any, libtype: str, *, today: date | None = None, now: datetime | None = None, root: str = "filters"
) -> FilterSet:
    """Validate a `filters:` value (mapping or list of mappings) for items of `libtype` and compile it."""
    day = today or (now.date() if now is not None else date.today())
    search.library_of(libtype, root)
    if spec is None:
        return FilterSet()
    if isinstance(spec, Mapping):
        return FilterSet((_branch(spec, libtype, root, day),))
    if isinstance(spec, list) and not spec:
        raise SearchError("filters needs at least one filter set", root)
    if isinstance(spec, list):
        branches = []
        for index, entry in enumerate(spec):
            path = f"{root}[{index}]"
            if not isinstance(entry, Mapping):
                raise SearchError(f"filter sets must be mappings, got {search.shown(entry)}", path)
            branches.append(_branch(entry, libtype, path, day))
        return FilterSet(tuple(branches))
    raise SearchError(f"filters needs a mapping or a list of mappings, got {search.shown(spec)}", root)


def _branch(data: Mapping[str, Any], level: str, path: str, today: date) -> FilterBranch:
    if not data:
        raise SearchError("a filter set needs at least one filter", path)
    checks: list[Check] = []
    terms: list[tuple[str, Any, str]] = []
    for raw_key, value in data.items():
        key = str(raw_key)
        where = f"{path}.{key}"
        name, modifier = search.split_key(key)
        name = name.lower()
        modifier = MODIFIER_ALIASES.get(modifier.lower(), modifier.lower())
        if name in LOCAL:
            checks.append(Check(key, _local_test(name, modifier, value, key, where, level, today)))
        elif name in SERVER:
            _check_server(name, modifier, key, where, level)
            terms.append((f"{SERVER[name]}{modifier}", value, where))
        elif name in UNSUPPORTED:
            raise SearchError(f"filter {name} is not supported by this engine", where)
        else:
            raise SearchError(search.unknown("filter", name, [*LOCAL, *SERVER]), where)
    pairs = [p for k, v, w in terms for p in _server_pairs(k, v, level, w, None, today)]
    return FilterBranch(level, tuple(checks), tuple(terms), tuple(pairs), today)


def _check_level(name: str, levels: frozenset[str], level: str, where: str) -> None:
    if level in levels:
        return
    if level == "movie":
        raise SearchError(f"{name} is only available in show libraries", where)
    raise SearchError(f"{name} is not available for {LEVEL_PLURALS[level]}", where)


def _check_modifier(name: str, modifier: str, allowed: Sequence[str], where: str) -> None:
    if modifier not in allowed:
        names = ", ".join(m or "none" for m in allowed)
        raise SearchError(f"modifier {modifier} does not apply to {name} (allowed: {names})", where)


def _check_server(name: str, modifier: str, key: str, where: str, level: str) -> None:
    _check_level(name, ATTRIBUTES[SERVER[name]].levels, level, where)
    if modifier == ".regex" or modifier in COUNT_MODIFIERS:
        raise SearchError(f"{key} needs full item details, not supported", where)
    allowed = ("",) if name == "has_dolby_vision" else ("", ".not")
    _check_modifier(name, modifier, allowed, where)


def _server_pairs(
    key: str, value: Any, level: str, path: str, tag_ids: TagIds | None, today: date | None
) -> list[Pair]:
    return search.term_pairs(key, value, level, path=path, tag_ids=tag_ids, today=today)


# --------------------------------------------------------------------------- local tests


def _local_test(name: str, modifier: str, value: Any, key: str, where: str, level: str, today: date) -> Test:
    attr = LOCAL[name]
    _check_level(name, attr.levels, level, where)
    allowed = KIND_MODIFIERS[attr.kind] + (COUNT_MODIFIERS if attr.counts else ())
    _check_modifier(name, modifier, allowed, where)
    if attr.kind == "boolean":
        wanted = search.parse_bool(value, key, where)
        return lambda item: attr.get(item) == wanted
    values = search.value_list(value, key, where)
    if modifier in COMPARE and len(values) > 1:
        raise SearchError(f"{key} needs a single value, got a list", where)
    if modifier in COUNT_MODIFIERS:
        count = search.parse_number(values[0], key, where, integer=True)
        compare = COMPARE[modifier]
        return lambda item: compare(len(attr.get(item)), count)
    if modifier == ".regex":
        patterns = [_regex(v, key, where) for v in values]
        return lambda item: any(p.search(v) for p in patterns for v in attr.get(item))
    if attr.kind == "string":
        return _string_test(attr.get, modifier, [str(v).casefold() for v in values])
    if attr.kind == "tag":
        return _tag_test(attr, modifier, {attr.normalize(str(v).strip()) for v in values})
    if attr.kind == "number":
        return _ordered_test(attr.get, modifier, [search.parse_number(v, key, where) for v in values])
    return _date_test(attr.get, modifier, values, key, where, today)


def _regex(value: Any, key: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise SearchError(f"{key} has an invalid regular expression {str(value)!r}: {exc}", where) from None


STRING_MATCH: dict[str, Callable[[str, str], bool]] = {
    "": operator.contains, ".not": operator.contains, ".is": operator.eq, ".isnot": operator.eq,
    ".begins": str.startswith, ".ends": str.endswith,
}  # fmt: skip


def _string_test(get: Getter, modifier: str, wanted: list[str]) -> Test:
    match = STRING_MATCH[modifier]
    negate = modifier in search.NEGATIVE

    def test(item: PlexItem) -> bool:
        hit = any(match(text.casefold(), w) for text in get(item) for w in wanted)
        return hit != negate

    return test


def _tag_test(attr: LocalAttr, modifier: str, wanted: set[str]) -> Test:
    negate = modifier == ".not"

    def test(item: PlexItem) -> bool:
        hit = any(attr.normalize(tag) in wanted for tag in attr.get(item))
        return hit != negate

    return test


def _ordered_test(get: Getter, modifier: str, wanted: Sequence[Any]) -> Test:
    """Numbers and dates: none = equals one of the values, .not = equals none; comparisons take one value."""

    def test(item: PlexItem) -> bool:
        values = get(item)
        if not values:
            return False
        if modifier in COMPARE:
            return COMPARE[modifier](values[0], wanted[0])
        hit = values[0] in wanted
        return hit != (modifier == ".not")

    return test


def _date_test(get: Getter, modifier: str, values: list[Any], key: str, where: str, today: date) -> Test:
    if modifier in ("", ".not"):
        days = search.parse_days(values[0], key, where) if len(values) == 1 else None
        if days is None:
            raise SearchError(f"{key} needs a single value, got a list", where)
        within = modifier == ""

        def recent(item: PlexItem) -> bool:
            found = get(item)
            return bool(found) and ((today - found[0]).days <= days) == within

        return recent
    return _ordered_test(get, modifier, [search.parse_date(values[0], today, key, where)])
