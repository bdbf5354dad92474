"""Kometa `plex_search` / `smart_filter` definitions -> Plex filter-query pairs for `/library/sections/{id}/all`.

`build_query` returns ordered `(key, value)` pairs, not URL-encoded: `type`, then `limit` and `sort` when given,
then the filter terms. A term's operator sits at the end of its key (`year>>` + `2000` is `year>>=2000` on the
wire); `query_string` encodes pairs the way a smart collection's `content` stores them.

Operators (Kometa modifier -> key suffix; the tables live in `modules.search_fields`):

| kind    | none            | .not          | .is | .isnot | .begins | .ends | .gt | .gte | .lt | .lte | .before | .after |
| ------- | --------------- | ------------- | --- | ------ | ------- | ----- | --- | ---- | --- | ---- | ------- | ------ |
| string  | `` (contains)   | `!`           | `=` | `!=`   | `<`     | `>`   |     |      |     |      |         |        |
| tag     | `` (is)         | `!`           |     |        |         |       |     |      |     |      |         |        |
| number  | `` (equals)     | `!`           |     |        |         |       | `>>`| `>`  | `<<`| `<`  |         |        |
| date    | `>>` = `-Nd`    | `<<` = `-Nd`  |     |        |         |       |     |      |     |      | `<<`    | `>>`   |

Ratings (`float`) take the number operators plus `.rated`: `true` -> `field!=-1`, `false` -> `field=-1`.
Booleans: `true` -> `field=1`, `false` -> `field!=1`. `duration` is minutes in Kometa, milliseconds in Plex.
Dates for `.before`/`.after` (`MM/DD/YYYY`, `YYYY-MM-DD`, `today`) are sent as `YYYY-MM-DD`.

Values: a list is an OR (comma-joined) for positive modifiers and an AND of repeated keys for `.not`/`.isnot`.
Inside an `all:` group a list is an AND for every modifier, as in Kometa (`all: {genre: [Action, Comedy]}` wants
both genres): the key is repeated, which Plex ANDs like any adjacent terms.

Structure: everything at the top level is ANDed by plain adjacency. `any:` / `all:` take a mapping (one group)
or a list of mappings (sibling groups, each joined to its parent like a single group would be). A nested group
is wrapped in `push=1` ... `pop=1`; inside it, members are separated by `or=1` (any) or `and=1` (all). A
`.not` list inside a group becomes its own AND group. Groups of one member are unwrapped, and a group nested
in a group of the same kind is merged into it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from modules.search_fields import (
    ATTRIBUTES,
    CONTROL_KEYS,
    LEVEL_PLURALS,
    MODIFIER_ALIASES,
    MODIFIERS,
    OPERATORS,
    SCOPE_PREFIXES,
    SORTS,
    TYPE_NAMES,
    TYPE_NUMBERS,
    Attribute,
    sort_levels,
)

__all__ = ["ATTRIBUTES", "SORTS", "SearchError", "build_query", "parse_date", "query_string", "term_pairs"]

Pair = tuple[str, str]
TagIds = Callable[[str, str], str | None]
NEGATIVE = frozenset({".not", ".isnot"})
SINGLE_VALUE = frozenset({".gt", ".gte", ".lt", ".lte", ".before", ".after", ".rated"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_US_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
DATE_FORMATS = "MM/DD/YYYY, YYYY-MM-DD or today"


class SearchError(ValueError):
    """An invalid search or filter definition; `path` names the offending key, e.g. `plex_search.any[1].year.gt`."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class Scope:
    """Where terms are evaluated: the library kind (movie/show) and the result level."""

    library: str
    level: str
    tag_ids: TagIds | None = None
    today: date | None = None
    in_all: bool = False


@dataclass
class Term:
    """One filter term: a single `(key, value)` pair."""

    pair: Pair


@dataclass
class Group:
    """Members joined by `and` or `or`."""

    conj: str
    children: list[Term | Group]


Node = Term | Group


# --------------------------------------------------------------------------- public API


