"""The `settings:` block: typed values with Kometa's code defaults, legacy keys, per-library overrides.

Settings are read from *entries* rather than straight from the YAML mapping so that legacy keys found
elsewhere (top-level ``cache``, ``plex.sync_mode``, ``settings.collection_minimum``...) keep the place
and the key path the user wrote, for error messages.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from modules.errors import ConfigError, Location
from modules.yamlio import plain, where

RUN_ORDER: tuple[str, ...] = ("operations", "metadata", "collections", "overlays")
SYNC_MODES = ("append", "sync")
_IMDB_RE = re.compile(r"^tt\d+$")

# §2.5 keys kept in `Settings.extra` as written (no warning: Kometa writes them all into config.yml).
KNOWN_EXTRA = frozenset(
    {
        *("asset_folders", "asset_depth", "create_asset_folders", "prioritize_assets"),
        *("dimensional_asset_rename", "download_url_assets", "show_missing_assets"),
        *("show_missing_season_assets", "show_missing_episode_assets", "show_asset_not_needed"),
        *("auto_sort_hubs", "run_again_delay", "tvdb_language", "playlist_sync_to_users"),
        *("playlist_exclude_users", "verify_ssl", "overlay_artwork_filetype", "overlay_artwork_quality"),
        *("assets_for_all", "assets_for_all_collections"),
    }
)
# Keys a library's `settings:` cannot override (Kometa reads them only globally).
GLOBAL_ONLY = frozenset(
    {
        *("cache", "cache_expiration", "run_again_delay", "tvdb_language", "playlist_sync_to_users"),
        *("playlist_exclude_users", "playlist_report", "verify_ssl", "custom_repo"),
        *("assets_for_all", "assets_for_all_collections"),
    }
)
MERGED_LISTS = frozenset({"ignore_ids", "ignore_imdb_ids"})
# Legacy names inside `settings:` and the keys `plex:` used to hold (§2.4).
SETTINGS_RENAMES = {
    "collection_minimum": "minimum_items",
    "playlist_sync_to_user": "playlist_sync_to_users",
    "save_missing": "save_report",
}
PLEX_LEGACY = frozenset({"asset_directory", "sync_mode", "save_missing"})


@dataclass
class Settings:
    """Collection-related settings with Kometa's code defaults; other §2.5 keys are in `extra`."""

    run_order: list[str] = field(default_factory=lambda: list(RUN_ORDER))
    cache: bool = True
    cache_expiration: int = 60
    asset_directory: list[str] | None = None
    sync_mode: str = "append"
    default_collection_order: str | None = None
    minimum_items: int = 1
    item_refresh_delay: int = 0
    delete_below_minimum: bool = False
    delete_not_scheduled: bool = False
    missing_only_released: bool = False
    only_filter_missing: bool = False
    show_unmanaged: bool = True
    show_unconfigured: bool = True
    show_filtered: bool = False
    show_unfiltered: bool = False
    show_options: bool = False
    show_missing: bool = True
    save_report: bool = False
    playlist_report: bool = True
    ignore_ids: list[int] = field(default_factory=list)
    ignore_imdb_ids: list[str] = field(default_factory=list)
    custom_repo: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One settings value as found: canonical key, raw value, where it is and the key path written."""

    key: str
    value: Any
    location: Location
    path: str


# --------------------------------------------------------------------------- value converters


def to_bool(value: Any) -> bool:
    """A YAML bool, or the strings true/false (secrets are substituted as strings)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"must be true or false, got {_show(value)}")


def int_at_least(low: int) -> Callable[[Any], int]:
    """A converter to an int >= low; digit strings are accepted."""

    def convert(value: Any) -> int:
        """The integer, or ValueError naming the lower bound."""
        integral = isinstance(value, int) and not isinstance(value, bool)
        digits = isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value) is not None
        number = int(value) if integral or digits else None
        if number is None or number < low:
            raise ValueError(f"must be an integer ({low} or more), got {_show(value)}")
        return number

    return convert


def to_str(value: Any) -> str:
    """A scalar as text (numbers are fine, mappings and lists are not)."""
    if isinstance(value, bool | dict | list):
        raise ValueError(f"must be a string, got {_show(value)}")
    return str(value)


def to_list(value: Any) -> list[str]:
    """A list of scalars, or one comma-separated string."""
    items = value if isinstance(value, list) else str(value).split(",") if isinstance(value, str) else [value]
    result = [to_str(item).strip() for item in items if item is not None]
    return [item for item in result if item]


def _sync_mode(value: Any) -> str:
    """`append` or `sync`."""
    if not isinstance(value, str) or value.strip().lower() not in SYNC_MODES:
        raise ValueError(f"must be append or sync, got {_show(value)}")
    return value.strip().lower()


def _run_order(value: Any) -> list[str]:
    """Known, unique steps; the missing ones are appended in Kometa's default order."""
    steps = [s.lower() for s in to_list(value.replace("|", ",") if isinstance(value, str) else value)]
    for step in steps:
        if step not in RUN_ORDER:
            raise ValueError(f"unknown step {step!r}; use {', '.join(RUN_ORDER)}")
    if len(set(steps)) != len(steps):
        raise ValueError(f"lists a step twice: {', '.join(steps)}")
    return steps + [s for s in RUN_ORDER if s not in steps]


