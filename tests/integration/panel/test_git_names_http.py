"""Names git treats as `.git` (or as `.gitmodules`...) over real HTTP: every write path refuses them and
changes nothing, a clone with `transfer.fsckObjects` still works, and a repository that already holds such
a name (written before they were refused) is still read: the name is skipped, never a 500."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support.panel_http import PanelHttp, git, panel_http

ZWNJ, ZWJ = "\u200c", "\u200d"
DISGUISES = [".git.", ".git /config", "git~1", "GIT~1", ".git:x", ".Git..", f".g{ZWNJ}it", f".git{ZWJ}"]
CONTROL = ["GITMOD~1", ".gitmodules.", "gi7eba~1", ".gitattributes ", "gitatt~1"]
BAD = [*DISGUISES, *CONTROL, *(f"collections/{name}" for name in DISGUISES)]
READS = [
    "/api/files",
    "/api/files/config.yml",
    "/api/files/collections/movies.yml",
    "/api/collections",
    "/api/overlays",
    "/api/system/config",
    "/api/libraries",
]


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PanelHttp]:
    with panel_http(tmp_path_factory.mktemp("panel")) as running:
        yield running


def url(path: str) -> str:
    return "/api/files/" + quote(path, safe="/")


def clone_checks(repo: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """``git clone`` with every object checked as it arrives (what hosting sites and careful users run)."""
    return subprocess.run(
        ["git", "-c", "transfer.fsckObjects=true", "clone", "-q", "--no-local", str(repo), str(target)],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("path", BAD)
def test_every_write_path_refuses_a_name_git_reads_as_its_own(panel: PanelHttp, path: str) -> None:
    head = panel.head()
    content = "collections:\n  A:\n    plex_all: true\n"
    answers = {
        "put": panel.put(url(path), {"content": content, "base": head}),
        "batch": panel.post("/api/files", {"base": head, "changes": [{"path": path, "content": content}]}),
        "rename": panel.post(
            "/api/files", {"base": head, "changes": [{"path": path, "from": "collections/tv.yml"}]}
        ),
        "entry": panel.put(
            "/api/collections/" + quote(f"{path}/new.yml::A", safe=""),
            {"definition": {"plex_all": True}, "base": head},
        ),
    }
    parts = path.split("/")
    name = parts[1] if parts[0] == "collections" else parts[0]
    for how, answer in answers.items():
        # the document's path pattern allows these names; git's rules refuse them: 422, not 400
        assert answer.status_code == 422, (how, answer.text)
        assert answer.json()["error"]["code"] == "unprocessable", (how, answer.text)
        message = answer.json()["error"]["message"]
        assert "on Windows or macOS" in message and repr(name) in message, (how, message)
    assert panel.head() == head


def test_a_clone_checking_every_object_succeeds_after_refused_writes(
    panel: PanelHttp, tmp_path: Path
) -> None:
    for path in BAD[:4]:
        assert panel.put(url(path), {"content": "x: 1\n", "base": panel.head()}).status_code == 422
    ok = panel.put(url("notes/ok.yml"), {"content": "x: 1\n", "base": panel.head()})
    assert ok.status_code == 200, ok.text
    cloned = clone_checks(panel.repo, tmp_path / "clone")
    assert cloned.returncode == 0, cloned.stderr
    assert (tmp_path / "clone" / "notes" / "ok.yml").read_text() == "x: 1\n"


def plant(repo: Path, folder: str, name: str) -> str:
    """Commit ``folder/name`` onto ``main`` with git plumbing alone (as an older panel or a push could
    have); the new head."""
    blob = git(repo, "hash-object", "-w", "--stdin", stdin="planted: 1\n")
    listing = git(repo, "ls-tree", f"main:{folder}")
    sub = git(repo, "mktree", stdin=f"{listing}\n100644 blob {blob}\t{name}\n")
    root = "\n".join(
        f"040000 tree {sub}\t{folder}" if line.endswith(f"\t{folder}") else line
        for line in git(repo, "ls-tree", "main").splitlines()
    )
    top = git(repo, "mktree", stdin=f"{root}\n100644 blob {blob}\t{name}\n")
    commit = git(repo, "commit-tree", top, "-p", "main", "-m", f"plant {name}")
    git(repo, "update-ref", "refs/heads/main", commit)
    return commit


def test_reads_of_a_tree_already_holding_such_names_skip_them(tmp_path: Path) -> None:
    with panel_http(tmp_path) as panel:
        plant(panel.repo, "collections", ".git.")
        head = plant(panel.repo, "collections", "GIT~1")
        assert clone_checks(panel.repo, tmp_path / "clone").returncode != 0  # what an older panel let in
        for route in [*READS, "/api/history", f"/api/history/{head}", f"/api/diff?from={head}~2&to={head}"]:
            answer = panel.get(route)
            assert answer.status_code == 200, (route, answer.text)
        listed = [item["path"] for item in panel.get("/api/files?limit=500").json()["data"]["items"]]
        planted = {".git.", "collections/.git.", "GIT~1", "collections/GIT~1"}
        assert {"config.yml", ".gitignore"} <= set(listed) and not planted & set(listed)
        refused = panel.get(url("collections/.git."))
        assert refused.status_code == 422 and "'.git'" in refused.json()["error"]["message"]
        edited = panel.get("/api/files/config.yml").json()["data"]
        assert edited["commit"] == head
        body = {"content": edited["content"] + "# still editable\n", "base": head}
        assert panel.put("/api/files/config.yml", body).status_code == 200
