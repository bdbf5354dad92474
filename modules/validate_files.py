"""Cross-file checks: config.yml and every file it references, each file parsed and schema-checked once.

File blocks are resolved as the engine resolves them (`modules.config_blocks`, `modules.files`): `file` and
`folder` against the config folder, `default` with `modules.kometa_defaults` (a Kometa default this engine
does not ship is an `unsupported` warning, a name Kometa does not know an `unknown-default` error), `url`
not fetched (a `remote` warning), `git` / `repo` checked from the copy an earlier run kept (else a `remote`
warning; `repo:` without `settings.custom_repo` is an error). Collection files
are then checked with their templates (own and external) for the library that lists them.

Plex is not asked, so a library's type (movie, show, artist) comes from `library_types`, else from its
name ("Movies", "TV Shows", "Anime", "Music"), else from the defaults it uses that exist for one type
only. A library whose type stays unknown must use attributes that fit a movie or a show library.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.config_blocks import YAML_SUFFIXES, file_candidates, legacy_default, resolve_path
from modules.errors import ConfigError, Location
from modules.files import SECTIONS, http_get
from modules.kometa_defaults import (
    DEFAULTS_DIR,
    Namespace,
    library_types_of,
    lookup_default,
    shipped_defaults,
)
from modules.remote_files import RemoteFiles, cache_dir, community_url
from modules.templates import TemplateError, apply_templates
from modules.validate_definitions import (
    DefinitionChecker,
    LibraryInfo,
    Templates,
    TemplateSource,
    has_errors,
)
from modules.validate_document import Document, JsonPath, Problem, load_document
from modules.validate_notes import LIST_KINDS, config_notes, schedule_problem
from modules.validate_schema import did_you_mean, schema_problems

SOURCE_KEYS = ("file", "folder", "default", "pmm", "url", "git", "repo")
NAMESPACES: dict[str, Namespace] = {"collection": "collection", "overlay": "overlay", "playlist": "playlist"}
"""The defaults namespace of each file kind that may use `default:` (metadata files may not)."""
MOVIE_WORDS = frozenset({"movie", "movies", "film", "films", "cinema", "kino", "filme"})
SHOW_WORDS = frozenset({"tv", "show", "shows", "series", "serien", "séries", "anime", "cartoons", "kids"})
MUSIC_WORDS = frozenset({"music", "musik", "audio", "songs", "artists", "albums"})


def detect_kind(data: Any) -> str:
    """The kind of a file from its top-level keys: config, overlay, playlist, metadata or collection."""
    keys = set(data) if isinstance(data, dict) else set()
    for key, kind in (("libraries", "config"), ("overlays", "overlay"), ("playlists", "playlist")):
        if key in keys:
            return kind
    if "metadata" in keys and not keys & {"collections", "dynamic_collections"}:
        return "metadata"
    return "collection"


def guess_type(name: str) -> str | None:
    """movie, show or artist from a library's name, when its words say so."""
    words = set(re.findall(r"[^\W_]+", name.lower()))
    for vocabulary, libtype in ((MOVIE_WORDS, "movie"), (SHOW_WORDS, "show"), (MUSIC_WORDS, "artist")):
        if words & vocabulary:
            return libtype
    return None


@dataclass
class Ref:
    """One file block: what it points at and where it is written."""

    kind: str
    value: str
    document: Document
    path: JsonPath
    """The key (`file`, `default`, ...) or list item naming the file."""
    block: JsonPath
    variables: dict[str, Any] = field(default_factory=dict)


