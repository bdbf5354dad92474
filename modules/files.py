"""Collection files: resolving file blocks (file, folder, default, url) into parsed, checked YAML files,
and merging `external_templates` under a file's own templates."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from modules.config_blocks import YAML_SUFFIXES, FileRef, file_candidates, parse_file_blocks, resolve_path
from modules.errors import ConfigError, Location, UnsupportedError
from modules.kometa_defaults import lookup_default, shipped_defaults
from modules.remote_files import RemoteFiles, cache_dir, community_url
from modules.yamlio import load, parse, where

Fetch = Callable[[str], str]
SECTIONS = ("templates", "collections", "dynamic_collections", "external_templates", "metadata")
URL_TIMEOUT = 30


@dataclass
class CollectionFile:
    """One parsed collection file.

    `source` is for display (path relative to the config directory, `default:NAME` or the URL);
    `file` is the name used in error locations (the path as opened, or the URL).
    """

    source: str
    path: Path | None
    data: Any
    templates: dict[str, Any]
    collections: dict[str, Any]
    dynamic_collections: dict[str, Any]
    external_templates: list[FileRef]
    ref: FileRef
    file: str = field(default="")
    metadata: Location | None = None
    """Where a `metadata:` section is (Kometa applies its edits; this engine skips them with a warning)."""


def load_collection_files(
    ref: FileRef,
    config_dir: Path,
    defaults_dir: Path,
    library_type: str,
    fetch: Fetch | None = None,
    remote: RemoteFiles | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[CollectionFile]:
    """The collection files one file block stands for (a folder gives several).

    `git:` / `repo:` blocks are read through `remote` (downloaded and kept; see `modules.remote_files`),
    by default with `fetch`, Kometa's community repository and a cache beside config.yml.
    UnsupportedError (a ConfigError) means Kometa would load the block but this engine cannot: callers
    skip it with a warning.
    """
    if ref.kind in ("git", "repo"):
        remote = remote or RemoteFiles(fetch or http_get, cache_dir(config_dir), community_url())
        text, url = remote.read(ref.kind, ref.value, ref.location, warn or _ignore)
        return [_checked(parse(text, url), url, f"{ref.kind}:{ref.value}", None, ref, config_dir)]
    if ref.kind == "url":
        text = _download(ref, fetch or http_get)
        return [_checked(parse(text, ref.value), ref.value, ref.value, None, ref, config_dir)]
    if ref.kind == "default":
        path = _find_default(ref, defaults_dir, library_type)
        return [_read_file(path, f"default:{ref.value}", ref, config_dir)]
    base = ref.path or resolve_path(ref.value, config_dir, ref.kind)
    if ref.kind == "folder":
        return [_read_file(p, _display(p, config_dir), ref, config_dir) for p in _folder_files(ref, base)]
    path = _find_file(ref, base)
    return [_read_file(path, _display(path, config_dir), ref, config_dir)]


def http_get(url: str) -> str:
    """GET `url` (30 s timeout) and return its text; HTTP errors raise."""
    response = requests.get(url, timeout=URL_TIMEOUT)
    response.raise_for_status()
    return response.text


# --------------------------------------------------------------------------- finding files


def _find_file(ref: FileRef, base: Path) -> Path:
    """The first existing name among `.yml` / `.yaml` variants of `base`."""
    candidates = file_candidates(base)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = " and ".join(str(c) for c in candidates)
    raise ConfigError(f"file: {ref.value}: not found (looked for {tried})", ref.location)


def _folder_files(ref: FileRef, base: Path) -> list[Path]:
    """Every .yml/.yaml file directly in the folder, sorted by name."""
    if not base.is_dir():
        raise ConfigError(f"folder: {ref.value}: not a directory ({base})", ref.location)
    found = sorted(p for p in base.iterdir() if p.is_file() and p.suffix.lower() in YAML_SUFFIXES)
    if not found:
        raise ConfigError(f"folder: {ref.value}: has no .yml or .yaml files ({base})", ref.location)
    return found


def _find_default(ref: FileRef, defaults_dir: Path, library_type: str) -> Path:
    """The shipped collection default `ref` names; a Kometa default not shipped is UnsupportedError."""
    found = lookup_default(ref.value, "collection", library_type, shipped_defaults(defaults_dir))
    if found.status == "shipped" and found.path is not None:
        return defaults_dir / found.path
    error = UnsupportedError if found.status == "unshipped" else ConfigError
    raise error(found.text, ref.location)


def _download(ref: FileRef, fetch: Fetch) -> str:
    """The text at the block's URL; any failure is a ConfigError at the block."""
    try:
        return fetch(ref.value)
    except Exception as exc:  # network, HTTP status, decoding: all mean the file cannot be used
        reason = str(exc) or type(exc).__name__
        raise ConfigError(f"url: {ref.value}: cannot download: {reason}", ref.location) from None


