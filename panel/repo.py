"""The config repository: a bare git repository in the data directory, edited without a working tree.

Every edit is one commit on ``main`` built with git plumbing (blobs in the object database, a tree
from a temporary index file, ``commit-tree``), never a checkout. ``main`` moves only by
compare-and-swap: ``git update-ref refs/heads/main NEW OLD`` takes the ref's lock file and fails if
the ref no longer points at OLD, so concurrent writers in threads or processes (or a ``git push``)
can never overwrite each other. A writer that loses the race re-reads ``main``: if another commit
touched a path it changes it gets :class:`ConflictError`; otherwise its change is re-applied on top
of the new head and the swap is tried again. History is never rewritten; rollback is a new commit.

gitpython ``Repo`` objects are not thread-safe, so each thread gets its own (see ``ConfigRepo.repo``).
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import git
from gitdb.base import IStream

from panel.repo_util import hunks as _hunks
from panel.repo_util import seed_files as _seed_files

MAIN = "refs/heads/main"
FILE_MODE, EXEC_MODE = "100644", "100755"
MAX_ATTEMPTS = 60
MAX_LOG_LIMIT = 500
GRAPH_EVERY = 100  # commits between refreshes of the commit-graph (which keeps --topo-order paging cheap)
_RAW_OUTPUT = dict(
    with_extended_output=True, with_exceptions=False, stdout_as_string=False, strip_newline_in_stdout=False
)
_STATUS = {"A": "added", "M": "modified", "T": "modified", "D": "deleted", "R": "renamed"}

Entries = dict[str, tuple[str, str]]  # path -> (mode, object sha)
Check = Callable[[Mapping[str, bytes | None]], None]  # sees an edit's new contents; raises to refuse it


class RepoError(Exception):
    """Base class of the config repository's errors."""


