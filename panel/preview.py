"""A collection definition's members, computed by the engine's own code against Plex, writing nothing.

The steps are the run's (``modules.run.run_file`` and ``modules.collection_run``): config.yml is loaded by
the engine from the commit's YAML files written to a temporary folder; the definition gets the templates
of the file it lives in (its own and ``external_templates``) and the library's and file block's template
variables; ``parse_definition`` checks it; ``build_members`` runs its builders, filters, ``ignore_ids`` and
``limit`` over a :class:`LibraryContext` in dry-run mode built from the cached listing. A smart collection
holds what its stored query returns, so for ``smart_filter`` that query is asked of Plex (a read).

Everything that is wrong with the definition becomes a problem with its line and column, not an error:
the editor shows them while the user types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl

from modules import search
from modules.artwork import ArtworkCache
from modules.collection_run import GuidIndex, RunSettings, build_members
from modules.config import LibraryConfig, load_config
from modules.config_blocks import YAML_SUFFIXES, FileRef
from modules.context import LibraryContext
from modules.definition import parse_definition
from modules.errors import KometaError, Location, PlexError, UnsupportedError
from modules.files import CollectionFile, load_collection_files
from modules.kometa_defaults import DEFAULTS_DIR
from modules.plex import PlexGateway, Section
from modules.run import file_templater
from modules.templates import TemplateError, apply_templates
from modules.yamlio import parse, plain
from panel.plex_listing import Listing
from panel.repo import ConfigRepo

CONFIG_FILE = "config.yml"
YAML_SOURCE = "<yaml>"
"""The name the ``yaml`` text is parsed under; problems there carry no file, only line and column."""
UNSET = "http://secret-not-set.invalid"
"""What a ``<<name>>`` with no stored or environment value reads as, so config.yml still loads."""


CODES = {"TemplateError": "template", "SearchError": "search", "UnsupportedError": "unsupported"}


class PreviewError(Exception):
    """The preview cannot be computed at all (no config.yml, unknown library); the message says why."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or {}


@dataclass
class Problem:
    """One problem of the definition, in the shape of the validator's problems (``api.md``); ``file`` is
    None for the request's own ``yaml``/``definition``, ``pointer`` the JSON pointer when known."""

    message: str
    severity: str = "error"
    code: str = "definition"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    pointer: str = ""
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Members:
    """What a definition would hold: rating keys in collection order, or nothing and its problems."""

    name: str
    keys: list[int] = field(default_factory=list)
    smart: bool = False
    smart_query: str | None = None
    filtered_out: int = 0
    problems: list[Problem] = field(default_factory=list)


class LenientSecrets(Mapping[str, str]):
    """Secrets for ``<<name>>``: known ones by name (any case), every other one :data:`UNSET`."""

    def __init__(self, known: Mapping[str, str]) -> None:
        self.known = {**known, **{k.lower(): v for k, v in known.items()}}

    def __getitem__(self, name: str) -> str:
        return self.known.get(name, self.known.get(name.lower(), UNSET))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str)

    def __iter__(self) -> Iterator[str]:
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)


def repo_yaml_files(repo: ConfigRepo, sha: str) -> dict[str, bytes]:
    """Every YAML file of the commit (the only files the engine reads to find a definition's members)."""
    paths = [str(entry["path"]) for entry in repo.list_tree(sha)]
    return {path: repo.read_file(path, sha)[0] for path in paths if path.lower().endswith(YAML_SUFFIXES)}


def write_yaml_files(files: Mapping[str, bytes], folder: Path) -> None:
    """The commit's YAML files under ``folder``, where the engine reads them as a config folder."""
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def find_library(config_dir: Path, name: str, secrets: Mapping[str, str]) -> LibraryConfig:
    """config.yml's library ``name`` (its key, or else its ``library_name``) as the engine loads it."""
    path = config_dir / CONFIG_FILE
    if not path.is_file():
        raise PreviewError("not_found", "the config repository has no config.yml", {"field": "library"})
    try:
        config = load_config(path, LenientSecrets(secrets))
    except KometaError as exc:
        raise PreviewError(
            "validation_failed",
            f"config.yml cannot be loaded: {_text(exc, config_dir)}",
            {"file": CONFIG_FILE},
        ) from None
    library = config.libraries.get(name) or next(
        (lib for lib in config.libraries.values() if lib.library_name == name), None
    )
    if library is None:
        known = ", ".join(config.libraries) or "none"
        message = f"config.yml has no library {name!r} (it has: {known})"
        raise PreviewError("not_found", message, {"field": "library"})
    return library


