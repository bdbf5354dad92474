"""What config.yml's ``libraries:`` manages: each library's collection and overlay files and the names they define.

Pure logic over text: repository files are read through a callable (so any commit can be inspected) and
``- default: NAME`` files from the project's ``defaults/`` folder. File blocks are resolved as the engine
resolves them (``file``/``folder`` against the repository root, ``default`` with the engine's
``modules.kometa_defaults``: collection defaults for collection files, overlay defaults for overlay files,
a Kometa default this engine does not ship marked ``unsupported``); ``url``, ``git`` and ``repo`` blocks are
reported as external and never fetched. Overlay-list entries that only set ``remove_overlays``,
``reapply_overlays`` or ``reset_overlays`` are settings, not blocks. One bad block or file is reported on
that block or file; only a config.yml that does not parse raises :class:`ConfigTextError`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.config_blocks import KINDS, YAML_SUFFIXES, legacy_default
from modules.errors import ConfigError
from modules.kometa_defaults import DEFAULTS_DIR, LIST_NAMESPACES, lookup_default, shipped_defaults
from modules.validate_files import guess_type
from modules.yamlio import parse, where

ReadText = Callable[[str], str | None]
"""A repository path → its text, or None when there is no such file."""

CONFIG_PATH = "config.yml"
COLLECTION_KEYS = ("collection_files", "metadata_path")
OVERLAY_KEYS = ("overlay_files", "overlay_path")
EXTERNAL_KINDS = ("url", "git", "repo")
OVERLAY_SETTINGS = ("remove_overlays", "reapply_overlays", "reset_overlays")
"""Keys Kometa accepts as an overlay_files entry of their own (deprecated there, still valid)."""
SECTION_KINDS = {
    "collections": "collection",
    "dynamic_collections": "dynamic_collection",
    "overlays": "overlay",
}
# Kometa in a container reads its config folder as /config, and configs say config/... when run beside it.
CONFIG_PREFIXES = ("/config/", "config/")


class ConfigTextError(Exception):
    """config.yml cannot be read as a config: a message and the 1-based place (when known)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column

    def to_dict(self) -> dict[str, Any]:
        return {"file": CONFIG_PATH, "line": self.line, "column": self.column, "message": self.message}


@dataclass
class Definition:
    """One name a file defines: a collection, a dynamic collection (its names come from Plex) or an overlay."""

    name: str
    kind: str
    file: str
    line: int | None
    templated: bool = False
    """The name holds ``<<variables>>``: the title in Plex depends on template variables."""
    source: str = "repo"


@dataclass
class UsedFile:
    """One file a block resolves to: a repository path (``source`` ``repo``) or ``defaults/...`` (``defaults``)."""

    path: str
    source: str
    definitions: list[Definition] = field(default_factory=list)
    error: str | None = None


@dataclass
class FileBlock:
    """One entry of a library's file list, as written in config.yml, and the files it stands for."""

    key: str
    kind: str
    value: str
    line: int | None
    external: bool = False
    files: list[UsedFile] = field(default_factory=list)
    error: str | None = None
    unsupported: str | None = None
    """Why the engine skips a block Kometa accepts (a Kometa default not shipped); not an error."""


@dataclass
class LibraryUse:
    """One ``libraries:`` entry: its name, the Plex title it matches, and its collection and overlay blocks."""

    name: str
    library_name: str
    line: int | None
    collection_files: list[FileBlock] = field(default_factory=list)
    overlay_files: list[FileBlock] = field(default_factory=list)

    def definitions(self, kind: str) -> list[Definition]:
        """Every definition of ``kind`` in this library's files, in config order."""
        blocks = self.overlay_files if kind == "overlay" else self.collection_files
        return [d for b in blocks for f in b.files for d in f.definitions if d.kind == kind]