def _ignore_ids(value: Any) -> list[int]:
    """TMDb/TVDb ids: ints, from a list or a comma-separated string."""
    convert = int_at_least(1)
    try:
        return [convert(item) for item in to_list(value)]
    except ValueError:
        raise ValueError(f"must be a list of TMDb/TVDb ids (integers), got {_show(value)}") from None


def _imdb_ids(value: Any) -> list[str]:
    """IMDb ids (`tt` and digits)."""
    ids = to_list(value)
    for imdb_id in ids:
        if not _IMDB_RE.match(imdb_id):
            raise ValueError(f"must be a list of IMDb ids like tt0111161, got {_show(imdb_id)}")
    return ids


def _show(value: Any) -> str:
    """A value for messages, as plain Python repr."""
    return repr(plain(value))


BOOL_KEYS = (
    *("cache", "delete_below_minimum", "delete_not_scheduled", "missing_only_released"),
    *("only_filter_missing", "show_unmanaged", "show_unconfigured", "show_filtered", "show_unfiltered"),
    *("show_options", "show_missing", "save_report", "playlist_report"),
)
CONVERTERS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(BOOL_KEYS, to_bool),
    "run_order": _run_order,
    "cache_expiration": int_at_least(1),
    "asset_directory": to_list,
    "sync_mode": _sync_mode,
    "default_collection_order": to_str,
    "minimum_items": int_at_least(0),
    "item_refresh_delay": int_at_least(0),
    "ignore_ids": _ignore_ids,
    "ignore_imdb_ids": _imdb_ids,
    "custom_repo": to_str,
}


def convert(value: Any, converter: Callable[[Any], Any], path: str, location: Location) -> Any:
    """Run `converter`; its ValueError becomes a ConfigError naming `path` at `location`."""
    try:
        return converter(value)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}", location) from None


# --------------------------------------------------------------------------- entries


def settings_entries(
    parent: Any, key: str, source: str, prefix: str, migrated: list[tuple[str, Location]]
) -> list[Entry]:
    """Entries of the `settings:` mapping `parent[key]` (`prefix` is its key path), legacy names renamed."""
    node = parent.get(key)
    if node is None:
        return []
    if not isinstance(node, dict):
        raise ConfigError(
            f"{prefix}: must be a mapping of settings, got {_show(node)}", where(parent, source, key)
        )
    entries = []
    for name, value in node.items():
        loc, path = where(node, source, name), f"{prefix}.{name}"
        name = str(name)
        if name in SETTINGS_RENAMES:
            migrated.append((f"{path} is now {prefix}.{SETTINGS_RENAMES[name]}", loc))
            name = SETTINGS_RENAMES[name]
        entries.append(Entry(name, value, loc, path))
    # Legacy names first, so a current name given as well wins.
    return sorted(entries, key=lambda e: e.path.rsplit(".", 1)[-1] == e.key)


def legacy_entries(
    node: Any, source: str, prefix: str, keys: Callable[[str], bool], migrated: list[tuple[str, Location]]
) -> list[Entry]:
    """Entries for legacy settings found in another mapping (top level, `plex:`)."""
    if not isinstance(node, dict):
        return []
    entries = []
    for key, value in node.items():
        if not keys(str(key)):
            continue
        name = SETTINGS_RENAMES.get(str(key), str(key))
        path = f"{prefix}.{key}" if prefix else str(key)
        loc = where(node, source, key)
        migrated.append((f"{path} is now settings.{name}", loc))
        entries.append(Entry(name, value, loc, path))
    return entries


def is_plex_legacy(key: str) -> bool:
    """Whether a `plex:` key is a setting that moved to `settings:`."""
    return key in PLEX_LEGACY or key.startswith("show_")


# --------------------------------------------------------------------------- building


def build_settings(
    entries: Iterable[Entry],
    base: Settings,
    unsupported: list[tuple[str, Location]],
    *,
    library: bool = False,
) -> Settings:
    """`base` with `entries` applied (later entries win); a library merges the ignore-id lists."""
    base = copy.deepcopy(base)
    changes: dict[str, Any] = {}
    extra = base.extra
    for entry in entries:
        if entry.value is None:
            continue
        if library and entry.key in GLOBAL_ONLY:
            unsupported.append((entry.path, entry.location))
            continue
        converter = CONVERTERS.get(entry.key)
        if converter is None:
            extra[entry.key] = plain(entry.value)
            if entry.key not in KNOWN_EXTRA:
                unsupported.append((entry.path, entry.location))
            continue
        value = convert(entry.value, converter, entry.path, entry.location)
        if library and entry.key in MERGED_LISTS:
            value = list(dict.fromkeys([*getattr(base, entry.key), *value]))
        changes[entry.key] = value
    return dataclasses.replace(base, extra=extra, **changes)
