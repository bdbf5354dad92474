"""Loading config.yml: secrets, Kometa's legacy keys, global and per-library settings, file blocks.

Everything that cannot be used raises ConfigError at its file:line:col with the key path. Keys this
engine does not run yet are kept in `unsupported` lists (key path and location) for warnings.
`<<name>>` secrets are filled in the parts the engine uses (never under template_variables); a missing
secret there is an error, while placeholders in unused parts (tmdb, radarr, ...) are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.config_blocks import FileKind, FileRef, parse_file_blocks, schedule_at, template_variables
from modules.config_parts import (
    PlexConfig,
    Webhooks,
    build_plex,
    parse_webhooks,
    plex_fields,
    substitute_secrets,
)
from modules.config_settings import (
    Entry,
    Settings,
    build_settings,
    convert,
    is_plex_legacy,
    legacy_entries,
    settings_entries,
    to_str,
)
from modules.errors import ConfigError, Location
from modules.schedule import Schedule
from modules.yamlio import load, plain, where

__all__ = [
    "Config",
    "FileKind",
    "FileRef",
    "LibraryConfig",
    "PlexConfig",
    "Settings",
    "Webhooks",
    "load_config",
    "parse_file_blocks",
]

INLINE_DEFINITIONS = ("collections", "dynamic_collections", "templates", "metadata", "overlays", "playlists")
TOP_LEVEL_LEGACY = frozenset({"cache", "cache_expiration"})
# Every other top-level key (playlist_files, tmdb, trakt, radarr, ...) and every other library key
# (metadata_files, overlay_files, operations, radarr, ...) is listed as unsupported.
TOP_LEVEL_USED = frozenset({"libraries", "settings", "plex", "webhooks", *TOP_LEVEL_LEGACY})
LIBRARY_USED = frozenset(
    {"library_name", "collection_files", "template_variables", "schedule", "settings", "plex", "webhooks"}
)


@dataclass
class LibraryConfig:
    """One `libraries:` entry with the global settings and plex block merged in."""

    name: str
    library_name: str
    collection_files: list[FileRef]
    template_variables: dict[str, Any]
    schedule: Schedule | None
    settings: Settings
    plex: PlexConfig
    unsupported: list[tuple[str, Location]]
    location: Location
    changes_webhooks: list[str] = field(default_factory=list)


@dataclass
class Config:
    """A loaded config.yml."""

    path: Path
    directory: Path
    libraries: dict[str, LibraryConfig]
    settings: Settings
    plex: PlexConfig | None
    webhooks: Webhooks
    unsupported: list[tuple[str, Location]] = field(default_factory=list)
    migrated: list[tuple[str, Location]] = field(default_factory=list)
    """Legacy keys read under their new names ("settings.collection_minimum is now ...")."""


@dataclass
class _Globals:
    """What every library inherits, plus the lists every part reports into."""

    source: str
    directory: Path
    secrets: Mapping[str, str]
    settings: Settings
    plex: dict[str, Any]
    unsupported: list[tuple[str, Location]]
    migrated: list[tuple[str, Location]]


def load_config(path: Path, secrets: Mapping[str, str]) -> Config:
    """Read and check config.yml; `secrets` fill `<<name>>` placeholders (plex_url/plex_token for `env`)."""
    source = str(path)
    root = load(path)
    if root is None:
        raise ConfigError("config file is empty; it needs at least libraries and plex", Location(source))
    if not isinstance(root, dict):
        raise ConfigError(
            f"config must be a mapping of keys such as libraries and plex, got {plain(root)!r}",
            where(root, source),
        )
    substitute_secrets(root, source, secrets, only=TOP_LEVEL_USED - {"libraries"})
    unsupported: list[tuple[str, Location]] = []
    migrated: list[tuple[str, Location]] = []
    entries = [
        *legacy_entries(root, source, "", lambda k: k in TOP_LEVEL_LEGACY, migrated),
        *legacy_entries(root.get("plex"), source, "plex", is_plex_legacy, migrated),
        *settings_entries(root, "settings", source, "settings", migrated),
    ]
    glob = _Globals(
        source=source,
        directory=path.parent,
        secrets=secrets,
        settings=build_settings(entries, Settings(), unsupported),
        plex=plex_fields(root, "plex", source, secrets, unsupported),
        unsupported=unsupported,
        migrated=migrated,
    )
    webhooks = parse_webhooks(root, "webhooks", source, unsupported)
    unsupported.extend((str(k), where(root, source, k)) for k in root if k not in TOP_LEVEL_USED)
    libraries = _libraries(root, glob)
    plex = PlexConfig(**glob.plex) if glob.plex.get("url") and glob.plex.get("token") else None
    return Config(path, path.parent, libraries, glob.settings, plex, webhooks, unsupported, migrated)


def _libraries(root: Any, glob: _Globals) -> dict[str, LibraryConfig]:
    """The `libraries:` mapping, required and non-empty."""
    if "libraries" not in root:
        raise ConfigError(
            "libraries: required; add a libraries: mapping naming your Plex libraries",
            where(root, glob.source),
        )
    node = root["libraries"]
    if not isinstance(node, dict) or not node:
        raise ConfigError(
            f"libraries: must be a mapping of library name: settings, got {plain(node)!r}",
            where(root, glob.source, "libraries"),
        )
    return {str(name): _library(node, name, glob) for name in node}


def _library(parent: Any, name: Any, glob: _Globals) -> LibraryConfig:
    """One library block."""
    node, prefix, loc = parent[name], f"libraries.{name}", where(parent, glob.source, name)
    if node is None:
        node = {}
    if not isinstance(node, dict):
        raise ConfigError(
            f"{prefix}: must be a mapping (collection_files, settings, ...), got {plain(node)!r}", loc
        )
    substitute_secrets(node, glob.source, glob.secrets, prefix, only=LIBRARY_USED)
    lib = LibraryConfig(str(name), str(name), [], {}, None, glob.settings, PlexConfig("", ""), [], loc)
    entries: list[Entry] = []
    plex: dict[str, Any] = {}
    for key in node:
        key_loc, key_path = where(node, glob.source, key), f"{prefix}.{key}"
        if key in INLINE_DEFINITIONS:
            raise ConfigError(
                f"{key_path}: {key} cannot be defined in config.yml. These belong in external YAML files "
                f"listed under collection_files",
                key_loc,
            )
        if key == "settings":
            entries.extend(settings_entries(node, key, glob.source, key_path, glob.migrated))
        elif key == "plex":
            entries.extend(legacy_entries(node[key], glob.source, key_path, is_plex_legacy, glob.migrated))
            plex = plex_fields(node, key, glob.source, glob.secrets, lib.unsupported, key_path)
        else:
            _library_key(lib, node, key, key_path, glob)
    lib.settings = build_settings(entries, glob.settings, lib.unsupported, library=True)
    lib.plex = build_plex({**glob.plex, **plex}, prefix, loc)
    return lib


def _library_key(lib: LibraryConfig, node: Any, key: Any, key_path: str, glob: _Globals) -> None:
    """Every library key except settings, plex and the rejected inline definitions."""
    source, key_loc = glob.source, where(node, glob.source, key)
    if key == "library_name":
        if node[key] is not None:
            lib.library_name = convert(node[key], to_str, key_path, key_loc)
    elif key == "collection_files":
        lib.collection_files = parse_file_blocks(node, key, source, key_path, glob.directory, lib.unsupported)
    elif key == "template_variables":
        lib.template_variables = template_variables(node, key, source, key_path)
    elif key == "schedule":
        lib.schedule = schedule_at(node, key, source, key_path)
    elif key == "webhooks":
        hooks = parse_webhooks(node, key, source, lib.unsupported, key_path, ("changes",))
        lib.changes_webhooks = hooks.changes
    else:
        lib.unsupported.append((key_path, key_loc))