def library_uses(
    config_text: str,
    paths: Collection[str],
    read: ReadText,
    section_types: Mapping[str, str] | None = None,
    defaults_dir: Path = DEFAULTS_DIR,
) -> list[LibraryUse]:
    """Every library of config.yml with what it manages, in file order.

    ``paths`` are the repository's files; ``section_types`` maps Plex section titles to their type (movie,
    show), used to pick the ``defaults/`` folder; without it the type is guessed from the library's name.
    """
    root = _parse_config(config_text)
    libraries = root.get("libraries")
    if libraries is None:
        return []
    if not isinstance(libraries, dict):
        place = where(root, CONFIG_PATH, "libraries")
        raise ConfigTextError(
            "libraries: must be a mapping of library name: settings", place.line, place.column
        )
    resolver = _Resolver(frozenset(paths), read, defaults_dir)
    found = []
    for name, node in libraries.items():
        body = node if isinstance(node, dict) else {}
        library_name = str(body.get("library_name") or name)
        libtype = (section_types or {}).get(library_name) or guess_type(library_name) or guess_type(str(name))
        use = LibraryUse(str(name), library_name, where(libraries, CONFIG_PATH, name).line)
        for key in COLLECTION_KEYS:
            use.collection_files += [resolver.block(b, libtype) for b in _blocks(body, key)]
        for key in OVERLAY_KEYS:
            use.overlay_files += [resolver.block(b, libtype) for b in _blocks(body, key)]
        found.append(use)
    return found


def _parse_config(text: str) -> dict[str, Any]:
    """config.yml as ruamel data; ConfigTextError at the syntax error's place, or for a non-mapping."""
    try:
        root = parse(text, CONFIG_PATH)
    except ConfigError as exc:
        location = exc.location
        raise ConfigTextError(
            exc.message, location.line if location else None, location.column if location else None
        ) from None
    if root is None:
        return {}
    if not isinstance(root, dict):
        raise ConfigTextError("config.yml must be a mapping with libraries, plex, settings, ...", 1, 1)
    return root


def _blocks(library: Mapping[str, Any], key: str) -> list[FileBlock]:
    """The blocks of one file list (a list, a single path, or nothing); a malformed entry keeps its error."""
    node = library.get(key)
    if node is None:
        return []
    line = where(library, CONFIG_PATH, key).line
    if isinstance(node, str):
        return [FileBlock(key, "file", node.strip(), line)]
    if not isinstance(node, list):
        return [FileBlock(key, "", "", line, error=f"{key} must be a list of file blocks")]
    return [_block(key, node, index) for index in range(len(node)) if not _is_setting(key, node[index])]


def _is_setting(key: str, item: Any) -> bool:
    """An overlay-list entry that only sets overlay options (``- remove_overlays: false``)."""
    if key not in OVERLAY_KEYS or not isinstance(item, dict):
        return False
    return not any(k in KINDS or k == "pmm" for k in item) and any(k in OVERLAY_SETTINGS for k in item)


def _block(key: str, parent: list[Any], index: int) -> FileBlock:
    """One list item: a path, or a mapping with exactly one of file, folder, default, url, git, repo."""
    item, line = parent[index], where(parent, CONFIG_PATH, index).line
    if isinstance(item, str):
        return FileBlock(key, "file", item.strip(), line)
    if not isinstance(item, dict):
        return FileBlock(key, "", "", line, error="a file block must be a mapping such as {file: path}")
    kinds = [k for k in item if k in KINDS or k == "pmm"]
    if len(kinds) != 1:
        return FileBlock(key, "", "", line, error=f"a file block needs exactly one of {', '.join(KINDS)}")
    kind, value = str(kinds[0]), item[kinds[0]]
    line = where(item, CONFIG_PATH, kind).line
    if not isinstance(value, str) or not value.strip():
        return FileBlock(key, kind, "", line, error=f"{kind}: must be a non-empty string")
    kind, value = legacy_default(kind, value.strip())
    return FileBlock(key, kind, value, line, external=kind in EXTERNAL_KINDS)


