"""The history API (`/api/history`, `/api/diff`, revert and restore) against a real bare git repository
in tmp_path created by the app factory from the project's `config-repo/`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from panel.repo import ConfigRepo
from panel.settings import PANEL_AUTHOR
from tests.support.panel_api import STAMP, envelope

MOVIES, TV = "collections/movies.yml", "collections/tv.yml"


def data(resp: TestResponse) -> Any:
    return envelope(resp, 200)["data"]


def edit(client: FlaskClient, repo: ConfigRepo, path: str, suffix: str) -> str:
    """Append a comment to ``path`` through the API; return the new commit's sha."""
    text = repo.read_file(path)[0].decode() + suffix
    return str(data(client.put(f"/api/files/{path}", json={"content": text, "base": repo.head()}))["sha"])


@pytest.fixture
def three(client: FlaskClient, repo: ConfigRepo) -> list[str]:
    """Seed commit plus three edits: [seed, movies 1, tv, movies 2]."""
    seed = repo.head()
    return [
        seed,
        edit(client, repo, MOVIES, "# 1\n"),
        edit(client, repo, TV, "# 2\n"),
        edit(client, repo, MOVIES, "# 3\n"),
    ]


def test_history_lists_newest_first(client: FlaskClient, three: list[str]) -> None:
    page = data(client.get("/api/history"))
    assert [c["sha"] for c in page["items"]] == three[::-1] and page["next_cursor"] is None
    first = page["items"][0]
    assert set(first) == {"sha", "author", "message", "time", "parents", "files"}
    assert first["files"] == [MOVIES] and STAMP.match(first["time"])


def test_history_pages_with_a_cursor(client: FlaskClient, three: list[str]) -> None:
    seen: list[str] = []
    url = "/api/history?limit=1"
    while True:
        page = data(client.get(url))
        seen += [c["sha"] for c in page["items"]]
        if page["next_cursor"] is None:
            break
        url = f"/api/history?limit=1&cursor={page['next_cursor']}"
    assert seen == three[::-1]


def test_history_of_one_path(client: FlaskClient, three: list[str]) -> None:
    items = data(client.get(f"/api/history?path={TV}"))["items"]
    assert [c["sha"] for c in items] == [three[2], three[0]]


@pytest.mark.parametrize("limit", ["0", "-1", "501", "ten", "1.5"])
def test_bad_limit_is_400(client: FlaskClient, limit: str) -> None:
    body = envelope(client.get(f"/api/history?limit={limit}"), 400)
    assert body["error"]["code"] == "bad_request" and "limit" in body["error"]["message"]


def test_limit_500_is_fine(client: FlaskClient) -> None:
    assert len(data(client.get("/api/history?limit=500"))["items"]) == 1


def test_bad_cursor_and_path(client: FlaskClient, three: list[str]) -> None:
    for cursor in ("abc123", "garbage"):
        error = envelope(client.get(f"/api/history?cursor={quote(cursor)}"), 422)["error"]
        assert error["code"] == "unprocessable" and error["details"] == {"field": "cursor"}
    assert (
        envelope(client.get(f"/api/history?cursor={quote('main@{1}')}"), 400)["error"]["code"]
        == "bad_request"
    )
    assert envelope(client.get("/api/history?path=../x"), 400)["error"]["code"] == "bad_request"


@pytest.mark.parametrize("rev", ["main@{1}", "HEAD@{2}", "main@{yesterday}", "a..b", "main:config.yml", "-n"])
def test_reflog_range_and_odd_revisions_are_refused_everywhere(client: FlaskClient, rev: str) -> None:
    """A bare repository keeps no reflog; these never reach git: the document's revision pattern refuses
    them (400), and ``a..b``, which has the pattern's form, is a 422."""
    status, code = (422, "unprocessable") if rev == "a..b" else (400, "bad_request")
    for url in (
        f"/api/files/config.yml?rev={quote(rev)}",
        f"/api/files?rev={quote(rev)}",
        f"/api/history/{quote(rev)}",
    ):
        error = envelope(client.get(url), status)["error"]
        assert error["code"] == code and rev in error["message"] + str(error["details"])
    assert (
        envelope(client.post(f"/api/history/{quote(rev)}/revert", json={}), status)["error"]["code"] == code
    )


def test_the_null_sha_and_unknown_commits_are_404(client: FlaskClient) -> None:
    for rev in ("0" * 40, "0" * 7, "ab" * 20):
        error = envelope(client.get(f"/api/files?rev={rev}"), 404)["error"]
        assert error["code"] == "not_found" and error["details"] == {"revision": rev}