def collection_file(library: LibraryConfig, config_dir: Path, file: str, libtype: str) -> CollectionFile:
    """The repository file ``file`` as the library's file block loads it (with that block's template
    variables); a file the library does not list is loaded on its own, without block variables."""
    target = (config_dir / file).resolve()
    for ref in library.collection_files:
        if ref.kind not in ("file", "folder"):
            continue
        try:
            loaded = load_collection_files(ref, config_dir, DEFAULTS_DIR, libtype)
        except KometaError:
            continue
        for found in loaded:
            if found.path is not None and found.path.resolve() == target:
                return found
    ref = FileRef("file", file, location=Location(file), path=config_dir / file)
    try:
        return load_collection_files(ref, config_dir, DEFAULTS_DIR, libtype)[0]
    except KometaError as exc:
        raise PreviewError("validation_failed", _text(exc, config_dir), {"file": file}) from None


def parse_yaml(text: str) -> tuple[Any, list[Problem]]:
    """The ``yaml`` text as engine data (with line and column on every key), or its syntax problem."""
    try:
        data = parse(text, YAML_SOURCE)
    except KometaError as exc:
        return None, [_problem(exc, Location(YAML_SOURCE))]
    if not isinstance(data, dict):
        message = "the definition must be a mapping of builders, filters and details"
        return None, [Problem(message, code="not-a-mapping", line=1, column=1)]
    return data, []


def members(
    context: LibraryContext,
    library: LibraryConfig,
    name: str,
    data: Any,
    source: CollectionFile | None,
    config_dir: Path,
    where: Location | None = None,
) -> Members:
    """The definition's members, built the way a run builds them; problems instead of exceptions.

    ``where`` is the definition's place when it was read from a repository file; without it the
    definition is the request's own ``yaml`` (problems then carry no file) or JSON ``definition``."""
    result = Members(name)
    if where is None:
        where = Location(YAML_SOURCE, 1, 1) if _has_lines(data) else Location(YAML_SOURCE)
    warnings: list[str] = []
    try:
        apply = _templater(context, library, source, config_dir, warnings.append)
        definition = parse_definition(name, apply(name, plain(data)), where, library.settings)
        result.name, result.smart = definition.name, definition.smart
        result.problems += [_note(w, "note", where) for w in [*warnings, *definition.warnings]]
        run = RunSettings(
            library.settings,
            config_dir,
            ignore_schedules=True,
            dry_run=True,
            cache=ArtworkCache(None),
            guids=GuidIndex(context.gateway, context.section, context.libtype),
        )
        _ignore_library_ids(context, library, run)
        built = build_members(context, definition, run)
    except PlexError:
        raise  # Plex failing is the answer's status (503), not a problem of the definition
    except (KometaError, TemplateError, search.SearchError) as exc:
        result.problems.append(_problem(exc, where, _locate(data, where.file)))
        return result
    result.filtered_out = built.filtered_out
    if built.smart_query is not None and built.label is None:
        result.smart_query = built.smart_query
        pairs = parse_qsl(built.smart_query, keep_blank_values=True)
        result.keys = context.gateway.search_keys(context.section, pairs)
    else:
        result.smart_query = built.smart_query
        result.keys = built.keys
    if not definition.smart and len(result.keys) < definition.minimum_items:
        action = "deleted" if definition.delete_below_minimum else "skipped"
        message = f"minimum_items is {definition.minimum_items}: a run would find {len(result.keys)} and be {action}"
        result.problems.append(_note(message, "minimum-items", where))
    return result


class CachedSearches:
    """The gateway, with its searches answered by the listing when they were asked since it was read."""

    def __init__(self, gateway: PlexGateway, listing: Listing) -> None:
        self.gateway, self.listing = gateway, listing

    def search_keys(self, section: Section, params: list[tuple[str, str]]) -> list[int]:
        return self.listing.search(params, lambda: self.gateway.search_keys(section, params))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.gateway, name)


