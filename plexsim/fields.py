"""The single catalog of what can be filtered, listed and sorted, per libtype.

`FIELDS` holds every field the filter engine evaluates (the same set for every libtype: a field that means
nothing at a level simply has no value there). `TYPE_SPECS` says what the `<Meta>` block advertises per libtype:
the `<Field>`s, the `<Filter>`s (choice-list endpoints) and the `<Sort>`s, in PMS's order. `SORTS` holds every
sort key the engine accepts. `catalog(libtype)` combines both into `FieldDef`s carrying their `field`/`filter`
flags, which is what `plexsim.meta` renders, so everything advertised is evaluable by construction.

Fields that plexapi adds to its parsed Meta by itself (`FilteringType._manualFields/_manualSorts/
_manualFilters`: guid, id, index, lastRatedAt, updatedAt ...) are evaluable but not advertised, like on a real
PMS; advertising them would only duplicate them on the client side.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plexsim import field_values as fv
from plexsim.model import TAG_KINDS, Item, Library

TYPES = (
    "tag",
    "integer",
    "string",
    "boolean",
    "date",
    "resolution",
    "audioLanguage",
    "subtitleLanguage",
    "guid",
)

# <FieldType> operator lists as a real PMS sends them (HA fixture library_movies_filtertypes.xml); the "guid"
# type is appended by plexapi itself and is therefore not sent.
OPERATORS: dict[str, list[tuple[str, str]]] = {
    "tag": [("=", "is"), ("!=", "is not")],
    "integer": [("=", "is"), ("!=", "is not"), (">>=", "is greater than"), ("<<=", "is less than")],
    "string": [
        ("=", "contains"),
        ("!=", "does not contain"),
        ("==", "is"),
        ("!==", "is not"),
        ("<=", "begins with"),
        (">=", "ends with"),
    ],
    "boolean": [("=", "is true"), ("!=", "is false")],
    "date": [("<<=", "is before"), (">>=", "is after")],
    "subtitleLanguage": [("=", "is"), ("!=", "is not")],
    "audioLanguage": [("=", "is"), ("!=", "is not")],
    "resolution": [("=", "is")],
}

SortKey = Callable[[Library, Item], Any]


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One filterable field.

    `type` picks the comparison semantics (see `plexsim.query`); `multi` marks list-valued fields (tags, one
    value per version/stream) for which "is not" holds on an item without any value; `choices` says how the
    choice-list endpoint lists it ("tag": tag ids, "literal": the values themselves, "boolean": 1/0, None: no
    list); `field`/`filter` say whether the libtype's `<Meta>` advertises it as a `<Field>`/`<Filter>`.
    `unrated` is the sentinel that stands for "no value" in equality tests (`rating=-1` / `rating!=-1`).
    """

    key: str
    title: str
    type: str
    getter: fv.Getter
    multi: bool = False
    choices: str | None = None
    tag_kind: str | None = None
    sub_type: str | None = None
    filter_type: str = "string"
    field: bool = False
    filter: bool = False
    unrated: float | None = None


@dataclass(frozen=True, slots=True)
class SortDef:
    """One sort key; `keyfunc` returns a comparable value or None (sorted first ascending, last descending)."""

    key: str
    title: str
    default_direction: str
    keyfunc: SortKey


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """What `<Meta>` advertises for one libtype (keys refer to `FIELDS` / `SORTS`)."""

    libtype: str
    title: str
    fields: tuple[str, ...]
    filters: tuple[str, ...]
    sorts: tuple[str, ...]


# --------------------------------------------------------------------------- the fields


def _f(key: str, title: str, type_: str, getter: fv.Getter, **kw: Any) -> FieldDef:
    return FieldDef(key, title, type_, getter, **kw)


def _tag(kind: str, title: str) -> FieldDef:
    return _f(kind, title, "tag", fv.tag_ids(kind), multi=True, choices="tag", tag_kind=kind)


def _bool(key: str, title: str, getter: fv.Getter, sub_type: str | None = None) -> FieldDef:
    return _f(key, title, "boolean", getter, choices="boolean", filter_type="boolean", sub_type=sub_type)