def build_query(
    spec: Mapping[str, Any],
    libtype: str,
    *,
    tag_ids: TagIds | None = None,
    today: date | None = None,
    root: str = "plex_search",
) -> list[Pair]:
    """Plex query pairs for a `plex_search` / `smart_filter` mapping in a `libtype` library.

    `tag_ids(field, name)` may turn tag names into Plex tag ids (`field` is the Plex filter name such as `genre`
    or `collection`, prefixed with the level when the term reaches another one: `episode.director`); when it
    returns None the name is sent, which Plex also accepts.
    """
    if not isinstance(spec, Mapping):
        raise SearchError(f"{root} needs a mapping of search attributes, got {shown(spec)}", root)
    library = library_of(libtype, root)
    level = _result_level(spec.get("type"), library, libtype, f"{root}.type")
    scope = Scope(library, level, tag_ids, today or date.today())
    pairs: list[Pair] = [("type", str(TYPE_NUMBERS[level]))]
    if "limit" in spec:
        pairs.append(("limit", str(_limit(spec["limit"], f"{root}.limit"))))
    if "sort_by" in spec:
        pairs.append(("sort", _sorts(spec["sort_by"], level, f"{root}.sort_by")))
    children: list[Node] = []
    for key, value in spec.items():
        name = str(key)
        if name in ("sort_by", "limit", "type"):
            continue
        if name in ("any", "all"):
            children.extend(_nested(name, value, f"{root}.{name}", scope))
        else:
            children.append(parse_term(name, value, f"{root}.{name}", scope))
    return pairs + render(children)


def query_string(pairs: Iterable[Pair]) -> str:
    """Pairs percent-encoded as a smart collection's `content` stores them: `year%3E%3E=2005&genre=1%2C2`."""
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)


def term_pairs(
    key: str, value: Any, level: str, *, path: str, tag_ids: TagIds | None = None, today: date | None = None
) -> list[Pair]:
    """The AND-ed pairs of one `attribute.modifier: value` term for items of `level` (movie/show/season/episode)."""
    scope = Scope(library_of(level, path), level, tag_ids, today or date.today())
    return render([parse_term(key, value, path, scope)])


def library_of(libtype: str, path: str) -> str:
    """`movie` for movie libraries, `show` for show/season/episode levels; SearchError for anything else."""
    if libtype == "movie":
        return "movie"
    if libtype in ("show", "season", "episode"):
        return "show"
    raise SearchError(f"searches are not supported for {libtype} libraries", path)


# --------------------------------------------------------------------------- structure


def _nested(conj: str, value: Any, path: str, scope: Scope) -> list[Node]:
    """`any:` / `all:` with a mapping (one group) or a list of mappings (sibling groups)."""
    if isinstance(value, Mapping):
        return [_block(conj, value, path, scope)]
    if isinstance(value, list) and not value:
        raise SearchError(f"{conj} needs at least one search attribute", path)
    if isinstance(value, list):
        groups: list[Node] = []
        for index, entry in enumerate(value):
            if not isinstance(entry, Mapping):
                raise SearchError(f"{conj} entries must be mappings, got {shown(entry)}", f"{path}[{index}]")
            groups.append(_block(conj, entry, f"{path}[{index}]", scope))
        return groups
    raise SearchError(f"{conj} needs a mapping or a list of mappings, got {shown(value)}", path)


def _block(conj: str, data: Mapping[str, Any], path: str, scope: Scope) -> Group:
    if not data:
        raise SearchError(f"{conj} needs at least one search attribute", path)
    scope = replace(scope, in_all=conj == "all")
    children: list[Node] = []
    for key, value in data.items():
        name = str(key)
        if name in ("any", "all"):
            children.extend(_nested(name, value, f"{path}.{name}", scope))
        elif name in ("sort_by", "limit", "type"):
            raise SearchError(f"{name} belongs at the top level, not inside {conj}", f"{path}.{name}")
        else:
            children.append(parse_term(name, value, f"{path}.{name}", scope))
    return Group("and" if conj == "all" else "or", children)


def _simplify(node: Node) -> Node:
    if isinstance(node, Term):
        return node
    kids: list[Node] = []
    for child in map(_simplify, node.children):
        if isinstance(child, Group) and child.conj == node.conj:
            kids.extend(child.children)
        else:
            kids.append(child)
    return kids[0] if len(kids) == 1 else Group(node.conj, kids)


def _render(node: Node, top: bool = False) -> list[Pair]:
    if isinstance(node, Term):
        return [node.pair]
    out: list[Pair] = []
    for index, child in enumerate(node.children):
        if index and not top:
            out.append((node.conj, "1"))
        inner = _render(child)
        out.extend([("push", "1"), *inner, ("pop", "1")] if isinstance(child, Group) else inner)
    return out


