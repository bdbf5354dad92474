"""A collection definition after templates: its builders, filters, run settings and details, validated."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from modules.config import Settings
from modules.errors import DefinitionError, Location
from modules.item_details import ITEM_DETAIL_KEYS, parse_item_detail
from modules.managed import MANAGED_LABEL
from modules.schedule import Schedule, ScheduleError, parse_schedule, parse_scheduled_bool
from modules.search_fields import SORTS

SUPPORTED_BUILDERS = ("plex_all", "plex_search", "plex_collectionless", "smart_filter", "smart_label")
SERVICE_PREFIXES = {
    "tmdb_": "TMDb",
    "tvdb_": "TVDb",
    "imdb_": "IMDb",
    "trakt_": "Trakt",
    "mdblist_": "MDBList",
    "letterboxd_": "Letterboxd",
    "icheckmovies_": "iCheckMovies",
    "anidb_": "AniDB",
    "anilist_": "AniList",
    "mal_": "MyAnimeList",
    "mojo_": "Box Office Mojo",
    "stevenlu_": "StevenLu",
    "tautulli_": "Tautulli",
    "radarr_": "Radarr",
    "sonarr_": "Sonarr",
    "simkl_": "Simkl",
    "text_file": "a text file",
    "plex_watchlist": "plex.tv",
    "plex_pilots": "Plex pilots",
    "smart_url": "a Plex web URL",
    "reciperr_": "Reciperr",
}
COLLECTION_ORDERS = {"release": 0, "alpha": 1, "custom": 2}


def plex_collection_sort(order: str) -> int:
    """Plex's collectionSort for a collection_order: release 0, alpha 1, anything custom-ordered 2."""
    return COLLECTION_ORDERS.get(order, 2)


def is_custom_order(order: object) -> bool:
    """`custom`, `custom.asc`, `custom.desc` and Plex sort names (`title.asc`) all keep an explicit order."""
    return order is not None and str(order) not in ("release", "alpha")


COLLECTION_MODES = {"default": -1, "hide": 0, "hide_items": 1, "show_items": 2}
DETAIL_KEYS = {
    "summary",
    "sort_title",
    "content_rating",
    "collection_order",
    "collection_mode",
    "visible_library",
    "visible_home",
    "visible_shared",
    "label",
    "label.remove",
    "label.sync",
    "url_poster",
    "file_poster",
    "url_background",
    "file_background",
}
SETTING_KEYS = {
    "name",
    "filters",
    "sync_mode",
    "minimum_items",
    "delete_below_minimum",
    "delete_not_scheduled",
    "build_collection",
    "schedule",
    "limit",
    "sort_by",
    "test",
    "builder_level",
    "run_definition",
    "only_run_on_create",
    "show_filtered",
    "show_missing",
    "save_report",
    "ignore_blank_results",
}


@dataclass
class CollectionDefinition:
    """What one collection should be; `builders` keep their order, as Kometa applies them in order."""

    name: str
    location: Location
    builders: list[tuple[str, Any]] = field(default_factory=list)
    filters: Any = None
    sync_mode: str = "append"
    minimum_items: int = 1
    delete_below_minimum: bool = False
    delete_not_scheduled: bool = False
    build_collection: bool = True
    blank_collection: bool = False
    schedule: Schedule | None = None
    limit: int | None = None
    ignore_ids: list[int] = field(default_factory=list)
    ignore_imdb_ids: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    own_labels: list[str] = field(default_factory=lambda: [MANAGED_LABEL])
    item_details: dict[str, Any] = field(default_factory=dict)

    @property
    def smart(self) -> bool:
        return any(name in ("smart_filter", "smart_label") for name, _ in self.builders)


def _unsupported_builder(key: str) -> str | None:
    for prefix, service in SERVICE_PREFIXES.items():
        if key.startswith(prefix):
            return service
    return None


def _bool(name: str, value: Any, where: Location) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise DefinitionError(f"{name} must be true or false, got {value!r}", where)