_SCALAR_FIELDS: list[FieldDef] = [
    _f("title", "Title", "string", fv.text("title")),
    _f("titleSort", "Sort Title", "string", fv.get_title_sort),
    _f("originalTitle", "Original Title", "string", fv.text("original_title")),
    _f("editionTitle", "Edition", "string", fv.text("edition_title"), choices="literal"),
    _f("studio", "Studio", "string", fv.text("studio"), choices="literal"),
    _f("network", "Network", "tag", fv.scalar("studio"), multi=True, choices="literal"),  # shows: the studio
    _f("summary", "Summary", "string", fv.text("summary")),
    _f("tagline", "Tagline", "string", fv.text("tagline")),
    _f(
        "contentRating",
        "Content Rating",
        "tag",
        fv.scalar("content_rating"),
        multi=True,
        choices="literal",
    ),
    _f(
        "year",
        "Year",
        "integer",
        fv.scalar("year"),
        choices="literal",
        sub_type="year",
        filter_type="integer",
    ),
    _f(
        "decade",
        "Decade",
        "integer",
        fv.get_decade,
        choices="literal",
        sub_type="decade",
        filter_type="integer",
    ),
    _f("originallyAvailableAt", "Release Date", "date", fv.get_release),
    _f("addedAt", "Date Added", "date", fv.scalar("added_at")),
    _f("updatedAt", "Date Updated", "date", fv.scalar("updated_at")),
    _f("lastViewedAt", "Last Played", "date", fv.get_last_viewed),
    _f("lastRatedAt", "Last Rated", "date", fv.scalar("last_rated_at")),
    _f("duration", "Duration", "integer", fv.get_duration, sub_type="duration"),
    _f("rating", "Critic Rating", "integer", fv.scalar("rating"), unrated=-1),
    _f("audienceRating", "Audience Rating", "integer", fv.scalar("audience_rating"), unrated=-1),
    _f("userRating", "Rating", "integer", fv.get_user_rating, sub_type="rating"),
    _f("viewCount", "Plays", "integer", fv.get_view_count),
    _f("viewOffset", "View Offset", "integer", fv.scalar("view_offset")),
    _f("unviewedLeafCount", "Episode Unplayed Count", "integer", fv.get_unviewed_leaf_count),
    _f("index", "Number", "integer", fv.get_index),
    _f("id", "Rating Key", "integer", fv.get_id),
    _f("ratingCount", "Rating Count", "integer", fv.get_rating_count),
    _f("guid", "Guid", "guid", fv.get_guid, multi=True),
    _f(
        "mediaSize",
        "File Size",
        "integer",
        fv.per_media(fv.get_media_size),
        multi=True,
        sub_type="fileSize",
    ),
    _f(
        "mediaBitrate",
        "Bitrate",
        "integer",
        fv.per_media(lambda m: m.bitrate),
        multi=True,
        sub_type="bitrate",
    ),
    _f("mediaHeight", "Video Height", "integer", fv.per_media(lambda m: m.height), multi=True),
    _f(
        "resolution",
        "Resolution",
        "resolution",
        fv.per_media(lambda m: m.video_resolution),
        multi=True,
        choices="literal",
    ),
    _f(
        "audioLanguage",
        "Audio Language",
        "audioLanguage",
        fv.stream_languages(2),
        multi=True,
        choices="literal",
    ),
    _f(
        "subtitleLanguage",
        "Subtitle Language",
        "subtitleLanguage",
        fv.stream_languages(3),
        multi=True,
        choices="literal",
    ),
    _bool("unwatched", "Unplayed", fv.leaf_flag(fv.unwatched)),
    _bool("unwatchedLeaves", "Unplayed Episodes", fv.leaf_flag(fv.unwatched)),
    _bool("inProgress", "In Progress", fv.leaf_flag(fv.in_progress)),
    _bool("unmatched", "Unmatched", fv.get_unmatched),
    _bool("duplicate", "Duplicate", fv.get_duplicate),
    _bool("trash", "Trash", fv.get_false),
    _bool("hdr", "HDR", fv.any_media(fv.is_hdr), sub_type="hdr"),
    _bool("dovi", "Dolby Vision", fv.any_media(fv.is_dovi), sub_type="dovi"),
]
_TAG_TITLES = {"genre": "Genre", "collection": "Collection", "director": "Director", "writer": "Writer",
               "actor": "Actor", "producer": "Producer", "country": "Country", "label": "Label"}  # fmt: skip

