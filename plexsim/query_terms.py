"""One filter term -> a predicate on one entity: operator semantics per field type and value parsing.

A term arrives as a decoded key and value: the operator characters are the suffix of the key (`year>>` +
`2000` is `year>>=2000`, `title=` + `x` is `title==x`). Operator names used here:

| key suffix | string            | integer / date   | boolean, tag, language, resolution, guid |
| ---------- | ----------------- | ---------------- | ---------------------------------------- |
| (none)     | contains          | equals (dates: same UTC day) | is                           |
| `=`        | is                | equals           | is                                       |
| `!`        | does not contain  | not equal        | is not                                   |
| `!=`       | is not            | not equal        | is not                                   |
| `<`        | begins with       | <= (on or before)| -                                        |
| `>`        | ends with         | >= (on or after) | -                                        |
| `<<`       | -                 | < (before)       | -                                        |
| `>>`       | -                 | > (after)        | -                                        |

Comma-separated values are alternatives (OR); string comparisons are case-insensitive. A string value that
contains commas is split like Plex does, and for is / is not the unsplit value counts as one more alternative,
so a title that itself contains a comma can still be matched exactly.

Missing values: tags, languages, resolutions and guids are lists, so "is not" holds on an item without any;
strings read as ""; a number or date that an item lacks (no rating, never played) matches no operator at all,
negative ones included (SQL NULL). `userRating` is the exception: unrated reads as -1 (see `field_values`).
Critic and audience ratings take -1 as "unrated" in equality tests only, as Kometa's `.rated` modifier sends
them: `rating=-1` holds on items without a critic rating, `rating!=-1` on items with one.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Callable
from typing import Any

from plexsim.fields import FieldDef
from plexsim.model import TAG_KINDS, Item, Library

Pred = Callable[[Item], bool]


class QueryError(ValueError):
    """A malformed or unknown filter/sort/paging parameter; the HTTP layer answers 400 Bad Request."""


OP_NAMES: dict[str, str] = {
    "": "eq",
    "=": "is",
    "!": "ne",
    "!=": "isnot",
    "<": "le",
    ">": "ge",
    "<<": "lt",
    ">>": "gt",
}
NEGATIVE = frozenset({"ne", "isnot"})
_EQUALITY_ONLY = frozenset({"eq", "is", "ne", "isnot"})
ALLOWED_OPS: dict[str, frozenset[str]] = {
    "string": frozenset({"eq", "is", "ne", "isnot", "le", "ge"}),
    "integer": frozenset(OP_NAMES.values()),
    "date": frozenset(OP_NAMES.values()),
    "boolean": _EQUALITY_ONLY,
    "tag": _EQUALITY_ONLY,
    "guid": _EQUALITY_ONLY,
    "audioLanguage": _EQUALITY_ONLY,
    "subtitleLanguage": _EQUALITY_ONLY,
    "resolution": _EQUALITY_ONLY,
}
RELATIVE_DATE = re.compile(r"^([+-]?)(\d+)(mon|[smhdwy])$")
_ABSOLUTE_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "mon": 30 * 86400, "y": 365 * 86400}
RESOLUTION_ALIASES = {"2160": "4k", "2160p": "4k", "uhd": "4k", "1080p": "1080", "720p": "720", "480p": "480",
                      "576p": "576"}  # fmt: skip
_TRUE, _FALSE = frozenset({"1", "true"}), frozenset({"0", "false"})


def operator_name(key: str, op: str) -> str:
    name = OP_NAMES.get(op)
    if name is None:
        raise QueryError(f"unknown operator {op!r} in filter key {key!r}")
    return name


# --------------------------------------------------------------------------- value parsing


def parse_number(key: str, part: str) -> float:
    if not _NUMBER.match(part.strip()):
        raise QueryError(f"filter {key!r}: {part!r} is not a number")
    return float(part)


def parse_date(key: str, part: str, clock: float) -> float:
    """Epoch seconds, `YYYY-MM-DD` (UTC midnight) or relative `-30d`/`+1w` (units s m h d w mon y)."""
    part = part.strip()
    rel = RELATIVE_DATE.match(part)
    if rel:
        sign = 1 if rel.group(1) == "+" else -1  # an unsigned relative date means the past, as plexapi sends
        return clock + sign * int(rel.group(2)) * UNIT_SECONDS[rel.group(3)]
    absolute = _ABSOLUTE_DATE.match(part)
    if absolute:
        try:
            return float(calendar.timegm(time.strptime(part, "%Y-%m-%d")))
        except ValueError:
            raise QueryError(f"filter {key!r}: {part!r} is not a date") from None
    if _NUMBER.match(part):
        return float(part)
    raise QueryError(f"filter {key!r}: {part!r} is not a date (epoch, YYYY-MM-DD or -30d)")


def parse_bool(key: str, part: str) -> bool:
    low = part.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise QueryError(f"filter {key!r}: {part!r} is not a boolean (1/0)")


def tag_names(lib: Library, kind: str, parts: list[str]) -> frozenset[str]:
    """Exact tag names wanted by the values: the tag of each id of this kind, each value as given, and every
    name in the library's tag table that equals a value case-insensitively (resolved once per term)."""
    tag_type = TAG_KINDS[kind].tag_type
    exact: set[str] = set()
    folded: set[str] = set()
    for raw in parts:
        part = raw.strip()
        if part.isdigit():
            found = lib.tag_by_id.get(int(part))
            if found is not None and found[0] == tag_type:
                exact.add(found[1])
        exact.add(part)
        folded.add(part.casefold())
    exact.update(name for tt, name in lib.tag_ids if tt == tag_type and name.casefold() in folded)
    return frozenset(exact)


