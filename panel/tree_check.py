"""Validation of the whole tree an edit leaves, not just the files it touches.

A tree is ``path -> git blob sha`` plus a reader for blob contents. Its YAML files are written to a
temporary folder and ``config.yml`` is checked by the engine's validator with every file it references
(collection, overlay, metadata and playlist files, external templates, defaults); the other YAML files
are checked on their own. An edit is refused only for errors the tree before it did not have
(compared by file, code, pointer and message), so an error already on ``main`` never blocks an
unrelated fix. Results are cached by a digest of the YAML files, so the tree an edit leaves is
already known when the next edit starts from it.
"""

from __future__ import annotations

import copy
import hashlib
import re
import tempfile
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from modules.validate import finish, validate_text
from modules.validate_document import Document, Problem
from modules.validate_files import DEFAULTS_DIR, Session

CONFIG = "config.yml"
YAML_SUFFIXES = (".yml", ".yaml")
KIND_BY_FOLDER = {
    "collections": "collection",
    "overlays": "overlay",
    "playlists": "playlist",
    "metadata": "metadata",
}
TREE_CACHE_SIZE = 32
FILE_CACHE_SIZE = 512
DOCUMENT_CACHE_SIZE = 128  # parsed files keep their YAML nodes: larger than problem lists

Tree = dict[str, str]  # path -> git blob sha
Reader = Callable[[str], bytes]  # blob sha -> content
ProblemDict = dict[str, Any]


class _Lru:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self.size, self._items, self._lock = size, OrderedDict[Hashable, Any](), threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_trees = _Lru(TREE_CACHE_SIZE)
_files = _Lru(FILE_CACHE_SIZE)
_documents = _Lru(DOCUMENT_CACHE_SIZE)


def is_yaml(path: str) -> bool:
    """Whether the validator looks at ``path`` (``.yml`` or ``.yaml``, any case)."""
    return path.lower().endswith(YAML_SUFFIXES)


def kind_for(path: str) -> str | None:
    """The file kind a path implies (config.yml, collections/...), or None to detect it from the keys."""
    if path == CONFIG:
        return "config"
    folder = path.split("/", 1)[0] if "/" in path else ""
    return KIND_BY_FOLDER.get(folder)


def blob_sha(data: bytes) -> str:
    """The sha git gives a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def in_memory(files: Mapping[str, bytes]) -> tuple[Tree, Reader]:
    """A tree and its reader for files held in memory (path -> content)."""
    blobs = {blob_sha(data): data for data in files.values()}
    tree = {path: blob_sha(data) for path, data in files.items()}
    return tree, blobs.__getitem__


def apply_edit(
    tree: Tree,
    read: Reader,
    changes: Mapping[str, bytes | None],
    renames: Mapping[str, str] | None = None,
) -> tuple[Tree, Reader]:
    """The tree after ``renames`` (old -> new) and ``changes`` (None deletes), with a reader for both.

    Renames and deletes of paths the tree lacks are left for the repository to refuse.
    """
    result = dict(tree)
    moved = {new: result[old] for old, new in (renames or {}).items() if old in result}
    for old in renames or {}:
        result.pop(old, None)
    result.update(moved)
    added: dict[str, bytes] = {}
    for path, data in changes.items():
        if data is None:
            result.pop(path, None)
        else:
            result[path] = sha = blob_sha(data)
            added[sha] = data

    def read_new(sha: str) -> bytes:
        return added[sha] if sha in added else read(sha)

    return result, read_new


def tree_problems(tree: Tree, read: Reader, secrets: Collection[str] | None = None) -> list[ProblemDict]:
    """Every problem of a tree: config.yml with all it references, then other YAML files alone.

    ``secrets``: the names the secret store holds (their placeholders are not reported); None when
    there are none, so each placeholder is a warning naming its environment variable.
    """
    tree = {path: sha for path, sha in tree.items() if is_yaml(path)}
    names = None if secrets is None else tuple(sorted(set(secrets)))
    key = hashlib.sha256(repr((sorted(tree.items()), names)).encode()).hexdigest()
    cached: list[ProblemDict] | None = _trees.get(key)
    if cached is None:
        cached = _validate(tree, read, names)
        _trees.put(key, cached)
    return [dict(p) for p in cached]


def blocking(before: list[ProblemDict], after: list[ProblemDict]) -> list[ProblemDict]:
    """The errors of ``after`` that ``before`` does not have (each counted: one more is one new)."""
    known = Counter(_identity(p) for p in before if p["severity"] == "error")
    new = []
    for problem in after:
        if problem["severity"] != "error":
            continue
        identity = _identity(problem)
        if known[identity] > 0:
            known[identity] -= 1
        else:
            new.append(problem)
    return new


def clear_caches() -> None:
    """Forget every cached result (tests, or after the defaults folder changed)."""
    _trees.clear()
    _files.clear()
    _documents.clear()


def _identity(problem: ProblemDict) -> tuple[Any, ...]:
    """What stays the same for a problem when lines move above it."""
    return (problem["file"], problem["code"], problem["pointer"], problem["message"])


def _validate(tree: Tree, read: Reader, secrets: tuple[str, ...] | None) -> list[ProblemDict]:
    with tempfile.TemporaryDirectory(prefix="kometa-tree-") as tmp:
        root = Path(tmp) / "config"  # `config/x.yml` then resolves as in Kometa's usual /config layout
        root.mkdir()
        for path, sha in tree.items():
            _write(root / path, read(sha))
        if CONFIG in tree:
            blobs = {str(root / path): sha for path, sha in tree.items()}
            session = _Session(blobs, secrets=None if secrets is None else dict.fromkeys(secrets, ""))
            session.check_config(root / CONFIG)
            found = finish(session.problems, list(session.documents))
            referenced = {_relative(name, root) for name in session.documents}
        else:
            message = f"{CONFIG} is missing: every run starts from it"
            found, referenced = [Problem(CONFIG, None, None, "", "error", "missing-file", message)], set()
    problems = [_secret_note(_mapped(p, root), secrets is not None) for p in found]
    for path in sorted(set(tree) - referenced):
        problems.extend(_alone(path, tree[path], read))
    return [p.to_dict() for p in problems]


class _Session(Session):
    """The engine's validation session, reusing files it parsed before (tree files by blob, defaults by name)."""

    def __init__(self, blobs: Mapping[str, str], **options: Any) -> None:
        super().__init__(**options)
        self.blobs = blobs

    def open(self, path: Path, kind: str | None, place: Any) -> Document | None:
        name = str(path)
        identity = self.blobs.get(name) or (name if name.startswith(f"{DEFAULTS_DIR}/") else None)
        if name in self.documents or identity is None:
            return super().open(path, kind, place)
        cached: tuple[Document, list[Problem], set[str]] | None = _documents.get((identity, kind))
        if cached is None:
            start = len(self.problems)
            document = super().open(path, kind, place)
            if document is not None:
                found = self.problems[start:]
                _documents.put((identity, kind), (document, found, self.schema_errors.get(name, set())))
            return document
        document, found, errors = cached
        if document.source != name:
            document = copy.copy(document)
            document.source = name
            found = [_renamed(p, found_in=cached[0].source, name=name) for p in found]
        self.documents[name], self.schema_errors[name] = document, set(errors)
        self.problems.extend(found)
        return document