def render(children: list[Node]) -> list[Pair]:
    """Top-level members as plain AND-ed pairs; nested groups in push/pop with explicit and/or separators."""
    node = _simplify(Group("and", children))
    if isinstance(node, Term):
        return [node.pair]
    if node.conj == "or":
        node = Group("and", [node])
    return _render(node, top=True)


# --------------------------------------------------------------------------- terms


def split_key(key: str) -> tuple[str, str]:
    """`year.gt` -> ("year", ".gt"); `title` -> ("title", "")."""
    name, dot, modifier = key.partition(".")
    return name, dot + modifier


def resolve(name: str, scope: Scope, path: str) -> tuple[Attribute, str]:
    """The attribute a (possibly `episode_`/`season_`/`show_` prefixed) name means, and the level it reaches."""
    lowered = name.lower()
    base, level, prefixed = lowered, scope.level, False
    for prefix, prefix_level in SCOPE_PREFIXES.items():
        if lowered.startswith(prefix) and lowered[len(prefix) :] in ATTRIBUTES:
            base, level, prefixed = lowered[len(prefix) :], prefix_level, True
    attr = ATTRIBUTES.get(base)
    if attr is None:
        raise SearchError(unknown("attribute", name, _candidates(scope)), path)
    if scope.library == "movie" and (prefixed or "movie" not in attr.levels):
        raise SearchError(f"{name} is only available in show libraries", path)
    if level not in attr.levels:
        raise SearchError(f"{name} is not available for {LEVEL_PLURALS[level]}", path)
    return attr, level


def check_modifier(attr: Attribute, modifier: str, key: str, path: str) -> str:
    """The canonical modifier, or SearchError when it does not apply to the attribute's kind."""
    modifier = MODIFIER_ALIASES.get(modifier.lower(), modifier.lower())
    if modifier == ".regex":
        raise SearchError(f"{key} is not supported: Plex searches cannot match regular expressions", path)
    allowed = MODIFIERS[attr.kind]
    if modifier not in allowed:
        names = ", ".join(m or "none" for m in allowed)
        raise SearchError(f"modifier {modifier} does not apply to {attr.name} (allowed: {names})", path)
    return modifier


def parse_term(key: str, value: Any, path: str, scope: Scope) -> Node:
    """One `attribute.modifier: value` entry as a node (an AND group when a `.not` list repeats the key)."""
    name, modifier = split_key(key)
    if name.lower() in CONTROL_KEYS:
        raise SearchError(f"{name} cannot take a modifier", path)
    attr, level = resolve(name, scope, path)
    modifier = check_modifier(attr, modifier, key, path)
    field = attr.plex_field(level)
    plex = field if level == scope.level else f"{level}.{field}"
    pairs = _pairs(attr, plex, modifier, value, key, path, replace(scope, level=level))
    if len(pairs) == 1:
        return Term(pairs[0])
    return Group("and", [Term(p) for p in pairs])


def _pairs(
    attr: Attribute, plex: str, modifier: str, value: Any, key: str, path: str, scope: Scope
) -> list[Pair]:
    if attr.kind == "boolean":
        return [(plex if parse_bool(value, key, path) else f"{plex}!", "1")]
    if modifier == ".rated":
        return [(f"{plex}!" if parse_bool(value, key, path) else plex, "-1")]
    op = OPERATORS[attr.kind][modifier]
    if attr.kind == "date":
        return [(plex + op, date_value(modifier, value, key, path, scope.today))]
    values = value_list(value, key, path)
    if modifier in SINGLE_VALUE and len(values) > 1:
        raise SearchError(f"{key} needs a single value, got a list", path)
    if attr.kind in ("number", "float"):
        texts = [format_number(parse_number(v, key, path, attr.integer) * attr.scale) for v in values]
    else:
        texts = [_tag_text(attr, v, scope) for v in values]
    if modifier in NEGATIVE or scope.in_all:
        return [(plex + op, text) for text in texts]
    return [(plex + op, ",".join(texts))]


def _tag_text(attr: Attribute, value: Any, scope: Scope) -> str:
    text = str(value).strip()
    if attr.tag_ids and scope.tag_ids is not None:
        found = scope.tag_ids(
            attr.field if scope.level == scope.library else f"{scope.level}.{attr.field}", text
        )
        if found is not None:
            return str(found)
    return text