def literal(part: str, field_type: str) -> str:
    low = part.strip().casefold()
    return RESOLUTION_ALIASES.get(low, low) if field_type == "resolution" else low


# --------------------------------------------------------------------------- matchers


Matcher = Callable[[list[Any]], bool]


def _string_matcher(op: str, value: str) -> Matcher:
    parts = [p.casefold() for p in value.split(",")]
    if op in ("le", "ge"):
        affixes = tuple(parts)
        if op == "le":
            return lambda vals: any(v.casefold().startswith(affixes) for v in vals)
        return lambda vals: any(v.casefold().endswith(affixes) for v in vals)
    if op in ("is", "isnot"):
        wanted = frozenset([*parts, value.casefold()])
        return lambda vals: any(v.casefold() in wanted for v in vals)
    return lambda vals: any(p in v.casefold() for v in vals for p in parts)


# The numeric matchers are explicit loops: they run once per item and `any(<genexpr>)` costs 3x as much.


def _greater(bound: float, strict: bool) -> Matcher:
    def match(vals: list[Any]) -> bool:
        for v in vals:  # noqa: SIM110
            if v > bound or (not strict and v == bound):
                return True
        return False

    return match


def _less(bound: float, strict: bool) -> Matcher:
    def match(vals: list[Any]) -> bool:
        for v in vals:  # noqa: SIM110
            if v < bound or (not strict and v == bound):
                return True
        return False

    return match


def _member(wanted: frozenset[Any], key: Callable[[Any], Any] | None = None) -> Matcher:
    def match(vals: list[Any]) -> bool:
        for v in vals:  # noqa: SIM110
            if (v if key is None else key(v)) in wanted:
                return True
        return False

    return match


def _day(epoch: float) -> int:
    return int(epoch // 86400)


def _folded(v: Any) -> str:
    return str(v).casefold()


def _ordered_matcher(op: str, wanted: list[float], day: bool) -> Matcher:
    if op in ("eq", "is", "ne", "isnot"):
        if day:
            return _member(frozenset(_day(w) for w in wanted), _day)
        return _member(frozenset(wanted))
    if op in ("gt", "ge"):  # an alternative holds <=> the loosest bound holds
        return _greater(min(wanted), strict=op == "gt")
    return _less(max(wanted), strict=op == "lt")


def value_matcher(fd: FieldDef, key: str, op: str, value: str, clock: float) -> Matcher:
    """A positive test on an entity's value list (negation is applied by the caller)."""
    parts = value.split(",")
    if fd.type == "string":
        return _string_matcher(op, value)
    if fd.type == "integer":
        return _ordered_matcher(op, [parse_number(key, p) for p in parts], day=False)
    if fd.type == "date":
        return _ordered_matcher(
            op, [parse_date(key, p, clock) for p in parts], day=op in ("eq", "is", "ne", "isnot")
        )
    if fd.type == "boolean":
        return _member(frozenset(parse_bool(key, p) for p in parts))
    if (
        fd.type == "tag" and fd.tag_kind is None
    ):  # contentRating, network: tags whose choice keys are the values
        return _member(frozenset(literal(p, fd.type) for p in parts), _folded)
    if fd.type in ("resolution", "audioLanguage", "subtitleLanguage", "guid"):
        return _member(frozenset(literal(p, fd.type) for p in parts), _folded)
    raise QueryError(f"filter {key!r}: field type {fd.type!r} cannot be compared")


def tag_predicate(lib: Library, fd: FieldDef, op: str, value: str) -> Pred:
    """Fast path for tag fields: a set test on names, ids and case having been resolved once per term."""
    kind = fd.tag_kind
    assert kind is not None
    wanted = tag_names(lib, kind, value.split(","))
    negate = op in NEGATIVE

    def pred(item: Item) -> bool:
        names = item.tags.get(kind)
        if not names:
            return negate
        return wanted.isdisjoint(names) == negate

    return pred


def term_predicate(lib: Library, fd: FieldDef, key: str, op: str, value: str, clock: float) -> Pred:
    """The predicate of one term on an entity of the field's own level (scoping is applied by the caller).

    `clock` is "now" in epoch seconds, the reference of relative dates.
    """
    if op not in ALLOWED_OPS[fd.type]:
        raise QueryError(f"operator not supported for {fd.type} field: {key!r}")
    if fd.tag_kind is not None:
        return tag_predicate(lib, fd, op, value)
    match = value_matcher(fd, key, op, value, clock)
    negate = op in NEGATIVE
    empty = negate and fd.multi
    if (
        fd.unrated is not None
        and op in _EQUALITY_ONLY
        and fd.unrated in (parse_number(key, p) for p in value.split(","))
    ):
        empty = not negate  # `rating=-1`: the unrated items; `rating!=-1`: the rated ones
    getter = fd.getter

    def pred(item: Item) -> bool:
        values = getter(lib, item)
        if not values:
            return empty
        return match(values) != negate

    return pred