class Session:
    """One validation run over a config and the files it references."""

    def __init__(
        self,
        *,
        strict: bool = False,
        secrets: Mapping[str, str] | None = None,
        defaults_dir: Path = DEFAULTS_DIR,
        library_types: Mapping[str, str] | None = None,
        cache: Path | None = None,
    ) -> None:
        self.strict = strict
        self.cache_dir = cache
        self.custom_repo: str | None = None
        self.secrets = secrets
        self.defaults_dir = defaults_dir
        self.library_types = dict(library_types or {})
        self.problems: list[Problem] = []
        self.documents: dict[str, Document | None] = {}
        self.schema_errors: dict[str, set[str]] = {}
        self.checked: set[tuple[str, str, str | None, str]] = set()
        self.config_dir = Path(".")
        self.definitions = DefinitionChecker(self.problems.append)
        self.shipped = shipped_defaults(defaults_dir)

    # ------------------------------------------------------------------ files

    def open(self, path: Path, kind: str | None, place: tuple[Document, JsonPath] | None) -> Document | None:
        """Parse and schema-check a file once; None (with a problem at `place`) when it cannot be read."""
        key = str(path)
        if key in self.documents:
            return self.documents[key]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = "is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "cannot be read"
            if place is None:
                self.problems.append(Problem(key, None, None, "", "error", "missing-file", f"{key} {reason}"))
            else:
                self.problems.append(place[0].problem(place[1], "error", "missing-file", f"{key} {reason}"))
            self.documents[key] = None
            return None
        document = load_document(text, key)
        self.documents[key] = document
        self.problems.extend(document.problems)
        if document.data is None and not document.problems:
            self.problems.append(Problem(key, 1, 1, "", "error", "empty-file", "the file is empty"))
        elif document.data is not None:
            found = schema_problems(document, kind or detect_kind(document.data), self.strict)
            self.problems.extend(found)
            self.schema_errors[key] = {p.pointer for p in found if p.severity == "error"}
            if (kind or detect_kind(document.data)) == "collection":
                self._sections(document)
        return document

    def _sections(self, document: Document) -> None:
        """Top-level keys Kometa accepts in a collection file that the engine refuses."""
        for key in document.data if isinstance(document.data, dict) else ():
            if key not in SECTIONS and key == "translations":
                message = "`translations` is not supported by this engine, which refuses files that have it"
                self.problems.append(document.problem((key,), "warning", "unsupported", message))
            elif key == "metadata":
                message = (
                    "metadata edits are not applied by this engine yet; the file's collections still run"
                )
                self.problems.append(document.problem((key,), "warning", "unsupported", message))

    # ------------------------------------------------------------------ config.yml

    def check_config(self, path: Path) -> None:
        """config.yml, then every library's files, then playlist_files."""
        self.config_dir = path.parent
        document = self.open(path, "config", None)
        if document is None or not isinstance(document.data, dict):
            return
        settings = document.data.get("settings")
        custom_repo = settings.get("custom_repo") if isinstance(settings, dict) else None
        self.custom_repo = (
            str(custom_repo) if isinstance(custom_repo, str) and "<<" not in custom_repo else None
        )
        self.problems.extend(
            config_notes(document, self.secrets, self.schema_errors.get(document.source, set()))
        )
        libraries = document.data.get("libraries")
        for name, node in libraries.items() if isinstance(libraries, dict) else ():
            self.library(document, str(name), node if isinstance(node, dict) else {})
        for ref in self.refs(document, ("playlist_files",)):
            places: dict[str, tuple[Document, JsonPath]] = {
                str(k): (document, (*ref.block, "template_variables", k)) for k in ref.variables
            }
            self.check_ref(ref, LibraryInfo("", None, dict(ref.variables), places), "playlist")

    def library(self, config: Document, name: str, node: dict[str, Any]) -> None:
        """Every file list of one library."""
        base: JsonPath = ("libraries", name)
        libtype = self.library_type(config, name, node)
        variables = node.get("template_variables")
        variables = dict(variables) if isinstance(variables, dict) else {}
        places = {str(k): (config, (*base, "template_variables", k)) for k in variables}
        for key, kind in LIST_KINDS.items():
            for ref in self.refs(config, (*base, key)):
                ref_places = {str(k): (config, (*ref.block, "template_variables", k)) for k in ref.variables}
                info = LibraryInfo(name, libtype, {**variables, **ref.variables}, {**places, **ref_places})
                self.check_ref(ref, info, kind)

    def library_type(self, config: Document, name: str, node: dict[str, Any]) -> str | None:
        """movie, show or artist: as given, from the library's names, or from the defaults it uses."""
        if name in self.library_types:
            return self.library_types[name]
        for text in (str(node.get("library_name") or ""), name):
            guessed = guess_type(text)
            if guessed is not None:
                return guessed
        types: set[str] = set()
        for ref in self.refs(config, ("libraries", name, "collection_files"), schedules=False):
            if ref.kind == "default":
                found = library_types_of(ref.value, self.shipped)
                types |= found if len(found) == 1 else set()
        return types.pop() if len(types) == 1 else None

    # ------------------------------------------------------------------ file blocks

    def refs(self, document: Document, path: JsonPath, schedules: bool = True) -> list[Ref]:
        """The file blocks of the list at `path` (a list, one block, one path, or nothing)."""
        node: Any = document.data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, str) and node.strip():
            return [Ref("file", node.strip(), document, path, path)]
        if isinstance(node, dict):  # one block without the list: Kometa wraps it
            ref = self._block(document, path, node)
            return [ref] if ref is not None else []
        refs = []
        for index, item in enumerate(node if isinstance(node, list) else ()):
            item_path = (*path, index)
            if isinstance(item, str) and item.strip():
                refs.append(Ref("file", item.strip(), document, item_path, item_path))
            elif isinstance(item, dict):
                ref = self._block(document, item_path, item)
                if ref is not None:
                    refs.append(ref)
                if schedules and "schedule" in item:
                    problem = schedule_problem(document, (*item_path, "schedule"), item["schedule"])
                    if problem is not None:
                        self.problems.append(problem)
        return refs

    @staticmethod
    def _block(document: Document, path: JsonPath, item: dict[str, Any]) -> Ref | None:
        sources = [k for k in SOURCE_KEYS if k in item]
        if len(sources) != 1:
            return None  # the schema reports it
        written, value = sources[0], item[sources[0]]
        if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
            return None
        kind, text = legacy_default(written, str(value).strip())
        variables = item.get("template_variables")
        variables = dict(variables) if isinstance(variables, dict) else {}
        return Ref(kind, text, document, (*path, written), path, variables)

    def check_ref(self, ref: Ref, library: LibraryInfo, kind: str | None) -> None:
        """Resolve one file block, parse its files, and check collection files for the library."""
        for path in self.resolve(ref, library.libtype, kind):
            document = self.open(path, kind, (ref.document, ref.path))
            if document is not None and kind == "collection" and isinstance(document.data, dict):
                self.collection(document, library)
            elif document is not None and kind == "playlist" and isinstance(document.data, dict):
                self.playlists(document, library)

    def resolve(self, ref: Ref, libtype: str | None, kind: str | None) -> list[Path]:
        """The local files a block stands for; problems for missing ones, notes for remote ones."""
        if "<<" in ref.value:
            return []
        if ref.kind == "url":
            message = f"`{ref.value}` is not checked (remote)"
            self.problems.append(ref.document.problem(ref.path, "warning", "remote", message))
            return []
        if ref.kind in ("git", "repo"):
            return self._remote(ref)
        if ref.kind == "default":
            namespace = NAMESPACES.get(kind or "")
            return self._default(ref, libtype, namespace) if namespace else []
        base = resolve_path(ref.value, self.config_dir, ref.kind)
        if ref.kind == "folder":
            return self._folder(ref, base)
        candidates = file_candidates(base)
        for candidate in candidates:
            if candidate.is_file():
                return [candidate]
        looked = " and ".join(str(c) for c in candidates)
        siblings = [p.name for p in base.parent.glob("*") if p.suffix.lower() in YAML_SUFFIXES]
        message = f"file `{ref.value}` not found (looked for {looked})"
        self.problems.append(
            ref.document.problem(
                ref.path, "error", "missing-file", message, did_you_mean(base.name, siblings)
            )
        )
        return []

    def _remote(self, ref: Ref) -> list[Path]:
        """A `git:` / `repo:` file: its copy kept by an earlier run when there is one (never downloaded here)."""
        remote = RemoteFiles(
            http_get, self.cache_dir or cache_dir(self.config_dir), community_url(), self.custom_repo
        )
        line, column = ref.document.position(ref.path)
        try:
            url = remote.address(ref.kind, ref.value, Location(ref.document.source, line, column))
        except ConfigError as exc:
            self.problems.append(ref.document.problem(ref.path, "error", "missing-file", exc.message))
            return []
        kept = remote.cached(url)
        if kept.is_file():
            return [kept]
        message = f"`{ref.kind}: {ref.value}` ({url}) is not checked (remote; a run keeps a copy that is checked then)"
        self.problems.append(ref.document.problem(ref.path, "warning", "remote", message))
        return []

    def _folder(self, ref: Ref, base: Path) -> list[Path]:
        if not base.is_dir():
            message = f"folder `{ref.value}` not found ({base})"
            self.problems.append(ref.document.problem(ref.path, "error", "missing-file", message))
            return []
        found = sorted(p for p in base.iterdir() if p.is_file() and p.suffix.lower() in YAML_SUFFIXES)
        if not found:
            message = f"folder `{ref.value}` has no .yml or .yaml files ({base})"
            self.problems.append(ref.document.problem(ref.path, "error", "missing-file", message))
        return found

    def _default(self, ref: Ref, libtype: str | None, namespace: Namespace) -> list[Path]:
        """The shipped default file; an `unsupported` warning or `unknown-default` error otherwise."""
        found = lookup_default(ref.value, namespace, libtype, self.shipped)
        if found.status == "shipped" and found.path is not None:
            return [self.defaults_dir / found.path]
        severity, code = (
            ("warning", "unsupported") if found.status == "unshipped" else ("error", "unknown-default")
        )
        self.problems.append(ref.document.problem(ref.path, severity, code, found.message, found.hint))
        return []

    # ------------------------------------------------------------------ collection files

    def collection(self, document: Document, library: LibraryInfo) -> None:
        """A collection file's definitions, with its templates, for one library (once per variables)."""
        key = (
            document.source,
            library.name,
            library.libtype,
            repr(sorted(library.variables.items(), key=str)),
        )
        if key in self.checked or any(p.code == "yaml-syntax" for p in document.problems):
            return
        self.checked.add(key)
        templates = self.templates(document, library)
        self.definitions.check_file(
            document, templates, library, self.schema_errors.get(document.source, set())
        )

    def playlists(self, document: Document, library: LibraryInfo) -> None:
        """Playlists that call templates still need `libraries` once their templates are applied."""
        entries = document.data.get("playlists")
        skip = self.schema_errors.get(document.source, set())
        templates = self.templates(document, library)
        for name, value in entries.items() if isinstance(entries, dict) else ():
            if (
                not isinstance(value, dict)
                or "template" not in value
                or has_errors(skip, ("playlists", name))
            ):
                continue
            try:
                applied = apply_templates(
                    str(name),
                    value,
                    templates.bodies,
                    kind="playlist",
                    library_type="item",
                    config_variables=library.variables,
                    external_variables=templates.external,
                )
            except TemplateError:
                continue  # the engine does not run playlists yet; only `libraries` is checked here
            if applied.get("libraries") in (None, "", []):
                message = f"`{name}` needs `libraries`: neither the playlist nor its templates set it"
                self.problems.append(
                    document.problem(("playlists", name), "error", "schema-required", message)
                )

    def templates(self, document: Document, library: LibraryInfo) -> Templates:
        """The file's own templates, then those of its external_templates (each file once)."""
        own = document.data.get("templates")
        sources = {
            str(name): TemplateSource(body, document, ("templates", name))
            for name, body in (own.items() if isinstance(own, dict) else ())
        }
        complete = self._external(document, library, {}, sources, {document.source})
        return Templates(sources, complete)

    def _external(
        self,
        document: Document,
        library: LibraryInfo,
        parent: dict[str, Any],
        sources: dict[str, TemplateSource],
        seen: set[str],
    ) -> bool:
        complete = True
        for ref in self.refs(document, ("external_templates",)):
            variables = {**parent, **ref.variables}
            paths = self.resolve(ref, library.libtype, "collection")
            complete = complete and bool(paths)
            for path in paths:
                loaded = self.open(path, "collection", (ref.document, ref.path))
                if loaded is None or not isinstance(loaded.data, dict):
                    complete = False
                    continue
                if loaded.source in seen:
                    continue
                seen.add(loaded.source)
                own = loaded.data.get("templates")
                for name, body in own.items() if isinstance(own, dict) else ():
                    sources.setdefault(
                        str(name), TemplateSource(body, loaded, ("templates", name), variables)
                    )
                complete = self._external(loaded, library, variables, sources, seen) and complete
        return complete
