"""The config repository's vocabulary, without git: errors, authors and commits, path checks, and edits of
a tree's entries (``path -> (mode, sha)``), including serialising them as git tree objects."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from panel.git_names import refused_component, refused_path
from panel.times import iso_utc

FILE_MODE, EXEC_MODE, LINK_MODE = "100644", "100755", "120000"
Entries = dict[str, tuple[str, str]]  # path -> (mode, object sha)
# Sees an edit's new contents and the head it is about to land on; raises to refuse it.
Check = Callable[[Mapping[str, bytes | None], str], None]


class RepoError(Exception):
    """Base class of the config repository's errors."""


class NotFoundError(RepoError, KeyError):
    """A revision, path or cursor that does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class RevisionError(NotFoundError):
    """A revision that is malformed (``main@{1}``, ``a..b``) or names no commit; ``rev`` is what was given."""

    def __init__(self, rev: str, malformed: bool) -> None:
        self.what = "is not a revision (use a commit sha, main or a tag)" if malformed else "names no commit"
        super().__init__(f"{rev!r} {self.what}")
        self.rev, self.malformed = rev, malformed


class CursorError(NotFoundError):
    """A paging cursor that is not one of this list's (or no longer on it)."""


class PathError(RepoError, ValueError):
    """An unsafe or impossible path; ``path`` names it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path!r}: {reason}")
        self.path, self.reason = path, reason


class ConflictError(RepoError):
    """``main`` moved from ``base`` to ``head`` and both sides changed ``paths``."""

    def __init__(self, base: str, head: str, paths: list[str], reason: str = "changed on both sides") -> None:
        super().__init__(
            f"conflict between {base[:12]} and {head[:12]} on {', '.join(paths) or '-'}: {reason}"
        )
        self.base, self.head, self.paths, self.reason = base, head, paths, reason


class NoChangeError(RepoError):
    """The requested edit would not change anything."""


@dataclass(frozen=True)
class Author:
    """Who a commit is by."""

    name: str
    email: str


# The committer of every commit the panel makes, and the author of those made outside a signed-in request.
PANEL_COMMITTER = Author("Kometa Panel", "panel@localhost")


@dataclass
class Commit:
    """A commit as the API shows it; ``time`` is the author time in UTC ISO-8601 with ``Z``."""

    sha: str
    author_name: str
    author_email: str
    message: str
    time: str
    parents: list[str]
    files: list[str]


MAX_NAME_BYTES = 255  # one path component: what common file systems allow
MAX_PATH_BYTES = 4096
# Controls, bidirectional overrides and isolates (names that display as something else), and U+FFFD (what
# undecodable bytes in a URL become).
_UNSAFE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]")


def check_path(path: str) -> str:
    """Return ``path`` if it is a safe relative repository path, else raise :class:`PathError`."""
    if not isinstance(path, str) or not path:
        raise PathError(str(path), "empty path")
    if "\\" in path or _UNSAFE_CHARS.search(path):
        raise PathError(path, "backslashes, control and bidirectional characters are not allowed")
    if path.startswith("/"):
        raise PathError(path, "absolute paths are not allowed")
    try:
        size = len(path.encode("utf-8"))
    except UnicodeEncodeError:
        raise PathError(path, "the path is not valid Unicode text") from None
    if size > MAX_PATH_BYTES:
        raise PathError(path, f"paths are at most {MAX_PATH_BYTES} bytes")
    for part in path.split("/"):
        if part in ("", ".", ".."):
            raise PathError(path, "empty, '.' and '..' segments are not allowed")
        refused = refused_component(part)
        if refused is not None:
            raise PathError(path, f"{refused}; it is not allowed")
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            raise PathError(path, f"a file or folder name is at most {MAX_NAME_BYTES} bytes")
    return path


def check_distinct(entries: Entries, added: Iterable[str]) -> None:
    """Refuse a new path that differs from another only in case or Unicode normalization: macOS and
    Windows clones would hold one file for both."""
    added = set(added)
    if not added:
        return
    folded = {_fold(path): path for path in entries if path not in added}
    for path in sorted(added):
        twin = folded.get(_fold(path))
        if twin is not None and twin != path:
            raise PathError(path, f"differs from {twin!r} only in case or Unicode normalization")
        folded[_fold(path)] = path


def _fold(path: str) -> str:
    return unicodedata.normalize("NFC", path).casefold()


def author_env(author: Author, committer: Author = PANEL_COMMITTER) -> dict[str, str]:
    """The ``GIT_AUTHOR_*`` / ``GIT_COMMITTER_*`` variables; ValueError for an unusable identity.

    The panel is the committer of every commit it makes (the author is the user), which is how the audit
    reconciliation (:mod:`panel.audit_recovery`) knows a commit on ``main`` came through the panel."""
    for who in (author, committer):
        if not who.name or not who.email or any(c in who.name + who.email for c in "<>\n\r\0"):
            raise ValueError(f"invalid author {who!r}")
    roles = (("AUTHOR", author), ("COMMITTER", committer))
    return {
        f"GIT_{role}_{key}": value
        for role, who in roles
        for key, value in (("NAME", who.name), ("EMAIL", who.email))
    }


def utc(timestamp: int) -> str:
    """A Unix time as the API writes times (:func:`panel.times.iso_utc`)."""
    return iso_utc(datetime.fromtimestamp(timestamp, tz=UTC))


def check_prefix_free(entries: Entries, touched: Iterable[str]) -> None:
    """Refuse a tree where a touched path is both a file and a directory (git would drop files)."""
    dirs = {p.rsplit("/", i)[0] for p in entries for i in range(1, p.count("/") + 1)}
    for path in touched:
        if path not in entries:
            continue
        if path in dirs:
            raise PathError(path, "is a directory")
        parts = path.split("/")
        for i in range(1, len(parts)):
            if "/".join(parts[:i]) in entries:
                raise PathError(path, f"'{'/'.join(parts[:i])}' is a file")


def in_scope(path: str, prefix: str) -> bool:
    """Whether ``path`` is ``prefix`` or lies under the folder ``prefix`` (everything for an empty one)."""
    return not prefix or path == prefix or path.startswith(prefix.rstrip("/") + "/")


def blob_sha(data: bytes) -> str:
    """The object id git gives ``data`` as a blob."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def entry_sha(entry: tuple[str, str] | None) -> str | None:
    """The object sha of a tree entry, if there is one."""
    return entry[1] if entry else None


