"""`panel.git_names` against git itself: every name is put in a tree object with `git mktree`, and
`git fsck` says which ones it flags (`hasDotgit`, and `<file>Symlink` for links aliasing `.gitmodules`,
`.gitattributes`, `.gitignore`, `.mailmap`); the pure functions must agree on each."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest

from panel.git_names import (
    DOT_FILES,
    aliased_dot_file,
    is_hfs_dot_file,
    is_hfs_dotgit,
    is_ntfs_dot_file,
    is_ntfs_dotgit,
    refused_component,
    refused_path,
)

ZWNJ, ZWJ, BOM = "\u200c", "\u200d", "\ufeff"
SEEDS = [
    ".git",
    "git~1",
    ".gitmodules",
    "gitmod~1",
    "gi7eba~1",
    "gi7eb~12",
    "gi7e~123",
    "~1234567",
    ".gitattributes",
    "gitatt~1",
    "gi7d29~9",
    ".gitignore",
    "gitign~4",
    "gi250a~1",
    ".mailmap",
    "mailma~1",
    "maba30~1",
    "m~123456",
]
ALPHABET = ". :~gitGITmodulesattrbnacp0123456789xyé" + ZWNJ + ZWJ + BOM + "\u206a\u200e\u202e"
FSCK_IDS = ("hasDotgit", "gitmodulesSymlink", "gitattributesSymlink", "gitignoreSymlink", "mailmapSymlink")


def mutate(rng: random.Random, name: str) -> str:
    """A near miss of ``name``: a few characters inserted, dropped, replaced or changed in case."""
    chars = list(name)
    for _ in range(rng.randint(0, 3)):
        where = rng.randint(0, len(chars))
        action = rng.choice(["insert", "drop", "replace", "case", "suffix"])
        if action == "insert":
            chars.insert(where, rng.choice(ALPHABET))
        elif action == "suffix":
            chars.extend(rng.choice([".", " ", ". ", ":x", ":", "..", "x", "~1"]))
        elif chars and where < len(chars):
            if action == "drop":
                del chars[where]
            elif action == "replace":
                chars[where] = rng.choice(ALPHABET)
            else:
                chars[where] = chars[where].swapcase()
    return "".join(chars)


def candidate_names() -> list[str]:
    rng = random.Random(20261207)
    names = {*SEEDS, *(mutate(rng, rng.choice(SEEDS)) for _ in range(3000))}
    names |= {"".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 10))) for _ in range(300)}
    return sorted(name for name in names if name not in ("", ".", ".."))


def fsck_flags(tmp_path: Path, names: list[str], mode: str) -> list[set[str]]:
    """For each name, the fsck message ids git reports for a tree holding only that entry with ``mode``."""
    repo = tmp_path / f"fsck-{mode}.git"
    subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
    git = ["git", "--git-dir", str(repo)]
    blob = subprocess.run(
        [*git, "hash-object", "-w", "--stdin"], input=b"x\n", capture_output=True, check=True
    ).stdout.decode()
    batch = "".join(f"{mode} blob {blob.strip()}\t{name}\n\n" for name in names)
    made = subprocess.run(
        [*git, "mktree", "--batch"], input=batch.encode(), capture_output=True, check=True
    ).stdout.decode()
    trees = made.split()
    assert len(trees) == len(names)
    strict = [f"-c fsck.{what}=error".split() for what in FSCK_IDS[2:]]
    report = subprocess.run(
        [*git, *(arg for pair in strict for arg in pair), "fsck", "--strict", "--no-dangling"],
        capture_output=True,
        text=True,
    )
    found: dict[str, set[str]] = {}
    for tree, what in re.findall(r"error in tree ([0-9a-f]{40}): (\w+):", report.stdout + report.stderr):
        found.setdefault(tree, set()).add(what)
    return [found.get(tree, set()) for tree in trees]


def expected_flags(name: str, symlink: bool) -> set[str]:
    flags = {"hasDotgit"} if is_ntfs_dotgit(name) or is_hfs_dotgit(name) else set()
    if symlink:
        for dot_name, short in DOT_FILES.items():
            if is_ntfs_dot_file(name, dot_name, short) or is_hfs_dot_file(name, dot_name):
                flags.add(f"{dot_name}Symlink")
    return flags


@pytest.mark.parametrize("mode", ["100644", "120000"])
def test_the_rules_agree_with_git_fsck_on_thousands_of_near_misses(tmp_path: Path, mode: str) -> None:
    names = candidate_names()
    flagged = fsck_flags(tmp_path, names, mode)
    assert sum(1 for flags in flagged if flags) > (20 if mode == "100644" else 200)  # it reaches the rules
    wrong = [(n, f, expected_flags(n, mode == "120000")) for n, f in zip(names, flagged, strict=True)]
    assert [case for case in wrong if case[1] != case[2]] == []


@pytest.mark.parametrize(
    "name",
    [
        ".git",
        ".git.",
        ".git ",
        ".Git..",
        ".GIT. .",
        ".git:x",
        "git~1",
        "GIT~1",
        "Git~1.",
        f".g{ZWNJ}it",
        f".git{ZWJ}",
        f"{BOM}.GiT",
    ],
)
def test_every_disguise_of_dot_git_is_refused(name: str) -> None:
    assert aliased_dot_file(name) == ".git"
    reason = refused_component(name)
    assert reason is not None and "'.git'" in reason
    assert refused_path(f"collections/{name}/config") == reason


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        (".gitmodules", ".gitmodules"),
        (".GITMODULES.", ".gitmodules"),
        ("gitmod~3", ".gitmodules"),
        ("GI7EBA~1", ".gitmodules"),
        ("gi7e~123", ".gitmodules"),
        (".gitattributes:zone", ".gitattributes"),
        ("gitatt~1", ".gitattributes"),
        (f".gitattri{ZWNJ}butes", ".gitattributes"),
    ],
)
def test_aliases_of_the_checkout_control_files_are_refused(name: str, alias: str) -> None:
    assert aliased_dot_file(name) == alias
    reason = refused_component(name)
    assert reason is not None and repr(alias) in reason


@pytest.mark.parametrize(
    "name",
    [
        ".gitignore",
        "gi250a~1",
        ".mailmap",
        "git~2",
        ".gitx",
        "git",
        ".github",
        "gitmod~5",
        "config.yml",
        "a.git",
    ],
)
def test_ordinary_names_are_kept(name: str) -> None:
    assert refused_component(name) is None


def test_a_link_may_alias_no_dot_file() -> None:
    assert refused_component("gi250a~1", symlink=True) is not None
    assert refused_component(".mailmap ", symlink=True) is not None
    assert refused_component("movies.yml", symlink=True) is None


def test_case_is_folded_for_ascii_letters_only() -> None:
    """git compares with ASCII ``tolower``; the Kelvin sign is not ``k`` and a dotless I is not ``i``."""
    assert not is_ntfs_dot_file(".gitmodules".replace("m", "\u217f"), "gitmodules", "gi7eba")
    assert not is_hfs_dotgit(".g\u0130t") and not is_ntfs_dotgit(".g\u0131t")
    assert aliased_dot_file(".mailmap".replace("a", "A")) == ".mailmap"