FIELDS: dict[str, FieldDef] = {
    d.key: d for d in [*_SCALAR_FIELDS, *(_tag(kind, _TAG_TITLES[kind]) for kind in TAG_KINDS)]
}


# --------------------------------------------------------------------------- the sorts


def _first(key: str, fold: bool = False) -> SortKey:
    getter = FIELDS[key].getter

    def get(lib: Library, item: Item) -> Any:
        values = getter(lib, item)
        if not values:
            return None
        return values[0].casefold() if fold else values[0]

    return get


def _largest(key: str) -> SortKey:
    getter = FIELDS[key].getter

    def get(lib: Library, item: Item) -> Any:
        values = getter(lib, item)
        return max(values) if values else None

    return get


def _random(lib: Library, item: Item) -> Any:
    """A fixed pseudo-random order (Knuth multiplicative hash of the rating key): stable across pages."""
    return (item.rating_key * 2654435761) % 4294967296


def _build_sorts() -> dict[str, SortDef]:
    spec: list[tuple[str, str, str, SortKey]] = [
        ("titleSort", "Title", "asc", _first("titleSort", fold=True)),
        ("title", "Title", "asc", _first("title", fold=True)),
        ("originalTitle", "Original Title", "asc", _first("originalTitle", fold=True)),
        ("editionTitle", "Edition", "asc", _first("editionTitle", fold=True)),
        ("studio", "Studio", "asc", _first("studio", fold=True)),
        ("network", "Network", "asc", _first("network", fold=True)),
        ("summary", "Summary", "asc", _first("summary", fold=True)),
        ("tagline", "Tagline", "asc", _first("tagline", fold=True)),
        ("contentRating", "Content Rating", "asc", _first("contentRating", fold=True)),
        ("guid", "Guid", "asc", _first("guid")),
        ("random", "Randomly", "asc", _random),
        ("mediaHeight", "Resolution", "desc", _largest("mediaHeight")),
        ("mediaBitrate", "Bitrate", "desc", _largest("mediaBitrate")),
        ("mediaSize", "File Size", "desc", _largest("mediaSize")),
    ]
    titles = {
        "originallyAvailableAt": ("Release Date", "desc"), "rating": ("Critic Rating", "desc"),
        "audienceRating": ("Audience Rating", "desc"), "userRating": ("Rating", "desc"),
        "duration": ("Duration", "desc"), "viewOffset": ("Progress", "desc"), "viewCount": ("Plays", "desc"),
        "addedAt": ("Date Added", "desc"), "updatedAt": ("Date Updated", "asc"),
        "lastViewedAt": ("Date Viewed", "desc"), "lastRatedAt": ("Date Rated", "desc"), "year": ("Year", "desc"),
        "ratingCount": ("Rating Count", "desc"), "index": ("Number", "asc"), "id": ("Rating Key", "asc"),
        "unviewedLeafCount": ("Unplayed", "desc"),
    }  # fmt: skip
    spec += [(key, title, direction, _first(key)) for key, (title, direction) in titles.items()]
    return {key: SortDef(key, title, direction, fn) for key, title, direction, fn in spec}


SORTS: dict[str, SortDef] = _build_sorts()


# --------------------------------------------------------------------------- what each libtype advertises