def apply_changes(entries: Entries, blobs: dict[str, str | None], renames: dict[str, str]) -> set[str]:
    """Apply deletes/writes (blob shas) and renames to ``entries`` in place; return the touched paths."""
    before = set(entries)
    for old, new in renames.items():
        if old not in entries:
            raise NotFoundError(f"cannot rename {old!r}: no such file")
        if old in blobs:
            raise PathError(old, "is renamed and written in the same edit")
        if new == old or list(renames.values()).count(new) > 1:
            raise PathError(new, "invalid rename target")
        if new in entries and new not in renames:
            raise PathError(new, "already exists")
        if entries[old][0] == LINK_MODE and (refused := refused_path(new, symlink=True)):
            raise PathError(new, f"{refused}; a symbolic link may not have this name")
    moved = {new: entries[old] for old, new in renames.items()}
    for old in renames:
        del entries[old]
    entries.update(moved)
    for path, sha in blobs.items():
        if sha is None:
            if path not in entries:
                raise NotFoundError(f"cannot delete {path!r}: no such file")
            del entries[path]
        else:
            mode = entries[path][0] if path in entries and entries[path][0] != "160000" else FILE_MODE
            entries[path] = (mode, sha)
    touched = set(blobs) | set(renames) | set(renames.values())
    check_prefix_free(entries, touched)
    check_distinct(entries, [path for path in touched if path in entries and path not in before])
    return touched


def default_message(paths: Iterable[str]) -> str:
    """The commit message of an edit given without one."""
    names = sorted(paths)
    return f"Update {names[0]}" if len(names) == 1 else f"Update {len(names)} files"


def write_trees(entries: Entries, store: Callable[[bytes], str]) -> str:
    """Serialise ``entries`` as git tree objects, sub-trees first, each passed to ``store`` (which returns
    its sha); the root tree's sha."""
    root: dict[str, Any] = {}
    for path, entry in entries.items():
        *folders, name = path.split("/")
        node = root
        for folder in folders:
            node = node.setdefault(folder, {})
            if not isinstance(node, dict):
                raise PathError(path, f"'{folder}' is a file")
        node[name] = entry
    return _tree(root, store)


def _tree(node: dict[str, Any], store: Callable[[bytes], str]) -> str:
    """One tree object, entries in git's order: by name as bytes, a folder compared as ``name/``."""
    items = [
        (f"{name}/", "40000", _tree(value, store), name)
        if isinstance(value, dict)
        else (name, value[0], value[1], name)
        for name, value in node.items()
    ]
    items.sort(key=lambda item: item[0].encode())
    return store(
        b"".join(f"{mode} {name}".encode() + b"\0" + bytes.fromhex(sha) for _, mode, sha, name in items)
    )