class _Resolver:
    """Resolves blocks against one commit's files and the defaults folder, reading each file once."""

    def __init__(self, paths: frozenset[str], read: ReadText, defaults_dir: Path) -> None:
        self.paths, self.read, self.defaults_dir = paths, read, defaults_dir
        self.seen: dict[tuple[str, str], UsedFile] = {}
        self.shipped: frozenset[str] | None = None

    def block(self, block: FileBlock, libtype: str | None) -> FileBlock:
        """``block`` with its files filled in (or its error set); external blocks stay as they are."""
        if block.error or block.external:
            return block
        if "<<" in block.value:
            block.error = f"{block.kind}: {block.value} depends on template variables"
        elif block.kind == "default":
            self._default(block, libtype)
        elif block.kind == "folder":
            self._folder(block)
        else:
            self._file(block)
        return block

    def _file(self, block: FileBlock) -> None:
        for candidate in _candidates(block.value):
            if candidate in self.paths:
                block.files.append(self.repo_file(candidate))
                return
        block.error = f"file {block.value} is not in the config repository"

    def _folder(self, block: FileBlock) -> None:
        folder = next((f for f in _repo_paths(block.value) if _has_files(self.paths, f)), None)
        if folder is None:
            block.error = f"folder {block.value} has no .yml or .yaml files in the config repository"
            return
        inside = sorted(p for p in self.paths if posixpath.dirname(p) == folder and _is_yaml(p))
        block.files.extend(self.repo_file(p) for p in inside)

    def _default(self, block: FileBlock, libtype: str | None) -> None:
        """The shipped default in the block's namespace (overlay files: overlay defaults only)."""
        if self.shipped is None:
            self.shipped = shipped_defaults(self.defaults_dir)
        found = lookup_default(block.value, LIST_NAMESPACES[block.key], libtype, self.shipped)
        if found.status == "shipped" and found.path is not None:
            block.files.append(self.default_file(found.path))
        elif found.status == "unshipped":
            block.unsupported = found.message
        else:
            block.error = found.text

    def repo_file(self, path: str) -> UsedFile:
        return self._summary("repo", path, lambda: self.read(path))

    def default_file(self, relative: str) -> UsedFile:
        shown = posixpath.join("defaults", relative)
        return self._summary("defaults", shown, lambda: _read_disk(self.defaults_dir / relative))

    def _summary(self, source: str, path: str, read: Callable[[], str | None]) -> UsedFile:
        key = (source, path)
        if key not in self.seen:
            text = read()
            self.seen[key] = file_summary(text, path, source) if text is not None else _missing(path, source)
        return self.seen[key]


def file_summary(text: str, path: str, source: str = "repo") -> UsedFile:
    """The collections, dynamic collections and overlays one YAML file defines, with their lines."""
    used = UsedFile(path, source)
    try:
        data = parse(text, path)
    except ConfigError as exc:
        used.error = str(exc)
        return used
    if data is None:
        return used
    if not isinstance(data, dict):
        used.error = f"{path} must be a mapping of collections, overlays, templates, ..."
        return used
    for section, kind in SECTION_KINDS.items():
        node = data.get(section)
        if not isinstance(node, dict):
            continue
        for name in node:
            text_name = str(name)
            line = where(node, path, name).line
            used.definitions.append(Definition(text_name, kind, path, line, "<<" in text_name, source))
    return used


def _missing(path: str, source: str) -> UsedFile:
    return UsedFile(path, source, error=f"{path} cannot be read")


