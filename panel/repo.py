"""The config repository: a bare git repository in the data directory, edited without a working tree.

Every edit is one commit on ``main`` built without a checkout: blobs and trees are written as loose
objects in-process, the commit with ``commit-tree``. ``main`` moves only by
compare-and-swap: ``git update-ref refs/heads/main NEW OLD`` takes the ref's lock file and fails if
the ref no longer points at OLD, so concurrent writers in threads or processes (or a ``git push``)
can never overwrite each other. A writer that loses the race re-reads ``main``: if another commit
touched a path it changes it gets :class:`ConflictError`; otherwise its change is re-applied on top
of the new head and the swap is tried again. History is never rewritten; rollback is a new commit.

gitpython ``Repo`` objects are not thread-safe, so each thread gets its own (see ``ConfigRepo.repo``).
Reads at a commit are cached by commit sha (``panel.repo_cache``); ``main`` is read from its ref file on
every call, so a new commit (from this process, another one or a push) is seen at once.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path

import git
from gitdb.base import IStream
from gitdb.db.loose import LooseObjectDB

from panel.git_names import refused_path
from panel.repo_cache import MISSING, ByteLRU, cache_bytes_from_env, read_ref
from panel.repo_model import (
    EXEC_MODE,
    FILE_MODE,
    LINK_MODE,
    Author,
    Check,
    Commit,
    ConflictError,
    CursorError,
    Entries,
    NoChangeError,
    NotFoundError,
    PathError,
    RepoError,
    RevisionError,
    apply_changes,
    author_env,
    blob_sha,
    check_path,
    default_message,
    entry_sha,
    in_scope,
    utc,
    write_trees,
)
from panel.repo_util import hunks as _hunks
from panel.repo_util import seed_files as _seed_files

MAIN = "refs/heads/main"
__all__ = [
    "MAX_LOG_LIMIT",
    "Author",
    "Check",
    "Commit",
    "ConfigRepo",
    "ConflictError",
    "CursorError",
    "NoChangeError",
    "NotFoundError",
    "PathError",
    "RepoError",
    "RevisionError",
    "check_path",
]
MAX_ATTEMPTS = 60
# A commit sha (abbreviated or full) or a ref name, optionally with ~N / ^N steps; never reflog (@{...})
# or range syntax, which a bare repository without reflogs cannot answer.
REVISION = re.compile(r"(?:[0-9a-fA-F]{4,40}|[A-Za-z0-9][A-Za-z0-9._/-]{0,199})(?:[~^][0-9]{0,4})*")
NULL_SHA = "0" * 40
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git hash-object -t tree /dev/null
MAX_LOG_LIMIT = 500
GRAPH_EVERY = 100  # commits between refreshes of the commit-graph (which keeps --topo-order paging cheap)
_RAW_OUTPUT = dict(
    with_extended_output=True, with_exceptions=False, stdout_as_string=False, strip_newline_in_stdout=False
)
_STATUS = {"A": "added", "M": "modified", "T": "modified", "D": "deleted", "R": "renamed"}


class ConfigRepo:
    """A bare git repository holding the configuration; all writes are compare-and-swap on ``main``."""

    def __init__(self, path: Path, cache_bytes: int | None = None) -> None:
        self.path = Path(path)
        if not (self.path / "HEAD").is_file():
            raise NotFoundError(f"no git repository at {self.path}")
        self._local = threading.local()
        self._pool: list[git.Repo] = []  # idle Repos of ended threads (list.append/pop are atomic)
        self._writes = itertools.count(1)  # next() is atomic: threads never lose a count
        self.cache = ByteLRU(cache_bytes_from_env() if cache_bytes is None else cache_bytes)

    # ------------------------------------------------------------------ setup and plumbing

    @classmethod
    def create(
        cls, path: Path, seed_dir: Path, author: Author, message: str = "Initial configuration"
    ) -> ConfigRepo:
        """Create a bare repository at ``path`` with one commit of every regular file in ``seed_dir``.

        Symlinks (such as ``config-repo/schemas``) are skipped, never followed. The repository is built
        beside ``path`` and renamed into place, so it appears complete or not at all; when another
        process creates it at the same moment, the first rename wins and this opens that repository.
        """
        path = Path(path)
        if path.exists() and any(path.iterdir()):
            raise FileExistsError(f"{path} exists and is not empty")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
        try:
            os.chmod(tmp, 0o755)
            cls._build(tmp, Path(seed_dir), author, message)
            try:
                os.rename(tmp, path)  # atomic; replaces only a missing or empty directory
            except OSError:
                if not (path / "HEAD").is_file():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return cls(path)

    @classmethod
    def _build(cls, path: Path, seed_dir: Path, author: Author, message: str) -> None:
        """Initialise the bare repository at ``path`` and commit the seed as ``main``."""
        bare = git.Repo.init(path, bare=True, mkdir=True)
        bare.git.symbolic_ref("HEAD", MAIN)
        for key in ("receive.denyNonFastForwards", "receive.denyDeletes"):  # for pushes (git HTTP, later)
            bare.git.config(key, "true")
        bare.close()
        repo = cls(path, cache_bytes=0)
        entries: Entries = {}
        for file in sorted(_seed_files(seed_dir)):
            rel = check_path(file.relative_to(seed_dir).as_posix())
            mode = EXEC_MODE if os.access(file, os.X_OK) else FILE_MODE
            entries[rel] = (mode, repo._store(file.read_bytes()))
        sha = repo._commit_tree(repo._make_tree(entries), [], author, message)
        repo.repo.git.update_ref(MAIN, sha, "0" * 40)
        repo.close()

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
        """Full sha of the commit ``rev`` names, or :class:`NotFoundError`.

        ``main`` is read from its ref file each time; a full sha already seen to be a commit is cached.
        """
        if rev in ("main", MAIN) and (sha := read_ref(self.path, MAIN)):
            return sha
        known = ("commit?", rev)
        if self.cache.get(known) is True:
            return rev
        if not REVISION.fullmatch(rev) or ".." in rev or "//" in rev or rev.endswith((".", "/", ".lock")):
            raise RevisionError(rev, malformed=True)
        try:
            sha = str(self.repo.commit(rev).hexsha)
        except (
            git.BadName,
            git.BadObject,
            git.GitCommandError,
            ValueError,
            IndexError,
            KeyError,
            OSError,
        ) as exc:
            raise RevisionError(rev, malformed=False) from exc
        if sha == NULL_SHA:
            raise RevisionError(rev, malformed=False)
        if sha == rev:
            self.cache.put(known, True, len(rev))
        return sha

    def _store(self, data: bytes, kind: str = "blob") -> str:
        """Write a loose object in-process (gitpython's own ``store`` starts ``git hash-object`` each time)."""
        stored = LooseObjectDB.store(self.repo.odb, IStream(kind, len(data), BytesIO(data)))
        return str(stored.binsha.hex())

    def _blob(self, sha: str) -> bytes:
        return bytes(self.repo.odb.stream(bytes.fromhex(sha)).read())

    def _ls(self, rev: str) -> list[tuple[str, str, str, str, str]]:
        """``(mode, type, sha, size, path)`` of every entry of the tree of commit ``rev`` (a sha), cached."""
        listing: list[tuple[str, str, str, str, str]] = self.cache.get(("ls", rev))
        if listing is MISSING:
            out = self.repo.git.ls_tree("-r", "-l", "-z", "--full-tree", rev)
            listing = [(*m.split(), p) for m, p in (r.split("\t", 1) for r in out.split("\0") if r)]
            self.cache.put(("ls", rev), listing, len(out) + 64 * len(listing))
        return listing

    def _entries(self, rev: str) -> Entries:
        """Every entry of the tree of commit ``rev`` (a resolved sha) as ``path -> (mode, sha)``."""
        return {path: (mode, sha) for mode, _kind, sha, _size, path in self._ls(rev)}

    def _make_tree(self, entries: Entries) -> str:
        """Write the trees holding exactly ``entries`` into the object database; return the root's sha."""
        return write_trees(entries, lambda body: self._store(body, "tree"))

    def _commit_tree(self, tree: str, parents: list[str], author: Author, message: str) -> str:
        args = [a for p in parents for a in ("-p", p)]
        return str(self.repo.git.commit_tree(tree, *args, "-m", message, env=author_env(author)))

    def _cas(self, new: str, old: str) -> bool:
        """Move ``main`` from ``old`` to ``new`` atomically; False if it moved (or is locked)."""
        try:
            self.repo.git.update_ref(MAIN, new, old)
        except git.GitCommandError:
            return False
        return True

    def _changed(self, a: str, b: str) -> set[str]:
        """Paths whose entry differs between the trees of commits ``a`` and ``b`` (cached listings)."""
        old, new = self._entries(a), self._entries(b)
        return {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}

    def _remember(self, sha: str, parent: str, entries: Entries, written: Mapping[str, bytes | None]) -> None:
        """Cache the listing of a commit just made from its parent's listing and the written contents."""
        sizes = {blob: size for _mode, _kind, blob, size, _path in self._ls(parent)}
        sizes |= {blob_sha(data): str(len(data)) for data in written.values() if data is not None}
        if all(blob in sizes for _mode, blob in entries.values()):
            listing = [
                (mode, "commit" if mode == "160000" else "blob", blob, sizes[blob], path)
                for path, (mode, blob) in entries.items()
            ]
            self.cache.put(("ls", sha), listing, sum(len(p) + 64 for p in entries))

    # ------------------------------------------------------------------ reading

    def head(self) -> str:
        """The sha ``main`` points at."""
        return self._resolve(MAIN)

    def resolve(self, rev: str) -> str:
        """Full sha of the commit ``rev`` names, or :class:`NotFoundError`."""
        return self._resolve(rev)

    def read_file(self, path: str, rev: str = "main") -> tuple[bytes, str]:
        """Content and blob sha of ``path`` at ``rev``; :class:`NotFoundError` if there is no such file.

        Cached as commit + path -> blob sha and blob sha -> content, so an unchanged file is kept once.
        """
        check_path(path)
        sha = self._resolve(rev)
        blob: str = self.cache.get(("path", sha, path))
        if blob is MISSING:
            blob = self._find(sha, path)
            self.cache.put(("path", sha, path), blob, len(path) + 40)
        if not blob:
            raise NotFoundError(f"no file {path!r} at {rev}")
        if blob == "tree":
            raise NotFoundError(f"{path!r} is not a file at {rev}")
        data: bytes = self.cache.get(("blob", blob))
        if data is MISSING:
            data = self._blob(blob)
            self.cache.put(("blob", blob), data, len(data))
        return data, blob

    def _find(self, sha: str, path: str) -> str:
        """The blob sha of ``path`` in the tree of commit ``sha``, "tree" for a folder, "" for nothing.

        Read from the listing, not by walking tree objects with gitpython, which refuses a whole folder
        when one of its names aliases ``.git`` (a tree written before such names were refused)."""
        folder = path + "/"
        for _mode, kind, blob, _size, name in self._ls(sha):
            if name == path:
                return blob if kind == "blob" else "tree"
            if name.startswith(folder):
                return "tree"
        return ""

    def list_tree(self, rev: str = "main", prefix: str = "") -> list[dict[str, object]]:
        """Files at ``rev`` (optionally under directory ``prefix``) as ``{path, blob, size}``, sorted.

        A file whose name git refuses (an alias of ``.git``, from before such names were refused) is
        left out: no clone could check it out, and nothing here can read it by name."""
        if prefix:
            check_path(prefix.rstrip("/"))
        return [
            {"path": path, "blob": sha, "size": int(size)}
            for mode, kind, sha, size, path in sorted(self._ls(self._resolve(rev)), key=lambda e: e[4])
            if kind == "blob" and in_scope(path, prefix) and refused_path(path, mode == LINK_MODE) is None
        ]

    def commit(self, sha: str, files: list[str] | None = None) -> Commit:
        """The commit ``sha`` with the files it touched against its first parent (``files`` if known)."""
        c = self.repo.commit(self._resolve(sha))
        parents = [str(p.hexsha) for p in c.parents]
        if files is None:
            span = [parents[0], c.hexsha] if parents else ["--root", c.hexsha]
            out = self.repo.git.diff_tree("-r", "-z", "--no-renames", "--no-commit-id", "--name-only", *span)
            files = sorted(filter(None, out.split("\0")))
        message = c.message if isinstance(c.message, str) else c.message.decode("utf-8", "replace")
        who = (str(c.author.name), str(c.author.email))
        return Commit(str(c.hexsha), *who, message.rstrip("\n"), utc(c.authored_date), parents, files)

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
            except (ValueError, RevisionError) as exc:
                raise CursorError(f"{cursor!r} is not a cursor of this list") from exc
        page = shas[:limit]
        return self._commits(page), (page[-1] if len(shas) > limit else None)

    def _commits(self, shas: list[str]) -> list[Commit]:
        """``commit(sha)`` for each of ``shas`` (full shas, in that order): cached, the rest from one ``git log``."""
        cached = {sha: self.cache.get(("meta", sha)) for sha in shas}
        missing = [sha for sha, commit in cached.items() if commit is MISSING]
        for commit in self._log_commits(missing):
            cached[commit.sha] = commit
            size = len(commit.message) + sum(len(f) for f in commit.files) + 60 * len(commit.parents) + 200
            self.cache.put(("meta", commit.sha), commit, size)
        return [cached[sha] for sha in shas]

    def _log_commits(self, shas: list[str]) -> list[Commit]:
        """The commits ``shas`` (full shas, in that order) read with one ``git log``."""
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
                Commit(full, name, email, message.rstrip("\n"), utc(int(when)), parents.split(), files)
            )
        return commits

    def diff(self, a: str | None, b: str, path: str | None = None) -> dict[str, object]:
        """Differences from ``a`` to ``b`` (optionally one path): unified text and per-file hunks. Without
        ``a``, from ``b``'s first parent, or from the empty tree when ``b`` is a root commit."""
        end = self._resolve(b)
        span = [self._resolve(a) if a is not None else self._parent_or_empty(end), end]
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

    def _parent_or_empty(self, sha: str) -> str:
        """The first parent of commit ``sha``, or git's empty tree for a root commit."""
        parents = self.repo.commit(sha).parents
        return str(parents[0].hexsha) if parents else EMPTY_TREE

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
        ``check`` (if given) sees ``changes`` and the head they are about to land on, before each attempt
        to move ``main`` onto a new head, and may raise to refuse them: what lands is what was checked.
        """
        renames = dict(renames or {})
        for p in [*changes, *renames, *renames.values()]:
            check_path(p)
        blobs = {p: (None if data is None else self._store(data)) for p, data in changes.items()}
        base_sha = self._resolve(base)
        on_base = self._entries(base_sha)
        before = dict(on_base)
        touched = apply_changes(on_base, blobs, renames)
        if on_base == before:
            self._refuse_stale_no_op(base_sha, touched)
            raise NoChangeError("the edit does not change anything")
        head, checked = base_sha, ""
        for attempt in range(MAX_ATTEMPTS):
            head = self.head()
            entries = on_base if head == base_sha else self._rebase(base_sha, head, blobs, renames, touched)
            if check is not None and head != checked:
                check(changes, head)
                checked = head
            new = self._commit_tree(
                self._make_tree(entries), [head], author, message or default_message(touched)
            )
            if self._cas(new, head):
                if next(self._writes) % GRAPH_EVERY == 0:
                    self.write_commit_graph()
                self._remember(new, head, entries, changes)
                return self.commit(new, sorted(self._changed(head, new)))
            time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
        raise ConflictError(base_sha, head, [], "main kept moving; try again")

    def _refuse_stale_no_op(self, base: str, touched: set[str]) -> None:
        """An edit that is a no-op on ``base`` but would undo what ``main`` changed since is a conflict, so a
        writer is never told "unchanged" about content that ``main`` no longer has."""
        head = self.head()
        overlap = sorted(touched & self._changed(base, head)) if head != base else []
        if overlap:
            raise ConflictError(base, head, overlap)

    def _rebase(
        self, base: str, head: str, blobs: dict[str, str | None], renames: dict[str, str], touched: set[str]
    ) -> Entries:
        """The edit applied to ``head`` instead of ``base``, or :class:`ConflictError` if they overlap."""
        overlap = sorted(touched & self._changed(base, head))
        if overlap:
            raise ConflictError(base, head, overlap)
        entries = self._entries(head)
        try:
            apply_changes(entries, blobs, renames)
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
            if entry_sha(cur) == entry_sha(want) or entry_sha(undo) == entry_sha(want):
                continue
            if entry_sha(cur) == entry_sha(undo):
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
        scope = [p for p in sorted(set(then) | set(now)) if in_scope(p, path or "")]
        if path is not None and not scope:
            raise NotFoundError(f"no file {path!r} at {rev} or on main")
        changes: dict[str, bytes | None] = {
            p: (self._blob(then[p][1]) if p in then else None)
            for p in scope
            if entry_sha(then.get(p)) != entry_sha(now.get(p))
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