def library_context(gateway: PlexGateway, listing: Listing, now: datetime) -> LibraryContext:
    """A dry-run context over the cached listing: previews read it and never change it; a search asked
    again while the listing is kept costs no request."""
    section = listing.section
    return LibraryContext(
        cast(PlexGateway, CachedSearches(gateway, listing)),
        section,
        section.type,
        now,
        dry_run=True,
        items=listing.items,
        order=listing.order,
        collections=listing.collections,
        _tag_ids=listing.tag_ids,
    )


def _templater(
    context: LibraryContext,
    library: LibraryConfig,
    source: CollectionFile | None,
    config_dir: Path,
    warn: Callable[[str], None],
) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    """The run's template step for a definition in ``source``; without a file, the library's variables only."""
    if source is not None:
        return file_templater(context, library, source, config_dir, None, warn)

    def apply(name: str, definition: dict[str, Any]) -> dict[str, Any]:
        return apply_templates(
            name,
            definition,
            {},
            library_type=context.libtype,
            library_name=library.name,
            config_variables=dict(library.template_variables),
            today=context.now.date(),
        )

    return apply


def _ignore_library_ids(context: LibraryContext, library: LibraryConfig, run: RunSettings) -> None:
    settings = library.settings
    if (settings.ignore_ids or settings.ignore_imdb_ids) and run.guids is not None:
        context.ignore_ids = run.guids.rating_keys(settings.ignore_ids, settings.ignore_imdb_ids)


def _has_lines(data: Any) -> bool:
    return hasattr(data, "lc")


Locate = Callable[[str], tuple[Location | None, str]]


def _locate(data: Any, origin: str) -> Locate:
    """Where a key path (``plex_search.all.year.gte``, ``filters.any[1]``) is in the ``yaml`` text, and
    its JSON pointer, as deep as it can be followed (keys may hold dots: the longest that matches wins)."""

    def find(path: str) -> tuple[Location | None, str]:
        parts = path.replace("[", ".").replace("]", "").split(".")
        node, place, index, pointer = data, None, 0, ""
        while index < len(parts) and _has_lines(node):
            step = _step(node, parts, index)
            if step is None:
                break
            key, index = step
            pointer += "/" + str(key).replace("~", "~0").replace("/", "~1")
            marks: Any = node.lc
            line, column = marks.key(key) if isinstance(node, dict) else marks.item(key)
            place = Location(origin, line + 1, column + 1)
            node = node[key]
        return place, pointer

    return find


def _step(node: Any, parts: list[str], index: int) -> tuple[Any, int] | None:
    """The child key of ``node`` the path continues with, and where the rest of the path starts."""
    if isinstance(node, list):
        part = parts[index]
        return (int(part), index + 1) if part.isdigit() and int(part) < len(node) else None
    if isinstance(node, dict):
        for end in range(len(parts), index, -1):
            key = ".".join(parts[index:end])
            if key in node:
                return key, end
    return None


def _note(message: str, code: str, where: Location) -> Problem:
    """A warning about the whole definition: at its place in a repository file, placeless in the request."""
    if where.file == YAML_SOURCE:
        return Problem(message, "warning", code)
    return Problem(message, "warning", code, where.file, where.line, where.column)


def _problem(exc: Exception, where: Location, locate: Locate | None = None) -> Problem:
    """One exception of the engine as a problem at the most precise place known."""
    message = getattr(exc, "message", str(exc))
    path = getattr(exc, "path", "") or ""
    location: Location | None = getattr(exc, "location", None)
    if path and path not in message:
        message = f"{path}: {message}"
    pointer = ""
    if (location is None or location == where) and locate is not None:
        found, pointer = locate(path or message.split(":", 1)[0])
        location = found or location
    location = location or where
    own = location.file == YAML_SOURCE
    severity = "warning" if isinstance(exc, UnsupportedError) else "error"
    code = CODES.get(type(exc).__name__, "definition")
    if message.startswith("YAML syntax error"):
        code = "yaml-syntax"
    file = None if own else location.file
    return Problem(message, severity, code, file, location.line, location.column, pointer)


def _text(exc: KometaError, config_dir: Path) -> str:
    """An engine message with the temporary folder taken out of its paths."""
    return str(exc).replace(f"{config_dir}/", "")