class NotFoundError(RepoError, KeyError):
    """A revision, path or cursor that does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


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
    """Who a commit is by (also used as committer)."""

    name: str
    email: str


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


def check_path(path: str) -> str:
    """Return ``path`` if it is a safe relative repository path, else raise :class:`PathError`."""
    if not isinstance(path, str) or not path:
        raise PathError(str(path), "empty path")
    if "\\" in path or "\0" in path or "\n" in path or "\r" in path:
        raise PathError(path, "backslashes and control characters are not allowed")
    if path.startswith("/"):
        raise PathError(path, "absolute paths are not allowed")
    for part in path.split("/"):
        if part in ("", ".", ".."):
            raise PathError(path, "empty, '.' and '..' segments are not allowed")
        if part.lower() == ".git":
            raise PathError(path, "'.git' components are not allowed")
    return path


def _author_env(author: Author) -> dict[str, str]:
    for value in (author.name, author.email):
        if not value or any(c in value for c in "<>\n\r\0"):
            raise ValueError(f"invalid author {author!r}")
    pairs = (("NAME", author.name), ("EMAIL", author.email))
    return {f"GIT_{role}_{key}": value for role in ("AUTHOR", "COMMITTER") for key, value in pairs}


def _utc(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_prefix_free(entries: Entries, touched: Iterable[str]) -> None:
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


def _in_scope(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith(prefix.rstrip("/") + "/")


class ConfigRepo:
    """A bare git repository holding the configuration; all writes are compare-and-swap on ``main``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not (self.path / "HEAD").is_file():
            raise NotFoundError(f"no git repository at {self.path}")
        self._local = threading.local()
        self._pool: list[git.Repo] = []  # idle Repos of ended threads (list.append/pop are atomic)
        self._writes = 0

    # ------------------------------------------------------------------ setup and plumbing

    @classmethod
    def create(
        cls, path: Path, seed_dir: Path, author: Author, message: str = "Initial configuration"
    ) -> ConfigRepo:
        """Create a bare repository at ``path`` with one commit of every regular file in ``seed_dir``.

        Symlinks (such as ``config-repo/schemas``) are skipped, never followed.
        """
        path = Path(path)
        if path.exists() and any(path.iterdir()):
            raise FileExistsError(f"{path} exists and is not empty")
        bare = git.Repo.init(path, bare=True, mkdir=True)
        bare.git.symbolic_ref("HEAD", MAIN)
        for key in ("receive.denyNonFastForwards", "receive.denyDeletes"):  # for pushes (git HTTP, later)
            bare.git.config(key, "true")
        bare.close()
        repo = cls(path)
        entries: Entries = {}
        for file in sorted(_seed_files(Path(seed_dir))):
            rel = check_path(file.relative_to(seed_dir).as_posix())
            mode = EXEC_MODE if os.access(file, os.X_OK) else FILE_MODE
            entries[rel] = (mode, repo._store(file.read_bytes()))
        sha = repo._commit_tree(repo._make_tree(entries), [], author, message)
        repo.repo.git.update_ref(MAIN, sha, "0" * 40)
        return repo

    @property
    def repo(self) -> git.Repo:
        """This thread's gitpython ``Repo`` (gitpython objects must not be shared between threads).

        A threaded server runs every request in a new thread, so a thread's ``Repo`` (and its
        persistent ``git cat-file`` helpers) goes back to a pool when the thread ends and the next new
        thread takes it from there instead of starting new helper processes.
        """
        lease: _Lease | None = getattr(self._local, "lease", None)
        if lease is None:
            try:
                repo = self._pool.pop()
            except IndexError:
                repo = git.Repo(self.path)
                repo.git.update_environment(GIT_LITERAL_PATHSPECS="1")
            lease = self._local.lease = _Lease(repo, self._pool)
        return lease.repo

    def write_commit_graph(self) -> None:
        """Add the commits not yet in the commit-graph file to it (incremental, a few ms).

        Without a commit-graph ``rev-list --topo-order`` walks the whole history even for one page;
        with one (even if the newest commits are missing from it) it stops after the page.
        """
        self.repo.git.commit_graph("write", "--reachable", "--split", with_exceptions=False)

    def close(self) -> None:
        """Release this thread's git helper processes."""
        lease: _Lease | None = getattr(self._local, "lease", None)
        if lease is not None:
            self._local.lease = None
            lease.close()

    def _resolve(self, rev: str) -> str:
        """Full sha of the commit ``rev`` names, or :class:`NotFoundError`."""
        try:
            return str(self.repo.commit(rev).hexsha)
        except (git.BadName, git.BadObject, ValueError, IndexError, KeyError) as exc:
            raise NotFoundError(f"unknown revision {rev!r}") from exc

    def _store(self, data: bytes) -> str:
        return str(self.repo.odb.store(IStream("blob", len(data), BytesIO(data))).binsha.hex())

    def _blob(self, sha: str) -> bytes:
        return bytes(self.repo.odb.stream(bytes.fromhex(sha)).read())

    def _ls(self, rev: str) -> list[tuple[str, str, str, str, str]]:
        """``(mode, type, sha, size, path)`` of every entry of the tree of commit ``rev`` (a sha)."""
        out = self.repo.git.ls_tree("-r", "-l", "-z", "--full-tree", rev)
        return [(*m.split(), p) for m, p in (r.split("\t", 1) for r in out.split("\0") if r)]

    def _entries(self, rev: str) -> Entries:
        """Every entry of the tree of commit ``rev`` (a resolved sha) as ``path -> (mode, sha)``."""
        return {path: (mode, sha) for mode, _kind, sha, _size, path in self._ls(rev)}

    def _make_tree(self, entries: Entries) -> str:
        """Write a tree holding exactly ``entries`` via a temporary index file; return its sha."""
        with tempfile.TemporaryDirectory(prefix="kometa-index-") as tmp:
            info = Path(tmp) / "info"
            info.write_bytes(b"".join(f"{m} {s}\t{p}\0".encode() for p, (m, s) in sorted(entries.items())))
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            with info.open("rb") as stream:
                self.repo.git.update_index("-z", "--index-info", istream=stream, env=env)
            return str(self.repo.git.write_tree(env=env))

    def _commit_tree(self, tree: str, parents: list[str], author: Author, message: str) -> str:
        args = [a for p in parents for a in ("-p", p)]
        return str(self.repo.git.commit_tree(tree, *args, "-m", message, env=_author_env(author)))

    def _cas(self, new: str, old: str) -> bool:
        """Move ``main`` from ``old`` to ``new`` atomically; False if it moved (or is locked)."""
        try:
            self.repo.git.update_ref(MAIN, new, old)
        except git.GitCommandError:
            return False
        return True

    def _changed(self, a: str, b: str) -> set[str]:
        out = self.repo.git.diff_tree("-r", "-z", "--no-renames", "--name-only", a, b)
        return set(filter(None, out.split("\0")))

    # ------------------------------------------------------------------ reading

    def head(self) -> str:
        """The sha ``main`` points at."""
        return self._resolve(MAIN)

    def resolve(self, rev: str) -> str:
        """Full sha of the commit ``rev`` names, or :class:`NotFoundError`."""
        return self._resolve(rev)

    def read_file(self, path: str, rev: str = "main") -> tuple[bytes, str]:
        """Content and blob sha of ``path`` at ``rev``; :class:`NotFoundError` if there is no such file."""
        check_path(path)
        try:
            obj = self.repo.commit(self._resolve(rev)).tree / path
        except KeyError as exc:
            raise NotFoundError(f"no file {path!r} at {rev}") from exc
        if obj.type != "blob":
            raise NotFoundError(f"{path!r} is not a file at {rev}")
        return obj.data_stream.read(), str(obj.hexsha)

    def list_tree(self, rev: str = "main", prefix: str = "") -> list[dict[str, object]]:
        """Files at ``rev`` (optionally under directory ``prefix``) as ``{path, blob, size}``, sorted."""
        if prefix:
            check_path(prefix.rstrip("/"))
        return [
            {"path": path, "blob": sha, "size": int(size)}
            for _mode, kind, sha, size, path in sorted(self._ls(self._resolve(rev)), key=lambda e: e[4])
            if kind == "blob" and _in_scope(path, prefix)
        ]

    def commit(self, sha: str) -> Commit:
        """The commit ``sha`` with the files it touched (against its first parent)."""
        c = self.repo.commit(self._resolve(sha))
        parents = [str(p.hexsha) for p in c.parents]
        span = [parents[0], c.hexsha] if parents else ["--root", c.hexsha]
        out = self.repo.git.diff_tree("-r", "-z", "--no-renames", "--no-commit-id", "--name-only", *span)
        message = c.message if isinstance(c.message, str) else c.message.decode("utf-8", "replace")
        who, files = (str(c.author.name), str(c.author.email)), sorted(filter(None, out.split("\0")))
        return Commit(str(c.hexsha), *who, message.rstrip("\n"), _utc(c.authored_date), parents, files)

    def log(
        self, path: str | None = None, cursor: str | None = None, limit: int = 50, rev: str = "main"
    ) -> tuple[list[Commit], str | None]:
        """Commits reachable from ``rev`` (touching ``path`` if given), newest first, paged.

        ``cursor`` is the sha of the last commit of the previous page; the answer's second item is
        the cursor of the next page, or None at the end.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        limit = min(limit, MAX_LOG_LIMIT)
        args = ["--topo-order", self._resolve(rev)]
        if cursor is None:  # the first page needs only its own commits, not the whole history
            args.insert(0, f"--max-count={limit + 1}")
        if path is not None:
            args += ["--", check_path(path)]
        shas = self.repo.git.rev_list(*args).split()
        if cursor is not None:
            try:
                shas = shas[shas.index(self._resolve(cursor)) + 1 :]
            except ValueError as exc:
                raise NotFoundError(f"unknown cursor {cursor!r}") from exc
        page = shas[:limit]
        return self._commits(page), (page[-1] if len(shas) > limit else None)

    def _commits(self, shas: list[str]) -> list[Commit]:
        """``commit(sha)`` for each of ``shas`` (full shas, in that order) with one ``git log``."""
        if not shas:
            return []
        fmt = "%x1e%H%x00%an%x00%ae%x00%at%x00%P%x00%B%x00"
        opts = ["-z", "--no-walk=unsorted", f"--format={fmt}", "--name-only", "--no-renames"]
        _status, raw, _err = self.repo.git.log(
            *opts, "--diff-merges=first-parent", "--no-mailmap", *shas, **_RAW_OUTPUT
        )
        out = bytes(raw).decode("utf-8", "replace")
        commits, start = [], 0
        for i, sha in enumerate(shas):  # split at the known shas: messages and paths may hold anything
            start = out.index(f"\x1e{sha}\0", start) + 1
            end = out.find(f"\x1e{shas[i + 1]}\0", start) if i + 1 < len(shas) else len(out)
            full, name, email, when, parents, message, rest = out[start:end].split("\0", 6)
            files = sorted(filter(None, rest.lstrip("\0\n").split("\0")))
            commits.append(
                Commit(full, name, email, message.rstrip("\n"), _utc(int(when)), parents.split(), files)
            )
        return commits

    def diff(self, a: str, b: str, path: str | None = None) -> dict[str, object]:
        """Differences from ``a`` to ``b`` (optionally one path): unified text and per-file hunks."""
        span = [self._resolve(a), self._resolve(b)]
        if path is not None:
            span += ["--", check_path(path)]
        opts = ["-r", "-M", "--no-color", "--no-ext-diff", "--no-textconv"]
        unified = self.repo.git.diff(*opts, *span, strip_newline_in_stdout=False)
        raw = [f for f in self.repo.git.diff(*opts, "-z", "--name-status", *span).split("\0") if f]
        chunks = re.split(r"^(?=diff --git )", unified, flags=re.M)[1:]
        files: list[dict[str, object]] = []
        records = iter(raw)
        for code in records:  # -z --name-status: STATUS NUL PATH NUL, or R/C score NUL OLD NUL NEW NUL
            entry: dict[str, object] = {"status": _STATUS.get(code[0], "modified")}
            if code[0] in "RC":
                entry["old_path"] = next(records)
            chunk = chunks[len(files)] if len(files) < len(chunks) else ""
            binary = "\nBinary files " in chunk or "\nGIT binary patch" in chunk
            files.append({**entry, "path": next(records), "binary": binary, "hunks": _hunks(chunk)})
        return {"unified": unified, "files": files}

    # ------------------------------------------------------------------ writing

    def write(
        self,
        changes: dict[str, bytes | None],
        base: str,
        author: Author,
        message: str,
        renames: dict[str, str] | None = None,
        check: Check | None = None,
    ) -> Commit:
        """Commit ``changes`` (bytes: create/update, None: delete) and ``renames`` (old -> new) on ``base``.

        ``main`` moves only if it still points at the commit it was read at. If it moved since
        ``base``, paths changed on both sides raise :class:`ConflictError`; otherwise the same edit is
        applied on top of the new head. A write that changes nothing raises :class:`NoChangeError`.
        ``check`` (if given) sees ``changes`` before anything is committed and may raise to refuse them.
        """
        renames = dict(renames or {})
        for p in [*changes, *renames, *renames.values()]:
            check_path(p)
        blobs = {p: (None if data is None else self._store(data)) for p, data in changes.items()}
        base_sha = self._resolve(base)
        on_base = self._entries(base_sha)
        before = dict(on_base)
        touched = _apply(on_base, blobs, renames)
        if on_base == before:
            raise NoChangeError("the edit does not change anything")
        if check is not None:
            check(changes)
        head = base_sha
        for attempt in range(MAX_ATTEMPTS):
            head = self.head()
            entries = on_base if head == base_sha else self._rebase(base_sha, head, blobs, renames, touched)
            new = self._commit_tree(
                self._make_tree(entries), [head], author, message or _default_message(touched)
            )
            if self._cas(new, head):
                self._writes += 1
                if self._writes % GRAPH_EVERY == 0:
                    self.write_commit_graph()
                return self.commit(new)
            time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
        raise ConflictError(base_sha, head, [], "main kept moving; try again")

    def _rebase(
        self, base: str, head: str, blobs: dict[str, str | None], renames: dict[str, str], touched: set[str]
    ) -> Entries:
        """The edit applied to ``head`` instead of ``base``, or :class:`ConflictError` if they overlap."""
        overlap = sorted(touched & self._changed(base, head))
        if overlap:
            raise ConflictError(base, head, overlap)
        entries = self._entries(head)
        try:
            _apply(entries, blobs, renames)
        except RepoError as exc:
            raise ConflictError(
                base, head, sorted(touched), f"does not apply to the new head: {exc}"
            ) from exc
        return entries

    def revert(
        self, sha: str, author: Author, message: str | None = None, check: Check | None = None
    ) -> Commit:
        """Undo commit ``sha`` with a new commit on ``main``; :class:`ConflictError` if it does not apply."""
        target = self.repo.commit(self._resolve(sha))
        parent = str(target.parents[0].hexsha) if target.parents else None
        head = self.head()
        theirs, ours = self._entries(target.hexsha), self._entries(head)
        before = self._entries(parent) if parent else {}
        changes: dict[str, bytes | None] = {}
        conflicts: list[str] = []
        for path in sorted(set(theirs) | set(before)):
            want, undo, cur = before.get(path), theirs.get(path), ours.get(path)
            if _sha(cur) == _sha(want) or _sha(undo) == _sha(want):
                continue
            if _sha(cur) == _sha(undo):
                changes[path] = None if want is None else self._blob(want[1])
            elif cur and undo and want and (merged := self._merge(cur[1], undo[1], want[1])) is not None:
                changes[path] = merged
            else:
                conflicts.append(path)
        if conflicts:
            raise ConflictError(str(target.hexsha), head, conflicts, "changed again since; revert by hand")
        if not changes:
            raise NoChangeError(f"{target.hexsha[:12]} is already undone")
        subject = self.commit(target.hexsha).message.split("\n", 1)[0]
        default = f'Revert "{subject}"\n\nThis reverts commit {target.hexsha}.'
        return self.write(changes, head, author, message or default, check=check)

    def restore(
        self,
        rev: str,
        author: Author,
        path: str | None = None,
        message: str | None = None,
        check: Check | None = None,
    ) -> Commit:
        """Make ``path`` (a file or directory; None: the whole tree) as it was at ``rev``, as a new commit."""
        if path is not None:
            check_path(path)
        target, head = self._resolve(rev), self.head()
        then, now = self._entries(target), self._entries(head)
        scope = [p for p in sorted(set(then) | set(now)) if _in_scope(p, path or "")]
        if path is not None and not scope:
            raise NotFoundError(f"no file {path!r} at {rev} or on main")
        changes: dict[str, bytes | None] = {
            p: (self._blob(then[p][1]) if p in then else None)
            for p in scope
            if _sha(then.get(p)) != _sha(now.get(p))
        }
        if not changes:
            raise NoChangeError(f"{path or 'the tree'} is already as at {target[:12]}")
        default = f"Restore {path or 'all files'} to {target[:12]}"
        return self.write(changes, head, author, message or default, check=check)

    def _merge(self, ours: str, base: str, theirs: str) -> bytes | None:
        """Three-way merge of three blobs with ``git merge-file``; None on conflict or binary data."""
        with tempfile.TemporaryDirectory(prefix="kometa-merge-") as tmp:
            names = []
            for name, sha in (("ours", ours), ("base", base), ("theirs", theirs)):
                (Path(tmp) / name).write_bytes(self._blob(sha))
                names.append(str(Path(tmp) / name))
            status, out, _err = self.repo.git.merge_file("-p", "-q", *names, **_RAW_OUTPUT)
        return bytes(out) if status == 0 else None


class _Lease:
    """One thread's use of a pooled ``Repo``: returned to the pool when the thread's locals are freed."""

    def __init__(self, repo: git.Repo, pool: list[git.Repo]) -> None:
        self.repo, self._pool = repo, pool

    def close(self) -> None:
        repo, self._pool = self.repo, []
        repo.close()

    def __del__(self) -> None:
        self._pool.append(self.repo)


def _sha(entry: tuple[str, str] | None) -> str | None:
    return entry[1] if entry else None


def _apply(entries: Entries, blobs: dict[str, str | None], renames: dict[str, str]) -> set[str]:
    """Apply deletes/writes (blob shas) and renames to ``entries`` in place; return the touched paths."""
    for old, new in renames.items():
        if old not in entries:
            raise NotFoundError(f"cannot rename {old!r}: no such file")
        if old in blobs:
            raise PathError(old, "is renamed and written in the same edit")
        if new == old or list(renames.values()).count(new) > 1:
            raise PathError(new, "invalid rename target")
        if new in entries and new not in renames:
            raise PathError(new, "already exists")
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
    _check_prefix_free(entries, touched)
    return touched


def _default_message(paths: Iterable[str]) -> str:
    names = sorted(paths)
    return f"Update {names[0]}" if len(names) == 1 else f"Update {len(names)} files"
