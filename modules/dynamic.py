"""dynamic_collections: one collection per value Plex has (genre, year, studio, actor...), from one template.

Keys (what each collection stands for) and their names, as Kometa makes them:

- Plex values: the filter choices of the library (genre, year, decade, content_rating, resolution, studio,
  network, country, audio_language, subtitle_language, edition); in a show library resolution and the
  languages are those of the episodes (a show decade's value is the years of that decade the shows have).
  `custom` takes `data: {key: name}`; `number` takes `data: {starting, ending, increment}` (`current_year`,
  `current_year-N` allowed).
- People (actor, director, writer, producer), `data: {depth, minimum, limit}` (also Kometa's `actor_depth`,
  `actor_minimum`, `number_of_actors`): each item's first `depth` credits (default 3) of its full credit list
  are counted, items in library order; people counted at least `minimum` times (default 3, or 1 when only
  `limit` is given) qualify, most counted first, ties in order of first appearance, at most `limit` of them
  (default: no limit). Excluded people do not take a place. With `include`, exactly the included people found
  among those credits get collections, whatever their counts.
- `exclude` drops keys (by key or name); `include` keeps only the keys (or names) it lists, the others
  (not excluded) going to one `other_name` collection when that is set (`other_template` or `template`,
  key `other`); `addons: {key: [other keys]}` merges the other keys present in Plex into key's collection,
  and they get none of their own; an addon key Plex lacks becomes a key when some of its addons exist
  (`custom_keys`, default true).
- The key name is `key_name_override[key]`, else the name with `remove_prefix`/`remove_suffix` cut. The
  collection name is `title_override[key]`, else `title_format` (default `<<key_name>>`) with `<<key_name>>`,
  `<<title>>`, `<<key>>`, `<<library_type>>` (movie/show) and `<<library_typeU>>` filled in.
- Templates get `key`, `key_name`, `value` and `<<type>>` (e.g. `<<genre>>`): the key, or the key and its
  addons as a list; per key `template_variables: {var: {key: value, default: value}}`.
- Without a template, Kometa's built-in one per type (`default_definition`): a smart collection of the 50
  best by critic rating for tag types, studio (exact), year and decade; every match sorted by title for
  resolution; a plain `plex_search` for people. The default `title_format` also comes from the type
  (`Top <<key_name>> <<library_type>>s`, `Best <<library_type>>s of <<key_name>>`, ...), template or not;
  a `title_format` without `<<key_name>>` or `<<title>>` falls back to it.
- Every generated collection carries the mapping name as a label (besides the managed label, see
  modules/managed.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from modules.context import LibraryContext
from modules.errors import DefinitionError, Location
from modules.template_vars import TemplateError

# dynamic type -> (Plex filter-choice name, plex_search attribute)
CHOICE_TYPES: dict[str, tuple[str, str]] = {
    "genre": ("genre", "genre"),
    "year": ("year", "year"),
    "decade": ("decade", "decade"),
    "content_rating": ("contentRating", "content_rating"),
    "resolution": ("resolution", "resolution"),
    "studio": ("studio", "studio"),
    "network": ("network", "network"),
    "country": ("country", "country"),
    "audio_language": ("audioLanguage", "audio_language"),
    "subtitle_language": ("subtitleLanguage", "subtitle_language"),
    "edition": ("editionTitle", "edition"),
}
PEOPLE_TYPES = {"actor": "actor", "director": "director", "writer": "writer", "producer": "producer"}
# Types whose values live on episodes in a show library: keys from episode choices, searched with `episode_`.
EPISODE_TYPES = {"resolution", "audio_language", "subtitle_language"}
PEOPLE_OPTIONS = ("depth", "minimum", "limit")
PEOPLE_ALIASES = {"actor_depth": "depth", "actor_minimum": "minimum", "number_of_actors": "limit"}
MAPPING_ATTRIBUTES = ("key_name_override", "title_override", "addons", "template_variables")
SHOW_ONLY = {"network"}
MOVIE_ONLY = {"director", "writer", "producer", "edition", "country"}
EXTERNAL_TYPES = {
    "original_language": "TMDb",
    "origin_country": "TMDb",
    "tmdb_collection": "TMDb",
    "tmdb_popular_people": "TMDb",
    "trakt_user_lists": "Trakt",
    "trakt_liked_lists": "Trakt",
    "trakt_people_list": "Trakt",
    "imdb_awards": "IMDb",
    "letterboxd_user_lists": "Letterboxd",
}
ATTRIBUTES = {
    "type",
    "data",
    "exclude",
    "addons",
    "template",
    "template_variables",
    "other_template",
    "remove_suffix",
    "remove_prefix",
    "custom_keys",
    "title_format",
    "key_name_override",
    "title_override",
    "test",
    "sync",
    "include",
    "other_name",
}


TOP_TITLE = "Top <<key_name>> <<library_type>>s"
DEFAULT_TITLES = {
    "year": "Best <<library_type>>s of <<key_name>>",
    "decade": "Best <<library_type>>s of the <<key_name>>",
    "resolution": "<<key_name>> <<library_type>>s",
    **{kind: TOP_TITLE for kind in ("genre", "country", "network", "content_rating", "studio", "edition")},
    **{kind: TOP_TITLE for kind in ("audio_language", "subtitle_language")},
}


@dataclass
class DynamicKey:
    key: str
    key_name: str
    values: list[str]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def _people_options(name: str, data: Any, where: Location) -> dict[str, int | None]:
    """`data: {depth, minimum, limit}` of a people type: whole numbers of at least 1, Kometa's defaults."""
    if data is not None and not isinstance(data, dict):
        raise DefinitionError(
            f"dynamic collection {name!r}: data must be a mapping of depth, minimum, limit", where
        )
    given: dict[str, int] = {}
    for raw, value in (data or {}).items():
        option = PEOPLE_ALIASES.get(str(raw).lower(), str(raw).lower())
        if option not in PEOPLE_OPTIONS:
            raise DefinitionError(
                f"dynamic collection {name!r}: unknown data option {raw!r} (known: depth, minimum, limit)",
                where,
            )
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
            raise DefinitionError(
                f"dynamic collection {name!r}: data.{raw} must be a whole number of at least 1, got {value!r}",
                where,
            )
        given[option] = int(text)
    minimum = given.get("minimum", 1 if "limit" in given else 3)
    return {"depth": given.get("depth", 3), "minimum": minimum, "limit": given.get("limit")}


