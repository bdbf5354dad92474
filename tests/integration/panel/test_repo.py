"""The config repository service (`panel.repo`) against real git: a bare repository in tmp_path seeded
from the project's `config-repo/`, edited only through plumbing and compare-and-swap on `main`.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from panel.repo import (
    Author,
    Commit,
    ConfigRepo,
    ConflictError,
    NoChangeError,
    NotFoundError,
    PathError,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
SEED = REPO_ROOT / "config-repo"
ANN = Author("Ann Admin", "ann@example.com")
BOB = Author("Bob Editor", "bob@example.com")


@pytest.fixture
def repo(tmp_path: Path) -> ConfigRepo:
    return ConfigRepo.create(tmp_path / "config.git", SEED, ANN)


def git(repo: ConfigRepo, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(repo.path), *args], check=True, capture_output=True, text=True
    ).stdout


def seed_files() -> set[str]:
    return {
        p.relative_to(SEED).as_posix()
        for p in SEED.rglob("*")
        if p.is_file() and not any(q.is_symlink() for q in [p, *p.parents])
    }


def run_threads(count: int, target: Callable[[int], object]) -> list[object]:
    """Run ``target(i)`` in ``count`` threads released together; return results or exceptions."""
    results: list[object] = [None] * count
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = target(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


# ---------------------------------------------------------------------- create, read, list


def test_create_is_bare_with_one_commit_of_the_seed_without_symlinks(repo: ConfigRepo) -> None:
    assert (SEED / "schemas").is_symlink()  # the case this guards
    assert git(repo, "rev-parse", "--is-bare-repository").strip() == "true"
    assert git(repo, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    paths = {item["path"] for item in repo.list_tree()}
    assert paths == seed_files()
    assert not any(str(p).startswith("schemas") for p in paths)
    log, cursor = repo.log()
    assert cursor is None and len(log) == 1
    first = log[0]
    assert (first.author_name, first.author_email, first.parents) == (ANN.name, ANN.email, [])
    assert first.time.endswith("Z") and first.files == sorted(str(p) for p in paths)
    assert git(repo, "config", "receive.denyNonFastForwards").strip() == "true"


def test_create_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "f").write_text("keep")
    with pytest.raises(FileExistsError):
        ConfigRepo.create(tmp_path / "x", SEED, ANN)


def test_read_file_and_list_tree(repo: ConfigRepo) -> None:
    data, blob = repo.read_file("config.yml")
    assert data == (SEED / "config.yml").read_bytes()
    assert blob == git(repo, "rev-parse", "main:config.yml").strip()
    items = repo.list_tree(prefix="collections")
    assert [i["path"] for i in items] == sorted(f for f in seed_files() if f.startswith("collections/"))
    movies = next(i for i in items if i["path"] == "collections/movies.yml")
    assert movies["size"] == (SEED / "collections/movies.yml").stat().st_size
    with pytest.raises(NotFoundError):
        repo.read_file("nope.yml")
    with pytest.raises(KeyError):
        repo.read_file("collections")  # a directory is not a file
    with pytest.raises(NotFoundError):
        repo.read_file("config.yml", rev="no-such-branch")


# ---------------------------------------------------------------------- write


def test_write_creates_updates_deletes_and_renames_in_one_commit(repo: ConfigRepo) -> None:
    base = repo.head()
    old_readme, _ = repo.read_file("README.md")
    c = repo.write(
        {
            "collections/new.yml": b"collections: {}\n",
            "config.yml": b"libraries: {}\n",
            "collections/tv.yml": None,
        },
        base,
        BOB,
        "Edit several files",
        renames={"README.md": "docs/README.md"},
    )
    assert repo.head() == c.sha and c.parents == [base]
    assert (c.author_name, c.author_email, c.message) == (BOB.name, BOB.email, "Edit several files")
    assert c.files == [
        "README.md",
        "collections/new.yml",
        "collections/tv.yml",
        "config.yml",
        "docs/README.md",
    ]
    assert repo.read_file("collections/new.yml")[0] == b"collections: {}\n"
    assert repo.read_file("config.yml")[0] == b"libraries: {}\n"
    assert repo.read_file("docs/README.md")[0] == old_readme
    for gone in ("collections/tv.yml", "README.md"):
        with pytest.raises(NotFoundError):
            repo.read_file(gone)
    assert repo.read_file("config.yml", rev=base)[0] == (SEED / "config.yml").read_bytes()
    assert git(repo, "fsck", "--strict").strip() == ""


def test_rename_with_new_content(repo: ConfigRepo) -> None:
    c = repo.write(
        {"collections/films.yml": b"x: 1\n"},
        repo.head(),
        BOB,
        "m",
        {"collections/movies.yml": "collections/films.yml"},
    )
    assert c.files == ["collections/films.yml", "collections/movies.yml"]
    assert repo.read_file("collections/films.yml")[0] == b"x: 1\n"


@pytest.mark.parametrize(
    ("changes", "renames", "error"),
    [
        ({}, None, NoChangeError),
        ({"config.yml": (SEED / "config.yml").read_bytes()}, None, NoChangeError),
        ({"missing.yml": None}, None, NotFoundError),
        ({}, {"missing.yml": "b.yml"}, NotFoundError),
        ({}, {"config.yml": "README.md"}, PathError),  # target exists
        ({"config.yml/x": b"a"}, None, PathError),  # below a file
        ({"collections": b"a"}, None, PathError),  # over a directory
    ],
)
def test_rejected_writes_change_nothing(
    repo: ConfigRepo, changes: dict[str, bytes | None], renames: dict[str, str] | None, error: type[Exception]
) -> None:
    head = repo.head()
    with pytest.raises(error):
        repo.write(changes, head, BOB, "m", renames)
    assert repo.head() == head


@pytest.mark.parametrize(
    "path",
    [
        "../etc/passwd",
        "/etc/passwd",
        "a//b",
        "a/",
        "./a",
        "a/../b",
        ".git/config",
        "x/.GIT/hooks",
        "a\\b",
        "",
        "a\0b",
        "a" * 256 + ".yml",
        "/".join(["d" * 200] * 21),
        ".gitattributes",
        "collections/.gitmodules",
        "x\ufffd.yml",
        "x\u202ey.yml",
        "tab\there.yml",
    ],
)
def test_path_traversal_is_rejected_and_nothing_changes(repo: ConfigRepo, path: str) -> None:
    head = repo.head()
    with pytest.raises(PathError) as info:
        repo.write({"config.yml": b"ok\n", path: b"evil"}, head, BOB, "m")
    assert isinstance(info.value, ValueError) and repr(path) in str(info.value)
    with pytest.raises(PathError):
        repo.write({}, head, BOB, "m", renames={"config.yml": path})
    assert repo.head() == head and repo.log()[0][0].sha == head


def test_names_a_clone_could_not_tell_apart_are_refused(repo: ConfigRepo) -> None:
    """macOS and Windows clones hold one file for `Movies.yml` and `movies.yml`, or for NFC and NFD `café`."""
    head = repo.head()
    for twin in ("collections/Movies.yml", "COLLECTIONS/movies.yml", "Config.yml"):
        with pytest.raises(PathError, match="only in case or Unicode normalization"):
            repo.write({twin: b"a: 1\n"}, head, BOB, "m")
    nfc, nfd = "caf\u00e9.yml", "cafe\u0301.yml"
    landed = repo.write({nfc: b"a: 1\n"}, head, BOB, "m")
    with pytest.raises(PathError, match="only in case"):
        repo.write({nfd: b"a: 1\n"}, landed.sha, BOB, "m")
    with pytest.raises(PathError, match="only in case"):
        repo.write({"a.yml": b"1\n", "A.yml": b"2\n"}, landed.sha, BOB, "m")
    moved = repo.write({}, landed.sha, BOB, "m", renames={nfc: "Caf\u00e9.yml"})
    assert repo.read_file("Caf\u00e9.yml", moved.sha)[0] == b"a: 1\n"
    assert repo.write({"a" * 255: b"x\n"}, moved.sha, BOB, "m").files == ["a" * 255]


# ---------------------------------------------------------------------- compare-and-swap


def test_twenty_concurrent_writers_on_one_file_exactly_one_lands(repo: ConfigRepo) -> None:
    base = repo.head()
    results = run_threads(
        20, lambda i: repo.write({"config.yml": f"edit {i}\n".encode()}, base, BOB, f"edit {i}")
    )
    landed = [r for r in results if isinstance(r, Commit)]
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(landed) == 1 and len(conflicts) == 19, results
    winner = landed[0]
    assert repo.head() == winner.sha
    assert all(c.paths == ["config.yml"] and c.base == base and c.head == winner.sha for c in conflicts)
    assert [c.sha for c in repo.log()[0]] == [winner.sha, base]
    i = int(winner.message.split()[1])
    assert repo.read_file("config.yml")[0] == f"edit {i}\n".encode()


def test_concurrent_non_overlapping_edits_all_land(repo: ConfigRepo) -> None:
    base = repo.head()
    results = run_threads(
        8, lambda i: repo.write({f"collections/c{i}.yml": f"n: {i}\n".encode()}, base, BOB, f"add {i}")
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    for i in range(8):
        assert repo.read_file(f"collections/c{i}.yml")[0] == f"n: {i}\n".encode()
    log, _ = repo.log()
    assert len(log) == 9 and log[-1].sha == base
    assert all(len(c.parents) == 1 for c in log[:-1])  # a straight line, nothing overwritten


def test_stale_base_on_another_file_lands_on_top_of_head(repo: ConfigRepo) -> None:
    base = repo.head()
    first = repo.write({"config.yml": b"one\n"}, base, ANN, "first")
    second = repo.write({"README.md": b"two\n"}, base, BOB, "second")
    assert second.parents == [first.sha]
    assert repo.read_file("config.yml")[0] == b"one\n" and repo.read_file("README.md")[0] == b"two\n"
    with pytest.raises(ConflictError) as info:
        repo.write({"config.yml": b"three\n"}, base, BOB, "third")
    assert (info.value.base, info.value.head, info.value.paths) == (base, second.sha, ["config.yml"])
    assert repo.head() == second.sha


# ---------------------------------------------------------------------- history


def make_history(repo: ConfigRepo, count: int) -> list[str]:
    shas = [repo.head()]
    for i in range(count):
        path = "config.yml" if i % 2 == 0 else "README.md"
        shas.append(repo.write({path: f"v{i}\n".encode()}, shas[-1], ANN, f"change {i}").sha)
    return shas


def test_log_pages_with_a_cursor_and_per_path(repo: ConfigRepo) -> None:
    shas = make_history(repo, 7)
    newest_first = shas[::-1]
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page, cursor = repo.log(cursor=cursor, limit=3)
        seen += [c.sha for c in page]
        if cursor is None:
            break
        assert cursor == page[-1].sha
    assert seen == newest_first
    config_log, nxt = repo.log(path="config.yml", limit=500)
    assert nxt is None
    assert [c.sha for c in config_log] == [s for s in newest_first if "config.yml" in repo.commit(s).files]
    assert [c.message for c in config_log[:2]] == ["change 6", "change 4"]
    with pytest.raises(NotFoundError):
        repo.log(cursor="0" * 40)
    with pytest.raises(PathError):
        repo.log(path="../x")


def test_commit_and_diff(repo: ConfigRepo) -> None:
    base = repo.head()
    c = repo.write(
        {"config.yml": b"libraries:\n  Movies: {}\n", "new.yml": b"a: 1\n", "collections/tv.yml": None},
        base,
        BOB,
        "m",
        renames={"README.md": "docs/README.md"},
    )
    assert repo.commit(c.sha) == c
    d = repo.diff(base, c.sha)
    files = {f["path"]: f for f in d["files"]}  # type: ignore[attr-defined]
    statuses = {p: f["status"] for p, f in files.items()}
    assert statuses == {
        "config.yml": "modified",
        "new.yml": "added",
        "collections/tv.yml": "deleted",
        "docs/README.md": "renamed",
    }
    assert files["docs/README.md"]["old_path"] == "README.md" and files["docs/README.md"]["hunks"] == []
    hunk = files["new.yml"]["hunks"][0]
    assert hunk["header"].startswith("@@ -0,0 +1 @@") and hunk["lines"] == ["+a: 1"]
    assert "+  Movies: {}" in files["config.yml"]["hunks"][0]["lines"]
    assert "diff --git a/config.yml b/config.yml" in d["unified"]  # type: ignore[operator]
    one = repo.diff(base, c.sha, path="config.yml")
    assert [f["path"] for f in one["files"]] == ["config.yml"]  # type: ignore[attr-defined]
    assert "new.yml" not in one["unified"]  # type: ignore[operator]
    assert repo.diff(c.sha, c.sha) == {"unified": "", "files": []}


def test_revert_clean_merged_and_conflicting(repo: ConfigRepo) -> None:
    base = repo.head()
    lines = [f"line {i}\n" for i in range(20)]
    v1 = repo.write({"list.txt": "".join(lines).encode(), "other.txt": b"o\n"}, base, ANN, "add list").sha
    edited = [*lines]
    edited[2] = "line 2 changed\n"
    v2 = repo.write({"list.txt": "".join(edited).encode()}, v1, ANN, "edit top").sha
    edited[17] = "line 17 changed\n"
    repo.write({"list.txt": "".join(edited).encode()}, v2, ANN, "edit bottom")
    # v2's hunk is far from the later edit: a line-level merge undoes only v2's change
    r = repo.revert(v2, BOB)
    assert r.message.startswith('Revert "edit top"') and r.author_name == BOB.name
    expected = [*lines]
    expected[17] = "line 17 changed\n"
    assert repo.read_file("list.txt")[0] == "".join(expected).encode()
    # a commit whose line was changed again since cannot be reverted automatically
    v4 = repo.write({"other.txt": b"p\n"}, repo.head(), ANN, "o to p").sha
    repo.write({"other.txt": b"q\n"}, v4, ANN, "p to q")
    head = repo.head()
    with pytest.raises(ConflictError) as info:
        repo.revert(v4, BOB)
    assert info.value.paths == ["other.txt"] and repo.head() == head
    # reverting the same commit twice changes nothing
    with pytest.raises(NoChangeError):
        repo.revert(v2, BOB)


def test_revert_of_an_addition_deletes_and_is_history_preserving(repo: ConfigRepo) -> None:
    base = repo.head()
    add = repo.write({"collections/extra.yml": b"x: 1\n"}, base, ANN, "add extra")
    r = repo.revert(add.sha, BOB, message="take it back")
    assert r.message == "take it back" and r.files == ["collections/extra.yml"]
    with pytest.raises(NotFoundError):
        repo.read_file("collections/extra.yml")
    with pytest.raises(NoChangeError):
        repo.revert(add.sha, BOB)
    assert {c.sha for c in repo.log()[0]} == {base, add.sha, r.sha}


def test_restore_one_path_and_the_whole_tree(repo: ConfigRepo) -> None:
    shas = make_history(repo, 4)
    extra = repo.write({"collections/extra.yml": b"e\n"}, repo.head(), ANN, "extra").sha
    r = repo.restore(shas[1], BOB, path="config.yml")
    assert r.files == ["config.yml"] and r.parents == [extra]
    assert repo.read_file("config.yml")[0] == b"v0\n" and repo.read_file("README.md")[0] == b"v3\n"
    with pytest.raises(NoChangeError):
        repo.restore(shas[1], BOB, path="config.yml")
    with pytest.raises(NotFoundError):
        repo.restore(shas[1], BOB, path="nope.yml")
    whole = repo.restore(shas[0], BOB, message="back to the start")
    assert whole.message == "back to the start"
    assert {i["path"] for i in repo.list_tree()} == seed_files()
    assert git(repo, "rev-parse", f"{whole.sha}^{{tree}}") == git(repo, "rev-parse", f"{shas[0]}^{{tree}}")


def test_history_is_never_rewritten(repo: ConfigRepo) -> None:
    shas = make_history(repo, 3)
    repo.revert(shas[2], BOB)
    repo.restore(shas[0], BOB)
    with pytest.raises(ConflictError):
        repo.write({"config.yml": b"late\n"}, shas[1], BOB, "stale")
    for sha in shas:
        subprocess.run(
            ["git", "--git-dir", str(repo.path), "merge-base", "--is-ancestor", sha, "main"], check=True
        )
    assert len(repo.log(limit=500)[0]) == len(shas) + 2


# ---------------------------------------------------------------------- read cache and concurrent start


def test_reads_at_main_see_a_commit_from_another_process_at_once(repo: ConfigRepo) -> None:
    """Reads are cached by commit sha, but `main` itself is read from the ref on every call."""
    first = repo.head()
    before, _ = repo.read_file("config.yml")
    assert [i["path"] for i in repo.list_tree()] == sorted(seed_files())
    elsewhere = ConfigRepo(repo.path)  # another worker process's view of the same repository
    new = elsewhere.write({"config.yml": b"changed: 1\n", "extra.yml": b"a: 1\n"}, first, BOB, "elsewhere")
    assert repo.head() == new.sha
    assert repo.read_file("config.yml")[0] == b"changed: 1\n"
    assert "extra.yml" in {i["path"] for i in repo.list_tree()}
    assert repo.read_file("config.yml", first)[0] == before  # an older commit still reads as it was
    assert repo.log(limit=1)[0][0].sha == new.sha


def test_main_is_found_in_packed_refs(repo: ConfigRepo) -> None:
    git(repo, "pack-refs", "--all", "--prune")
    assert not (repo.path / "refs/heads/main").exists()
    assert repo.head() == git(repo, "rev-parse", "main").strip()
    moved = repo.write({"config.yml": b"packed: 1\n"}, "main", BOB, "after packing")
    assert repo.head() == moved.sha and repo.read_file("config.yml")[0] == b"packed: 1\n"


def test_the_read_cache_stays_within_its_byte_bound(tmp_path: Path) -> None:
    repo = ConfigRepo(ConfigRepo.create(tmp_path / "config.git", SEED, ANN).path, cache_bytes=4096)
    for _ in range(2):
        for path in sorted(seed_files()):
            assert repo.read_file(path)[0] == (SEED / path).read_bytes()
            assert repo.cache.size <= 4096
    assert len(repo.cache) > 0


def _create(path: Path, barrier: Any, heads: Any) -> None:
    barrier.wait()
    heads.put(ConfigRepo.create(path, SEED, ANN).head())


def test_processes_creating_the_repository_together_make_one(tmp_path: Path) -> None:
    """Several workers starting on a new data directory: the first to finish wins, the rest open it."""
    context = multiprocessing.get_context("fork")
    count, path = 4, tmp_path / "config.git"
    barrier, heads = context.Barrier(count), context.Queue()
    procs = [context.Process(target=_create, args=(path, barrier, heads)) for _ in range(count)]
    for proc in procs:
        proc.start()
    found = {heads.get(timeout=120) for _ in procs}
    for proc in procs:
        proc.join(timeout=60)
    assert len(found) == 1 and found == {ConfigRepo(path).head()}
    assert git(ConfigRepo(path), "rev-list", "--count", "main").strip() == "1"
    assert [p.name for p in tmp_path.iterdir()] == ["config.git"]  # no half-built copies left behind


def test_trees_written_in_process_are_what_git_would_write(repo: ConfigRepo) -> None:
    """Folders sort as `name/` among files (`a-b.yml` < `a.yml` < `a/` < `a0.yml`); git fsck agrees."""
    files = {"x/a.yml": b"1\n", "x/a/b.yml": b"2\n", "x/a-b.yml": b"3\n", "x/a0.yml": b"4\n", "ü.yml": b"5\n"}
    commit = repo.write(dict(files), "main", BOB, "odd names")
    git(repo, "fsck", "--strict", "--no-dangling")
    listing = [line.split("\t")[1] for line in git(repo, "ls-tree", f"{commit.sha}:x").splitlines()]
    assert listing == ["a-b.yml", "a.yml", "a", "a0.yml"]
    remade = subprocess.run(  # git's own tree from the same entries (mktree sorts them itself)
        ["git", "--git-dir", str(repo.path), "mktree", "-z"],
        input=git(repo, "ls-tree", "-z", commit.sha).encode(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert remade.strip() == git(repo, "rev-parse", f"{commit.sha}^{{tree}}").strip()
    assert commit.files == sorted(files)
    assert {p: repo.read_file(p)[0] for p in files} == files


def test_check_sees_the_head_each_attempt_lands_on(repo: ConfigRepo) -> None:
    """A commit landing while an edit is checked makes the edit re-checked on the new head before it lands."""
    seen: list[str] = []

    def check(changes: Any, head: str) -> None:
        seen.append(head)
        if len(seen) == 1:
            repo.write({"other.yml": b"a: 1\n"}, head, ANN, "meanwhile")

    base = repo.head()
    commit = repo.write({"mine.yml": b"b: 2\n"}, base, BOB, "mine", check=check)
    assert seen[0] == base and seen[1] == commit.parents[0] != base and len(seen) == 2
    assert repo.read_file("other.yml")[0] == b"a: 1\n" and repo.read_file("mine.yml")[0] == b"b: 2\n"


def test_a_refusing_check_leaves_main_where_it_was(repo: ConfigRepo) -> None:
    def refuse(changes: Any, head: str) -> None:
        raise ValueError(f"no edits on {head[:7]}")

    head = repo.head()
    with pytest.raises(ValueError, match=head[:7]):
        repo.write({"mine.yml": b"b: 2\n"}, head, BOB, "mine", check=refuse)
    assert repo.head() == head