def _keys(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TYPE_SPECS: dict[str, TypeSpec] = {
    "movie": TypeSpec(
        "movie",
        "Movies",
        _keys(
            "title titleSort originalTitle editionTitle studio summary tagline userRating contentRating year decade "
            "originallyAvailableAt duration unmatched duplicate genre collection director writer producer actor "
            "country addedAt viewCount lastViewedAt unwatched resolution hdr dovi mediaSize mediaBitrate "
            "subtitleLanguage audioLanguage inProgress trash label"
        ),
        _keys(
            "genre year decade contentRating collection director actor writer producer country studio "
            "editionTitle resolution hdr dovi unwatched inProgress unmatched duplicate audioLanguage "
            "subtitleLanguage label"
        ),
        _keys(
            "titleSort originallyAvailableAt rating audienceRating userRating contentRating duration viewOffset "
            "viewCount addedAt lastViewedAt lastRatedAt mediaHeight mediaBitrate year random title studio "
            "originalTitle editionTitle"
        ),
    ),
    "show": TypeSpec(
        "show",
        "TV Shows",
        _keys(
            "title titleSort originalTitle studio network summary tagline userRating contentRating year decade "
            "genre collection label actor director writer producer country addedAt lastViewedAt unwatchedLeaves "
            "unmatched"
        ),
        _keys(
            "genre year decade contentRating collection actor director writer producer country studio network label "
            "unwatchedLeaves unmatched"
        ),
        _keys(
            "titleSort year originallyAvailableAt rating audienceRating userRating contentRating unviewedLeafCount "
            "episode.addedAt addedAt lastViewedAt random title studio originalTitle"
        ),
    ),
    "season": TypeSpec(
        "season",
        "Seasons",
        _keys("title summary userRating unwatched"),
        _keys("collection"),
        _keys("index addedAt lastViewedAt userRating random"),
    ),
    "episode": TypeSpec(
        "episode",
        "Episodes",
        _keys(
            "title titleSort summary contentRating year originallyAvailableAt addedAt lastViewedAt viewCount "
            "userRating unwatched inProgress resolution hdr dovi duplicate trash unmatched director writer "
            "collection audioLanguage subtitleLanguage mediaSize mediaBitrate"
        ),
        _keys(
            "collection contentRating director writer year resolution hdr dovi unwatched inProgress "
            "audioLanguage subtitleLanguage"
        ),
        _keys(
            "titleSort originallyAvailableAt rating audienceRating userRating contentRating duration viewOffset "
            "viewCount addedAt lastViewedAt lastRatedAt mediaHeight mediaBitrate year random title"
        ),
    ),
    "collection": TypeSpec(
        "collection",
        "Collections",
        _keys("title titleSort summary contentRating userRating"),
        _keys("contentRating"),
        _keys("titleSort random title"),
    ),
}

SECTION_LIBTYPES: dict[str, tuple[str, ...]] = {
    "movie": ("movie",),
    "show": ("show", "season", "episode"),
}

# Ancestors of each libtype, nearest first; everything else reachable from a libtype is a descendant.
ANCESTORS: dict[str, tuple[str, ...]] = {"season": ("show",), "episode": ("season", "show")}


def section_libtypes(section_type: str) -> tuple[str, ...]:
    """Libtypes a section of this type lists through `/all?type=N` (collections come on top)."""
    return SECTION_LIBTYPES.get(section_type, (section_type,))


def type_spec(libtype: str) -> TypeSpec:
    found = TYPE_SPECS.get(libtype)
    if found is None:
        return TypeSpec(
            libtype, libtype.capitalize(), _keys("title titleSort addedAt"), (), _keys("titleSort addedAt")
        )
    return found


def catalog(libtype: str) -> dict[str, FieldDef]:
    """Every evaluable field, flagged with whether `libtype`'s `<Meta>` advertises it as Field and/or Filter."""
    spec = type_spec(libtype)
    fields, filters = set(spec.fields), set(spec.filters)
    return {
        key: dataclasses.replace(d, field=key in fields, filter=key in filters)
        if key in fields | filters
        else d
        for key, d in FIELDS.items()
    }


def field_key(libtype: str, key: str) -> str:
    """How `<Meta>` names a field: movie fields bare, every other libtype prefixed (`show.title`)."""
    return key if libtype == "movie" else f"{libtype}.{key}"


def lookup_field(name: str) -> FieldDef | None:
    return FIELDS.get(name)


def lookup_sort(name: str) -> SortDef | None:
    return SORTS.get(name)