def _people(
    context: LibraryContext, kind: str, options: dict[str, int | None], skip: set[str], include: list[str]
) -> list[tuple[str, str]]:
    """The people who get collections (see the module docstring); credits come from item details, as list
    views cut them short."""
    credits = context.full_tags()
    counts: dict[str, int] = {}  # in order of first appearance
    for key in context.order:
        for person in credits.get(key, {}).get(kind, [])[: options["depth"]]:
            counts[person] = counts.get(person, 0) + 1
    if include:
        return [(person, person) for person in counts if person in include]
    ranked = sorted(counts, key=lambda person: -counts[person])  # stable: ties keep first appearance
    minimum = options["minimum"] or 1
    chosen = [person for person in ranked if person not in skip and counts[person] >= minimum]
    return [(person, person) for person in chosen[: options["limit"]]]


def _choice_keys(context: LibraryContext, kind: str) -> list[tuple[str, str]]:
    """(key, name) of the values Plex has for a value type: names are the keys for text values."""
    choice, _ = CHOICE_TYPES[kind]
    found = context.choices(choice, "episode" if _on_episodes(context.libtype, kind) else None)
    if kind in ("genre", "studio", "network", "country", "content_rating", "edition"):
        return [(title, title) for _, title in found]
    return [(key, title) for key, title in found]


def _on_episodes(libtype: str, kind: str) -> bool:
    return libtype == "show" and kind in EPISODE_TYPES


def _check(name: str, spec: Any, where: Location, libtype: str) -> str:
    if not isinstance(spec, dict):
        raise DefinitionError(f"dynamic collection {name!r} must be a mapping", where)
    unknown = sorted(set(spec) - ATTRIBUTES)
    if unknown:
        raise DefinitionError(
            f"dynamic collection {name!r}: unknown attribute(s) {', '.join(unknown)}", where
        )
    kind = str(spec.get("type", "")).lower()
    if kind in EXTERNAL_TYPES:
        raise DefinitionError(
            f"dynamic type {kind} is not supported by this engine (it needs {EXTERNAL_TYPES[kind]})", where
        )
    if kind not in CHOICE_TYPES and kind not in PEOPLE_TYPES and kind not in ("custom", "number"):
        known = ", ".join(sorted([*CHOICE_TYPES, *PEOPLE_TYPES, "custom", "number"]))
        raise DefinitionError(f"dynamic collection {name!r}: unknown type {kind!r} (known: {known})", where)
    if (kind in SHOW_ONLY and libtype != "show") or (kind in MOVIE_ONLY and libtype != "movie"):
        raise DefinitionError(f"dynamic type {kind} does not apply to a {libtype} library", where)
    for attribute in MAPPING_ATTRIBUTES:
        if spec.get(attribute) is not None and not isinstance(spec[attribute], dict):
            raise DefinitionError(
                f"dynamic collection {name!r}: {attribute} must be a mapping of key: value", where
            )
    return kind