def _int(name: str, value: Any, where: Location, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DefinitionError(f"{name} must be a whole number, got {value!r}", where) from None
    if isinstance(value, bool) or number < minimum:
        raise DefinitionError(f"{name} must be a whole number of at least {minimum}, got {value!r}", where)
    return number


def _id_list(value: Any) -> list[str]:
    """A list of ids, or one comma-separated string of them."""
    items = value if isinstance(value, list) else str(value).split(",") if value is not None else []
    return [str(v).strip() for v in items if str(v).strip()]


def _check_detail(key: str, value: Any, where: Location) -> Any:
    if key == "collection_order":
        order = str(value).lower()
        if (
            order not in COLLECTION_ORDERS
            and order not in ("custom.asc", "custom.desc")
            and order not in SORTS
        ):
            raise DefinitionError(
                f"collection_order must be release, alpha, custom, custom.asc, custom.desc or a sort such as "
                f"title.asc or critic_rating.desc, got {value!r}",
                where,
            )
        return order
    if key == "collection_mode":
        mode = str(value).lower()
        if mode not in COLLECTION_MODES:
            raise DefinitionError(
                f"collection_mode must be one of {', '.join(COLLECTION_MODES)}, got {value!r}", where
            )
        return mode
    if key.startswith("visible_"):
        try:
            return parse_scheduled_bool(value)
        except ScheduleError as exc:
            raise DefinitionError(f"{key}: {exc}", where) from None
    if key.startswith("label"):
        items = value if isinstance(value, list) else str(value).split(",")
        return [str(v).strip() for v in items if str(v).strip()]
    return value


def collection_title(name: str, data: Any) -> str:
    """The title a definition's collection has in Plex: its ``name:`` when set, else its key."""
    return str(data.get("name") or name) if isinstance(data, dict) else name


def parse_definition(name: str, data: Any, where: Location, settings: Settings) -> CollectionDefinition:
    """Validate a templated definition; unknown keys are warnings, bad values a DefinitionError."""
    if not isinstance(data, dict):
        raise DefinitionError(f"collection {name!r} must be a mapping of attributes", where)
    definition = CollectionDefinition(
        name=collection_title(name, data),
        location=where,
        sync_mode=settings.sync_mode,
        minimum_items=settings.minimum_items,
        delete_below_minimum=settings.delete_below_minimum,
        delete_not_scheduled=settings.delete_not_scheduled,
    )
    for key, value in data.items():
        _apply_key(definition, str(key), value, where)
    if settings.default_collection_order and "collection_order" not in definition.details:
        definition.details["collection_order"] = _check_detail(
            "collection_order", settings.default_collection_order, where
        )
    if definition.blank_collection:
        definition.builders = []  # Kometa's blank collection: no items, whatever else the definition says
    elif not definition.builders:
        raise DefinitionError(
            f"collection {definition.name!r} has no builder (one of {', '.join(SUPPORTED_BUILDERS)})", where
        )
    names = [b for b, _ in definition.builders]
    if "smart_filter" in names and len(names) > 1:
        raise DefinitionError("smart_filter cannot be combined with other builders", where)
    if "smart_label" in names and len(set(names) - {"smart_label"}) == 0:
        raise DefinitionError("smart_label needs another builder to find the items it labels", where)
    return definition


def _apply_key(definition: CollectionDefinition, key: str, value: Any, where: Location) -> None:
    if key in SUPPORTED_BUILDERS:
        definition.builders.append((key, value))
    elif (service := _unsupported_builder(key)) is not None:
        raise DefinitionError(f"builder {key} is not supported by this engine (it needs {service})", where)
    elif key in DETAIL_KEYS:
        definition.details[key] = _check_detail(key, value, where)
    elif key in ITEM_DETAIL_KEYS:
        definition.item_details[key] = parse_item_detail(key, value, where)
    elif key == "filters":
        definition.filters = value
    elif key == "sync_mode":
        mode = str(value).lower()
        if mode not in ("append", "sync"):
            raise DefinitionError(f"sync_mode must be append or sync, got {value!r}", where)
        definition.sync_mode = mode
    elif key == "minimum_items":
        definition.minimum_items = _int(key, value, where)
    elif key == "limit":
        definition.limit = _int(key, value, where, minimum=1)
    elif key in ("delete_below_minimum", "delete_not_scheduled", "build_collection", "blank_collection"):
        setattr(definition, key, _bool(key, value, where))
    elif key == "ignore_ids":
        definition.ignore_ids = [_int(key, v, where, minimum=1) for v in _id_list(value)]
    elif key == "ignore_imdb_ids":
        definition.ignore_imdb_ids = _id_list(value)
        for imdb_id in definition.ignore_imdb_ids:
            if not re.fullmatch(r"tt\d+", imdb_id):
                raise DefinitionError(
                    f"ignore_imdb_ids must be IMDb ids like tt0111161, got {imdb_id!r}", where
                )
    elif key == "schedule":
        try:
            definition.schedule = parse_schedule(value)
        except ScheduleError as exc:
            raise DefinitionError(f"schedule: {exc}", where) from None
    elif key not in SETTING_KEYS:
        known = sorted(
            SUPPORTED_BUILDERS
            + tuple(DETAIL_KEYS)
            + tuple(SETTING_KEYS)
            + tuple(ITEM_DETAIL_KEYS)
            + ("ignore_ids", "ignore_imdb_ids")
        )
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        definition.warnings.append(f"attribute {key!r} is not supported and was ignored{hint}")