# --------------------------------------------------------------------------- values


def value_list(value: Any, key: str, path: str) -> list[Any]:
    """A value or a list of values, none of them empty."""
    if isinstance(value, Mapping):
        raise SearchError(f"{key} needs a value or a list of values, got a mapping", path)
    values = list(value) if isinstance(value, list | tuple) else [value]
    if not values or any(v is None or (isinstance(v, str) and not v.strip()) for v in values):
        raise SearchError(f"{key} needs a value", path)
    return values


def parse_bool(value: Any, key: str, path: str) -> bool:
    """`true`/`false` (YAML booleans or the words)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise SearchError(f"{key} needs true or false, got {shown(value)}", path)


def parse_number(value: Any, key: str, path: str, integer: bool = False) -> float:
    """A number (whole for integer attributes), from a YAML number or a numeric string."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or number != number:  # NaN is not a number either
        raise SearchError(f"{key} needs a number, got {shown(value)}", path)
    if integer and not number.is_integer():
        raise SearchError(f"{key} needs a whole number, got {shown(value)}", path)
    return number


def format_number(number: float) -> str:
    """`7.0` -> `7`, `7.5` -> `7.5`."""
    return str(int(number)) if number.is_integer() else repr(number)


def parse_days(value: Any, key: str, path: str) -> int:
    """A whole number of days above 0."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise SearchError(f"{key} needs a whole number of days above 0, got {shown(value)}", path)


def parse_date(value: Any, today: date | None, key: str, path: str) -> date:
    """`MM/DD/YYYY`, `YYYY-MM-DD`, `today` or a YAML date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    try:
        if text.lower() == "today":
            return today or date.today()
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
        if _US_DATE.match(text):
            return datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError:
        pass
    raise SearchError(f"{key} needs a date ({DATE_FORMATS}), got {shown(value)}", path)


def date_value(modifier: str, value: Any, key: str, path: str, today: date | None) -> str:
    """`-30d` for "in the last N days" (none/.not), `YYYY-MM-DD` for .before/.after."""
    if modifier in ("", ".not"):
        return f"-{parse_days(value, key, path)}d"
    return parse_date(value, today, key, path).isoformat()


# --------------------------------------------------------------------------- control keys


def _result_level(value: Any, library: str, libtype: str, path: str) -> str:
    if value is None:
        return libtype
    level = TYPE_NAMES.get(str(value).strip().lower())
    if level is None:
        raise SearchError(f"type must be one of movies, shows, seasons, episodes, got {shown(value)}", path)
    if library == "movie" and level != "movie":
        raise SearchError(f"type {LEVEL_PLURALS[level]} is only available in show libraries", path)
    if library == "show" and level == "movie":
        raise SearchError("type movies is not available in show libraries", path)
    return level


def _limit(value: Any, path: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise SearchError(f"limit needs a whole number above 0, got {shown(value)}", path)


def _sorts(value: Any, level: str, path: str) -> str:
    names = value if isinstance(value, list) else [value]
    if not names:
        raise SearchError("sort_by needs a sort name", path)
    plex: list[str] = []
    for index, name in enumerate(names):
        where = f"{path}[{index}]" if isinstance(value, list) else path
        text = str(name).strip().lower()
        if text not in SORTS:
            raise SearchError(unknown("sort", str(name), list(SORTS)), where)
        if level not in sort_levels(text):
            raise SearchError(f"sort {text} is not available for {LEVEL_PLURALS[level]}", where)
        plex.append(SORTS[text])
    return ",".join(plex)


# --------------------------------------------------------------------------- messages


def _candidates(scope: Scope) -> list[str]:
    names = [*ATTRIBUTES, *CONTROL_KEYS]
    if scope.library == "show":
        names += [prefix + name for prefix in SCOPE_PREFIXES for name in ATTRIBUTES]
    return names


def unknown(what: str, name: str, candidates: Iterable[str]) -> str:
    """`unknown attribute 'genres' (did you mean 'genre'?)`."""
    close = difflib.get_close_matches(name.lower(), list(candidates), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {what} {name!r}{hint}"


def shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value) if isinstance(value, str) else str(value)