def check_spec(name: str, spec: Any, where: Location, libtype: str) -> str:
    """The dynamic type of `spec` after the checks `expand` makes first; DefinitionError when they fail."""
    return _check(name, spec, where, libtype)


def keys_for(
    context: LibraryContext, name: str, spec: dict[str, Any], where: Location
) -> tuple[str, list[DynamicKey], list[str]]:
    """The dynamic type, its keys in order, and the "other" keys (found, not excluded, not included)."""
    kind = _check(name, spec, where, context.libtype)
    exclude = set(_as_list(spec.get("exclude")))
    include = [key for key in _as_list(spec.get("include")) if key not in exclude]
    addons = {str(k): _as_list(v) for k, v in (spec.get("addons") or {}).items()}
    skip = exclude | {v for key, values in addons.items() for v in values if v != key}
    present: set[str] | None = None  # the keys Plex has, for the tag types
    if kind == "custom":
        data = spec.get("data")
        if not isinstance(data, dict) or not data:
            raise DefinitionError(
                f"dynamic collection {name!r}: type custom needs data: {{key: name}}", where
            )
        pairs = [(str(k), str(v)) for k, v in data.items()]
    elif kind == "number":
        pairs = [(str(n), str(n)) for n in _numbers(name, spec.get("data"), where, context.now.year)]
    elif kind in PEOPLE_TYPES:
        options = _people_options(name, spec.get("data"), where)
        pairs = _people(context, PEOPLE_TYPES[kind], options, skip, include)
    else:
        pairs = _choice_keys(context, kind)
        present = {key for key, _ in pairs}
        if spec.get("custom_keys", True) not in (False, "false", "False"):
            pairs += _custom_keys(addons, present, exclude)
    overrides = {str(k): str(v) for k, v in (spec.get("key_name_override") or {}).items()}
    keys: list[DynamicKey] = []
    others: list[str] = []
    for key, display in pairs:
        if key in skip or display in skip:
            continue
        if include and key not in include and display not in include:
            others.append(key)
            continue
        values = [v for v in [key, *addons.get(key, [])] if present is None or v in present]
        if kind == "decade" and context.libtype == "show":
            values = _decade_years(context, values)  # Kometa searches a show decade as its years
        keys.append(DynamicKey(key, overrides[key] if key in overrides else _trim(display, spec), values))
    return kind, keys, others


def _custom_keys(addons: dict[str, list[str]], present: set[str], exclude: set[str]) -> list[tuple[str, str]]:
    """Addon parents Plex does not have but some of whose children it has become keys (Kometa's custom_keys)."""
    return [
        (parent, parent)
        for parent, children in addons.items()
        if parent not in present and parent not in exclude and any(child in present for child in children)
    ]


def _numbers(name: str, data: Any, where: Location, this_year: int) -> list[int]:
    """`data: {starting, ending, increment}` of type number; `current_year` (plus or minus N) is allowed."""
    if not isinstance(data, dict) or "starting" not in data or "ending" not in data:
        raise DefinitionError(
            f"dynamic collection {name!r}: type number needs data: {{starting, ending}}", where
        )
    found = [
        _year_number(name, key, data.get(key, default), where, this_year)
        for key, default in (("starting", None), ("ending", None), ("increment", 1))
    ]
    start, end, step = found
    if step < 1 or start > end:
        raise DefinitionError(
            f"dynamic collection {name!r}: data needs starting <= ending and an increment of at least 1",
            where,
        )
    return list(range(start, end + 1, step))


def _year_number(name: str, key: str, value: Any, where: Location, this_year: int) -> int:
    text = str(value).replace(" ", "").lower()
    match = re.fullmatch(r"current_year(?:([+-])(\d+))?|(-?\d+)", text)
    if match is None or isinstance(value, bool):
        raise DefinitionError(
            f"dynamic collection {name!r}: data.{key} must be a whole number or current_year(-N), got {value!r}",
            where,
        )
    if match.group(3) is not None:
        return int(match.group(3))
    offset = int(match.group(2) or 0)
    return this_year - offset if match.group(1) == "-" else this_year + offset