def test_one_commit(client: FlaskClient, three: list[str]) -> None:
    commit = data(client.get(f"/api/history/{three[2]}"))
    assert commit["sha"] == three[2] and commit["files"] == [TV] and commit["parents"] == [three[1]]
    assert envelope(client.get("/api/history/0000000"), 404)["error"]["code"] == "not_found"


def test_diff(client: FlaskClient, three: list[str]) -> None:
    diff = data(client.get(f"/api/diff?from={three[0]}&to={three[3]}"))
    assert {f["path"] for f in diff["files"]} == {MOVIES, TV}
    assert "+# 3" in diff["unified"]
    one = data(client.get(f"/api/diff?from={three[0]}&path={TV}"))
    assert [f["path"] for f in one["files"]] == [TV] and one["files"][0]["status"] == "modified"
    last = data(client.get("/api/diff"))  # main against its parent: the last edit
    assert [f["path"] for f in last["files"]] == [MOVIES] and "+# 3" in last["unified"]
    assert envelope(client.get("/api/diff?from=nope"), 404)["error"]["code"] == "not_found"


def test_revert(client: FlaskClient, repo: ConfigRepo, three: list[str]) -> None:
    commit = data(client.post(f"/api/history/{three[2]}/revert"))
    assert commit["sha"] == repo.head() and commit["files"] == [TV] and commit["unchanged"] is False
    assert commit["message"].startswith('Revert "Update collections/tv.yml"')
    assert not repo.read_file(TV)[0].endswith(b"# 2\n")
    again = data(client.post(f"/api/history/{three[2]}/revert"))
    assert again["unchanged"] is True and again["sha"] == commit["sha"] == repo.head()


def test_revert_with_a_message(client: FlaskClient, three: list[str]) -> None:
    commit = data(client.post(f"/api/history/{three[2]}/revert", json={"message": "Undo tv"}))
    assert commit["message"] == "Undo tv"


def test_revert_conflict_is_409(client: FlaskClient, repo: ConfigRepo, three: list[str]) -> None:
    head = repo.head()
    body = envelope(client.post(f"/api/history/{three[1]}/revert"), 409)
    assert body["error"]["code"] == "conflict"
    details = body["error"]["details"]
    assert details["paths"] == [MOVIES] and details["head"] == head and details["base"] == three[1]
    theirs, yours = repo.read_file(MOVIES)[0].decode(), repo.read_file(MOVIES, three[0])[0].decode()
    assert details["files"] == [{"path": MOVIES, "theirs": theirs, "yours": yours}]
    assert (details["theirs"], details["yours"]) == (theirs, yours)
    assert "revert by hand" in body["error"]["message"]
    assert repo.head() == head


def test_restore_one_path(client: FlaskClient, repo: ConfigRepo, three: list[str]) -> None:
    commit = data(client.post(f"/api/history/{three[0]}/restore", json={"path": MOVIES}))
    assert commit["files"] == [MOVIES] and commit["sha"] == repo.head()
    assert repo.read_file(MOVIES)[0] == repo.read_file(MOVIES, three[0])[0]
    assert repo.read_file(TV)[0].endswith(b"# 2\n")


def test_restore_everything(client: FlaskClient, repo: ConfigRepo, three: list[str]) -> None:
    commit = data(client.post(f"/api/history/{three[0]}/restore"))
    assert commit["files"] == [MOVIES, TV]
    assert repo.diff(three[0], "main")["files"] == []


def test_restore_refuses_invalid_content(client: FlaskClient, repo: ConfigRepo) -> None:
    # An invalid file that reached main from outside the panel (e.g. an old push) is not restored.
    bad = repo.write({"collections/bad.yml": b"collections: [unclosed\n"}, repo.head(), PANEL_AUTHOR, "bad")
    good = repo.write({"collections/bad.yml": None}, bad.sha, PANEL_AUTHOR, "fix").sha
    body = envelope(client.post(f"/api/history/{bad.sha}/restore", json={"path": "collections/bad.yml"}), 422)
    assert body["error"]["code"] == "validation_failed" and body["error"]["details"]["problems"]
    assert repo.head() == good


def test_restore_bad_requests(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    assert (
        envelope(client.post(f"/api/history/{head}/restore", json={"path": 5}), 400)["error"]["code"]
        == "bad_request"
    )
    resp = client.post(f"/api/history/{head}/restore", data="{", content_type="application/json")
    assert envelope(resp, 400)["error"]["code"] == "bad_request"
    resp = client.post(f"/api/history/{head}/restore", data="x", content_type="text/plain")
    assert envelope(resp, 415)["error"]["code"] == "unsupported_media_type"
    assert envelope(client.post(f"/api/history/{head}/restore", json={"path": "nope.yml"}), 404)
    assert data(client.post(f"/api/history/{head}/restore"))["unchanged"] is True
    assert repo.head() == head
