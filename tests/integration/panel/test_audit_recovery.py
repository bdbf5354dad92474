"""A commit that landed on main without its audit entry (its worker died in between) gets one, marked
recovered, when the app starts, exactly once, also when several processes start at the same moment."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from panel import create_app
from panel.audit_recovery import GRACE_SECONDS, recover_for
from panel.db import User, get_session
from panel.repo import Author, ConfigRepo
from panel.settings import Settings
from tests.integration.panel.conftest import make_user, sign_in, token_for

PROJECT_DIR = Path(__file__).resolve().parents[3]
EDITOR = Author("editor", "editor@kometa-panel.local")


def orphan_commit(repo: ConfigRepo, name: str) -> str:
    """A commit made by the repository service exactly as a write does, without the audit insert after it
    (what a worker killed between the two leaves behind)."""
    return repo.write(
        {f"collections/{name}.yml": b"collections: {}\n"}, repo.head(), EDITOR, f"add {name}"
    ).sha


def commit_entries(app: Flask) -> list[dict[str, Any]]:
    """The commit entries of the audit log, newest first, as an admin reads them."""
    with app.app_context():
        if get_session().scalar(select(User).where(User.username == "auditor")) is None:
            make_user(app, "auditor", "admin")
    headers = {"Authorization": f"Bearer {token_for(app, 'auditor')}"}
    body = app.test_client().get("/api/audit?action=commit&limit=100", headers=headers).get_json()
    return list(body["data"]["items"])


def backdate(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Commits made from now on carry a committer time ``seconds`` ago."""
    monkeypatch.setenv("GIT_COMMITTER_DATE", f"{int(time.time() - seconds)} +0000")


def backdated_panel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, Flask]:
    """A new panel whose commits from now on are ten minutes old: past the grace period."""
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings)
    backdate(monkeypatch, 10 * 60)
    return settings, app


def test_a_commit_without_its_entry_gets_one_marked_recovered_at_start_and_only_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, app = backdated_panel(tmp_path, monkeypatch)
    client = sign_in(app, app.test_client(), "writer", "editor")
    base = client.get("/api/files/config.yml").get_json()["data"]["commit"]
    put = client.put(
        "/api/files/collections/audited.yml", json={"content": "collections: {}\n", "base": base}
    )
    assert put.status_code == 200, put.get_data(as_text=True)
    audited = put.get_json()["data"]["sha"]
    lost = orphan_commit(app.extensions["kometa_repo"], "lost")
    monkeypatch.delenv("GIT_COMMITTER_DATE")

    for _start in range(3):
        app = create_app(settings)
    entries = commit_entries(app)
    assert [(e["details"]["sha"], e["source"], e["details"].get("recovered")) for e in entries] == [
        (lost, "recovery", True),
        (audited, "session", None),
    ]
    [recovered] = entries[:1]
    assert recovered["user"] == "editor" and recovered["target"] == "collections/lost.yml"
    assert recovered["details"]["message"] == "add lost" and recovered["details"]["paths"] == [
        "collections/lost.yml"
    ]


def test_a_commit_a_live_worker_may_still_audit_is_left_alone_until_the_grace_period_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings)
    young = orphan_commit(app.extensions["kometa_repo"], "young")
    app = create_app(settings)
    assert commit_entries(app) == []
    later = time.time() + GRACE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert recover_for(app) == [young]
    assert recover_for(app) == []
    assert [e["details"]["sha"] for e in commit_entries(app)] == [young]


def test_a_commit_not_made_by_the_panel_is_not_its_to_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit pushed from elsewhere has its own committer: it is not a lost panel write."""
    settings, app = backdated_panel(tmp_path, monkeypatch)
    monkeypatch.setenv("GIT_COMMITTER_NAME", "someone")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "someone@example.org")
    repo: ConfigRepo = app.extensions["kometa_repo"]
    tree = repo.repo.git.rev_parse("main^{tree}")
    pushed = repo.repo.git.commit_tree(tree, "-p", repo.head(), "-m", "pushed")
    repo.repo.git.update_ref("refs/heads/main", pushed)
    assert repo.commit(pushed).message == "pushed"
    assert commit_entries(create_app(settings)) == []


def test_processes_starting_together_recover_each_commit_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, app = backdated_panel(tmp_path, monkeypatch)
    lost = [orphan_commit(app.extensions["kometa_repo"], f"lost_{i}") for i in range(3)]
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    env = {**os.environ, "KOMETA_PANEL_DATA_DIR": str(settings.data_dir)}
    start = "from panel import create_app; create_app()"
    procs = [subprocess.Popen([sys.executable, "-c", start], cwd=PROJECT_DIR, env=env) for _ in range(4)]
    assert [proc.wait(timeout=120) for proc in procs] == [0] * 4
    assert sorted(e["details"]["sha"] for e in commit_entries(app)) == sorted(lost)