def _trim(text: str, spec: dict[str, Any]) -> str:
    for prefix in _as_list(spec.get("remove_prefix")):
        if text.startswith(prefix):
            text = text[len(prefix) :].strip()
    for suffix in _as_list(spec.get("remove_suffix")):
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
    return text


def _title(title_format: str, key: DynamicKey, libtype: str) -> str:
    names = {
        "<<key_name>>": key.key_name,
        "<<title>>": key.key_name,
        "<<key>>": key.key,
        "<<library_type>>": libtype,
        "<<library_typeU>>": libtype.capitalize(),
    }
    for placeholder, text in names.items():
        title_format = title_format.replace(placeholder, text)
    return title_format


def expand(
    context: LibraryContext,
    name: str,
    spec: Any,
    where: Location,
    apply: Callable[[str, dict[str, Any]], dict[str, Any]],
) -> list[tuple[str, dict[str, Any]]]:
    """(collection name, templated definition) for each key; `apply` runs the template engine."""
    kind, keys, others = keys_for(context, name, spec, where)
    templates = spec.get("template")
    if kind in ("custom", "number") and not templates:
        raise DefinitionError(f"dynamic collection {name!r}: type {kind} needs a template", where)
    if spec.get("other_name") and others:
        keys.append(DynamicKey("other", str(spec["other_name"]), others))
    default_title = DEFAULT_TITLES.get(kind, "<<key_name>>")
    title_format = str(spec.get("title_format") or default_title)
    if "<<key_name>>" not in title_format and "<<title>>" not in title_format:
        title_format = default_title
    overrides = {str(k): str(v) for k, v in (spec.get("title_override") or {}).items()}
    per_key = spec.get("template_variables") or {}
    out: list[tuple[str, dict[str, Any]]] = []
    for key in keys:
        other = key.key == "other" and key is keys[-1] and bool(spec.get("other_name")) and bool(others)
        title = _title(key.key_name, key, context.libtype) if other else None
        title = title or overrides.get(key.key) or _title(title_format, key, context.libtype)
        single = key.values == [key.key] and not other
        value: str | list[str] = key.key if single else key.values
        variables: dict[str, Any] = {kind: value, "key": key.key, "value": value, "key_name": key.key_name}
        for var, raw in per_key.items():
            mapping = {str(k): v for k, v in raw.items()} if isinstance(raw, dict) else None
            if mapping is not None and (key.key in mapping or "default" in mapping):
                variables[str(var)] = mapping[key.key] if key.key in mapping else mapping["default"]
        chosen = spec.get("other_template") if other and spec.get("other_template") else templates
        if chosen:
            calls = chosen if isinstance(chosen, list) else [chosen]
            definition: dict[str, Any] = {"template": [{"name": str(t), **variables} for t in calls]}
        else:
            definition = default_definition(context, kind, key)
        try:
            out.append((title, apply(title, definition)))
        except TemplateError as exc:
            path = f"{exc.path}: " if exc.path else ""
            raise DefinitionError(
                f"dynamic collection {name!r}: {title}: {path}{exc.message}", where
            ) from None
    return out


def default_definition(context: LibraryContext, kind: str, key: DynamicKey) -> dict[str, Any]:
    """Kometa's built-in template for a dynamic type (the collection a key gets without `template:`)."""
    if kind in PEOPLE_TYPES:
        return {"plex_search": {"any": {PEOPLE_TYPES[kind]: key.values}}}
    attribute = CHOICE_TYPES[kind][1]
    attribute = f"episode_{attribute}" if _on_episodes(context.libtype, kind) else attribute
    attribute += ".is" if kind == "studio" else ""
    if kind == "decade" and context.libtype == "show":
        attribute = "year"  # the key's values are the decade's years (keys_for)
    if kind == "resolution":
        return {"smart_filter": {"sort_by": "title.asc", "any": {attribute: key.values}}}
    return {"smart_filter": {"limit": 50, "sort_by": "critic_rating.desc", "any": {attribute: key.values}}}


def _decade_years(context: LibraryContext, decades: list[str]) -> list[str]:
    starts = {int(d) for d in decades if str(d).isdigit()}
    years = {item.year for item in context.items.values() if item.year is not None}
    return [str(year) for year in sorted(years) if year - year % 10 in starts]