def _display(path: Path, config_dir: Path) -> str:
    """`path` relative to the config directory when possible."""
    try:
        return Path(os.path.relpath(path, config_dir)).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- parsing


def _read_file(path: Path, display: str, ref: FileRef, config_dir: Path) -> CollectionFile:
    """Load and check one local file."""
    return _checked(load(path), str(path), display, path, ref, config_dir)


def _checked(
    data: Any, file: str, display: str, path: Path | None, ref: FileRef, config_dir: Path
) -> CollectionFile:
    """Check the parsed top level: a mapping of templates, collections, ... only."""
    allowed = ", ".join(SECTIONS)
    if data is None:
        raise ConfigError(f"collection file is empty; it needs one of {allowed}", Location(file))
    if not isinstance(data, dict):
        raise ConfigError(
            f"a collection file must be a mapping with {allowed}, got {_kind_name(data)}", where(data, file)
        )
    for key in data:
        if key not in SECTIONS:
            raise ConfigError(_unknown_section(str(key), allowed), where(data, file, key))
    sections: dict[str, dict[str, Any]] = {}
    for key in ("templates", "collections", "dynamic_collections"):
        value = data.get(key)
        if value is not None and not isinstance(value, dict):
            raise ConfigError(
                f"{key}: must be a mapping of name: definition, got {_kind_name(value)}",
                where(data, file, key),
            )
        sections[key] = value if value is not None else {}
    external = []
    if "external_templates" in data:
        external = parse_file_blocks(data, "external_templates", file, "external_templates", config_dir)
    return CollectionFile(
        source=display,
        path=path,
        data=data,
        templates=sections["templates"],
        collections=sections["collections"],
        dynamic_collections=sections["dynamic_collections"],
        external_templates=external,
        ref=ref,
        file=file,
        metadata=where(data, file, "metadata") if "metadata" in data else None,
    )


def _unknown_section(key: str, allowed: str) -> str:
    """The message for a top-level key a collection file cannot have."""
    message = f"{key}: not allowed in a collection file (allowed: {allowed})"
    if key == "overlays":
        return f"{message}; overlay files are not yet supported"
    if key == "playlists":
        return f"{message}; playlists belong in playlist_files, which are not yet supported"
    return message


def _kind_name(value: Any) -> str:
    """ "a list", "a mapping" or the scalar, for messages."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"


# --------------------------------------------------------------------------- external templates


def merged_templates(
    cf: CollectionFile,
    config_dir: Path,
    defaults_dir: Path,
    library_type: str,
    fetch: Fetch | None = None,
    warn: Callable[[str], None] | None = None,
    remote: RemoteFiles | None = None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The file's templates with those of its external_templates merged under them.

    Own templates win, then earlier blocks over later ones (nested external_templates are followed,
    each file once). The second value maps every external template's name to the template_variables
    of the block that brought it (a nested block's variables over its parent's). A block this engine
    cannot load (a Kometa default it does not ship) is skipped and told to ``warn``, as the file lists
    skip it; a collection that needs its templates then fails on its own.
    """
    templates = dict(cf.templates)
    variables: dict[str, dict[str, Any]] = {}
    seen = {cf.file}
    context = (config_dir, defaults_dir, library_type, fetch, remote, warn or _ignore)
    _merge_external(cf.external_templates, {}, templates, variables, seen, context, warn or _ignore)
    return templates, variables


def _ignore(_message: str) -> None:
    return None


def _merge_external(
    refs: list[FileRef],
    parent_vars: dict[str, Any],
    templates: dict[str, Any],
    variables: dict[str, dict[str, Any]],
    seen: set[str],
    context: tuple[Path, Path, str, Fetch | None, RemoteFiles | None, Callable[[str], None]],
    warn: Callable[[str], None],
) -> None:
    """Add the templates of `refs` (and their own external_templates) that are not set yet."""
    for ref in refs:
        block_vars = {**parent_vars, **ref.template_variables}
        try:
            loaded_files = load_collection_files(ref, *context)
        except UnsupportedError as exc:
            warn(str(exc))
            continue
        for loaded in loaded_files:
            if loaded.file in seen:
                continue
            seen.add(loaded.file)
            for name, template in loaded.templates.items():
                if name not in templates:
                    templates[name] = template
                    variables[name] = dict(block_vars)
            _merge_external(loaded.external_templates, block_vars, templates, variables, seen, context, warn)