def _renamed(problem: Problem, found_in: str, name: str) -> Problem:
    """A problem of a cached file as the same file at another place would have it."""
    message, hint = problem.message.replace(found_in, name), problem.hint
    return replace(
        problem,
        file=name if problem.file == found_in else problem.file,
        message=message,
        hint=None if hint is None else hint.replace(found_in, name),
    )


def _write(target: Path, data: bytes) -> None:
    """Write one file of the tree; a path that cannot exist next to the others is left out."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError:
        pass


def _alone(path: str, sha: str, read: Reader) -> list[Problem]:
    """Problems of a YAML file config.yml does not reference, checked on its own (cached per blob)."""
    key = (path, sha)
    cached: list[Problem] | None = _files.get(key)
    if cached is None:
        try:
            cached = validate_text(read(sha).decode("utf-8"), path, kind_for(path))
        except UnicodeDecodeError as exc:
            message = f"the file is not UTF-8 text: {exc.reason}"
            cached = [Problem(path, None, None, "", "error", "encoding", message)]
        _files.put(key, cached)
    return [replace(p) for p in cached]


def _relative(name: str, root: Path) -> str:
    """A validator file name as the repository (or the project's defaults/ folder) names it."""
    for folder, prefix in ((root, ""), (DEFAULTS_DIR, "defaults/")):
        base = f"{folder}/"
        if name.startswith(base):
            return prefix + name[len(base) :]
    return name


def _mapped(problem: Problem, root: Path) -> Problem:
    """``problem`` with repository-relative file names in its place, message and hint."""
    strip = (f"{root}/", f"{root.parent}/")

    def clean(text: str | None) -> str | None:
        for prefix in strip:
            text = None if text is None else text.replace(prefix, "")
        return text

    return replace(
        problem,
        file=_relative(problem.file, root),
        message=clean(problem.message) or "",
        hint=clean(problem.hint),
    )


def _secret_note(problem: Problem, have_store: bool) -> Problem:
    """A placeholder the secret store lacks is a warning: the engine's environment may still fill it."""
    if not have_store or problem.code != "undeclared-secret":
        return problem
    found = re.search(r"<<(.+?)>>", problem.message)
    name = found.group(1) if found else "?"
    hint = f"add a secret named {name!r}, or set KOMETA_{name.upper()} where the engine runs"
    return replace(problem, severity="warning", hint=hint)
