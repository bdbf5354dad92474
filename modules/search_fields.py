"""Tables for `modules.search`: Kometa search attributes, modifiers, Plex operators and sorts.

Every Kometa attribute maps to one Plex filter field and one kind; the kind decides which modifiers apply and
how a modifier becomes a Plex operator (the characters left of `=` in `field<op>=value`). `levels` says at which
hierarchy levels (movie, show, season, episode) the field exists; a show library reaches the other levels with
the `show_` / `season_` / `episode_` prefixes (`episode_title` -> `episode.title`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Kind = Literal["string", "tag", "number", "float", "date", "boolean"]

MOVIE = frozenset({"movie"})
SHOW = frozenset({"show"})
EPISODE = frozenset({"episode"})
MOVIE_SHOW = frozenset({"movie", "show"})
MOVIE_EPISODE = frozenset({"movie", "episode"})
MOVIE_SHOW_EPISODE = frozenset({"movie", "show", "episode"})
EVERY_LEVEL = frozenset({"movie", "show", "season", "episode"})

LEVEL_PLURALS = {"movie": "movies", "show": "shows", "season": "seasons", "episode": "episodes"}
TYPE_NAMES = {
    "movies": "movie", "movie": "movie", "shows": "show", "show": "show",
    "seasons": "season", "season": "season", "episodes": "episode", "episode": "episode",
}  # fmt: skip
TYPE_NUMBERS = {"movie": 1, "show": 2, "season": 3, "episode": 4}
SCOPE_PREFIXES = {"show_": "show", "season_": "season", "episode_": "episode"}
CONTROL_KEYS = ("any", "all", "sort_by", "limit", "type")


@dataclass(frozen=True)
class Attribute:
    """One Kometa search attribute: its Plex field, kind and the levels where it exists."""

    name: str
    field: str
    kind: Kind
    levels: frozenset[str]
    integer: bool = False  # number kinds: only whole numbers
    scale: int = 1  # Kometa value x scale = Plex value (duration: minutes -> ms)
    tag_ids: bool = False  # values are tag names that Plex also knows by id
    level_fields: dict[str, str] = dataclasses.field(
        default_factory=dict
    )  # a different Plex field at some levels

    def plex_field(self, level: str) -> str:
        """The Plex field name of this attribute at one hierarchy level."""
        return self.level_fields.get(level, self.field)


def _tags(name: str, levels: frozenset[str], field_name: str | None = None, ids: bool = True) -> Attribute:
    return Attribute(name, field_name or name, "tag", levels, tag_ids=ids)


_ATTRIBUTE_LIST: tuple[Attribute, ...] = (
    Attribute("title", "title", "string", EVERY_LEVEL),
    Attribute("studio", "studio", "string", MOVIE_SHOW),
    Attribute("edition", "editionTitle", "string", MOVIE),
    Attribute("year", "year", "number", MOVIE_SHOW_EPISODE, integer=True),
    Attribute("decade", "decade", "number", MOVIE_SHOW_EPISODE, integer=True),
    _tags("genre", MOVIE_SHOW),
    _tags("country", MOVIE_SHOW),
    _tags("actor", MOVIE_SHOW),
    _tags("director", MOVIE_EPISODE),
    _tags("writer", MOVIE_EPISODE),
    _tags("producer", MOVIE_SHOW),
    _tags("label", EVERY_LEVEL),
    _tags("collection", EVERY_LEVEL),
    _tags("content_rating", MOVIE_SHOW_EPISODE, "contentRating", ids=False),
    _tags("network", SHOW, ids=False),
    _tags("resolution", MOVIE_EPISODE, ids=False),
    _tags("audio_language", MOVIE_EPISODE, "audioLanguage", ids=False),
    _tags("subtitle_language", MOVIE_EPISODE, "subtitleLanguage", ids=False),
    Attribute("added", "addedAt", "date", EVERY_LEVEL),
    Attribute("release", "originallyAvailableAt", "date", MOVIE_SHOW),
    Attribute("air_date", "originallyAvailableAt", "date", EPISODE),
    Attribute("last_played", "lastViewedAt", "date", EVERY_LEVEL),
    Attribute("critic_rating", "rating", "float", MOVIE_SHOW_EPISODE),
    Attribute("audience_rating", "audienceRating", "float", MOVIE_SHOW_EPISODE),
    Attribute("user_rating", "userRating", "float", EVERY_LEVEL),
    Attribute("plays", "viewCount", "number", EVERY_LEVEL, integer=True),
    Attribute("duration", "duration", "number", MOVIE_EPISODE, scale=60_000),
    Attribute("hdr", "hdr", "boolean", MOVIE_EPISODE),
    Attribute("dovi", "dovi", "boolean", MOVIE_EPISODE),
    Attribute("unmatched", "unmatched", "boolean", MOVIE_SHOW),
    Attribute("duplicate", "duplicate", "boolean", MOVIE_EPISODE),
    Attribute("unplayed", "unwatched", "boolean", EVERY_LEVEL, level_fields={"show": "unwatchedLeaves"}),
    Attribute("progress", "inProgress", "boolean", MOVIE_EPISODE),
    Attribute("trash", "trash", "boolean", MOVIE_SHOW_EPISODE),
)

ATTRIBUTES: MappingProxyType[str, Attribute] = MappingProxyType({a.name: a for a in _ATTRIBUTE_LIST})

# Modifiers each kind accepts (`""` = no modifier), in the order error messages list them.
MODIFIERS: dict[Kind, tuple[str, ...]] = {
    "string": ("", ".not", ".is", ".isnot", ".begins", ".ends"),
    "tag": ("", ".not"),
    "number": ("", ".not", ".gt", ".gte", ".lt", ".lte"),
    "float": ("", ".not", ".gt", ".gte", ".lt", ".lte", ".rated"),
    "date": ("", ".not", ".before", ".after"),
    "boolean": ("",),
}
MODIFIER_ALIASES = {".greater": ".gt", ".less": ".lt"}

# Kometa modifier -> Plex operator suffix of the key, per kind. Dates without a modifier mean "in the last N
# days" (`addedAt>>=-30d`), `.not` "not in the last N days" (`addedAt<<=-30d`). `.rated` and booleans are
# special-cased in `modules.search` (`userRating!=-1` / `userRating=-1`, `hdr=1` / `hdr!=1`).
OPERATORS: dict[Kind, dict[str, str]] = {
    "string": {"": "", ".not": "!", ".is": "=", ".isnot": "!=", ".begins": "<", ".ends": ">"},
    "tag": {"": "", ".not": "!"},
    "number": {"": "", ".not": "!", ".gt": ">>", ".gte": ">", ".lt": "<<", ".lte": "<"},
    "float": {"": "", ".not": "!", ".gt": ">>", ".gte": ">", ".lt": "<<", ".lte": "<"},
    "date": {"": ">>", ".not": "<<", ".before": "<<", ".after": ">>"},
    "boolean": {"": ""},
}

# Kometa sort name (without .asc/.desc) -> (Plex sort field, result levels where it exists).
SORT_FIELDS: dict[str, tuple[str, frozenset[str]]] = {
    "title": ("titleSort", EVERY_LEVEL),
    "year": ("year", MOVIE_SHOW_EPISODE),
    "release": ("originallyAvailableAt", MOVIE_SHOW_EPISODE),
    "critic_rating": ("rating", MOVIE_SHOW_EPISODE),
    "audience_rating": ("audienceRating", MOVIE_SHOW_EPISODE),
    "user_rating": ("userRating", EVERY_LEVEL),
    "content_rating": ("contentRating", MOVIE_SHOW_EPISODE),
    "duration": ("duration", MOVIE_EPISODE),
    "progress": ("viewOffset", MOVIE_EPISODE),
    "plays": ("viewCount", MOVIE_EPISODE),
    "added": ("addedAt", EVERY_LEVEL),
    "viewed": ("lastViewedAt", EVERY_LEVEL),
    "resolution": ("mediaHeight", MOVIE_EPISODE),
    "bitrate": ("mediaBitrate", MOVIE_EPISODE),
    "unplayed": ("unviewedLeafCount", SHOW),
    "episode_added": ("episode.addedAt", SHOW),
    "episode_release": ("episode.originallyAvailableAt", SHOW),
}


def _sorts() -> dict[str, str]:
    table = {"random": "random"}
    for name, (plex, _levels) in SORT_FIELDS.items():
        table[f"{name}.asc"] = plex
        table[f"{name}.desc"] = f"{plex}:desc"
    return table


# Kometa sort name -> Plex `sort` value: ascending is the bare field, descending `field:desc`.
SORTS: MappingProxyType[str, str] = MappingProxyType(_sorts())


def sort_levels(name: str) -> frozenset[str]:
    """Result levels where a Kometa sort name (e.g. `title.asc`) is available."""
    base = name.rpartition(".")[0] or name
    return SORT_FIELDS[base][1] if base in SORT_FIELDS else EVERY_LEVEL