def _read_disk(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _repo_paths(value: str) -> list[str]:
    """Where a path written in config.yml may be in the repository: as written, then without ``config/``."""
    found = []
    for text in (value, *(value[len(p) :] for p in CONFIG_PREFIXES if value.startswith(p))):
        if text.startswith("/"):
            continue
        normal = posixpath.normpath(text)
        if normal not in found and normal != ".." and not normal.startswith("../"):
            found.append(normal)
    return found


def _candidates(value: str) -> list[str]:
    """Repository paths a ``file:`` value may name: ``.yml`` appended when missing, ``.yml``/``.yaml`` swapped."""
    found = []
    for path in _repo_paths(value):
        stem, suffix = posixpath.splitext(path)
        if suffix.lower() in YAML_SUFFIXES:
            other = ".yaml" if suffix.lower() == ".yml" else ".yml"
            found += [path, stem + other]
        else:
            found += [path + ".yml", path + ".yaml"]
    return found


def _is_yaml(path: str) -> bool:
    return path.lower().endswith(YAML_SUFFIXES)


def _has_files(paths: frozenset[str], folder: str) -> bool:
    return any(posixpath.dirname(p) == folder and _is_yaml(p) for p in paths)


# --------------------------------------------------------------------------- joining with Plex


def library_items(sections: list[dict[str, Any]] | None, uses: list[LibraryUse]) -> list[dict[str, Any]]:
    """Plex's sections in Plex's order, each with the config libraries naming its title; then the titles
    config.yml names that Plex lacks (``in_plex`` false, or null when ``sections`` is None: Plex unknown)."""
    by_title: dict[str, list[LibraryUse]] = {}
    for use in uses:
        by_title.setdefault(use.library_name, []).append(use)
    items = [
        {**section, "in_plex": True, "config": [use_summary(u) for u in by_title.pop(section["title"], [])]}
        for section in sections or []
    ]
    for title, group in by_title.items():
        items.append(
            {
                "id": None,
                "title": title,
                "type": None,
                "agent": None,
                "item_count": None,
                "collection_count": None,
                "in_plex": None if sections is None else False,
                "config": [use_summary(u) for u in group],
            }
        )
    return items


def use_summary(use: LibraryUse) -> dict[str, Any]:
    """A library's config entry in short: where it is and how much it manages."""
    blocks = use.collection_files + use.overlay_files
    files = {(f.source, f.path) for b in blocks for f in b.files}
    errors = sum(1 for b in blocks if b.error) + sum(1 for b in blocks for f in b.files if f.error)
    return {
        "name": use.name,
        "library_name": use.library_name,
        "line": use.line,
        "files": len(files),
        "external": sum(1 for b in blocks if b.external),
        "unsupported": sum(1 for b in blocks if b.unsupported),
        "collections": len(use.definitions("collection")),
        "dynamic_collections": len(use.definitions("dynamic_collection")),
        "overlays": len(use.definitions("overlay")),
        "errors": errors,
    }


def managed(uses: list[LibraryUse], plex_titles: Collection[str] | None) -> dict[str, list[dict[str, Any]]]:
    """The collections, dynamic collections and overlays ``uses`` define, each once per library.

    A collection's ``in_plex`` says whether Plex has a collection of that title (null when Plex is
    unknown, the name is templated, or for dynamic collections, whose titles come from Plex's data).
    Repository collections carry the ``<file>::<name>`` id of the collections API.
    """
    found: dict[str, list[dict[str, Any]]] = {"collections": [], "dynamic_collections": [], "overlays": []}
    targets = {
        "collection": "collections",
        "dynamic_collection": "dynamic_collections",
        "overlay": "overlays",
    }
    for use in uses:
        for kind, target in targets.items():
            for d in use.definitions(kind):
                known = plex_titles is not None and kind == "collection" and not d.templated
                found[target].append(
                    {
                        "id": f"{d.file}::{d.name}" if d.source == "repo" else None,
                        "name": d.name,
                        "file": d.file,
                        "source": d.source,
                        "line": d.line,
                        "library": use.name,
                        "templated": d.templated,
                        "in_plex": (d.name in (plex_titles or ())) if known else None,
                    }
                )
    return found
