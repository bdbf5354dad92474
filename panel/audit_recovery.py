"""Audit entries for commits whose worker died between moving ``main`` and writing the audit entry.

A commit made through the panel has the panel as its committer (:data:`panel.repo_model.PANEL_COMMITTER`)
and gets its audit entry right after ``main`` moves. A worker killed in between leaves a commit without
one. :func:`recover` walks ``main`` back to the last commit it settled (kept in ``<data_dir>/audit-recovered``)
and adds an entry with ``source: recovery`` and ``details.recovered: true`` for each such commit. It runs
when the app starts and every :data:`EVERY` seconds in each gunicorn worker.

A commit younger than :data:`GRACE_SECONDS` (gunicorn's request timeout, after which a worker that has not
finished is killed) may still get its entry from a live worker, so it is left for a later pass. Processes
starting at once take ``<data_dir>/audit-recovery.lock`` in turn, and an entry is added only where none
names the commit: each commit is recovered once.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from panel.db import AuditLog, audit
from panel.migrations import file_lock
from panel.repo import MAIN, ConfigRepo, RevisionError
from panel.repo_model import PANEL_COMMITTER

GRACE_SECONDS = 120.0
EVERY = 60.0
MARK_FILE = "audit-recovered"
LOCK_FILE = "audit-recovery.lock"
COMMIT_ACTIONS = ("commit", "revert", "restore")
AUDIT_DELAY = timedelta(hours=1)  # an entry is written after its commit; how far before it to look
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Landed:
    """One commit of ``main`` as the walk sees it."""

    sha: str
    committed: int  # committer time, Unix seconds
    by_panel: bool


def recover(
    repo: ConfigRepo, sessions: sessionmaker[Session], data_dir: Path, now: float | None = None
) -> list[str]:
    """Add the missing audit entries of panel commits older than the grace period; their shas."""
    cutoff = (time.time() if now is None else now) - GRACE_SECONDS
    with file_lock(data_dir / LOCK_FILE):
        mark = _read_mark(repo, data_dir / MARK_FILE)
        walk = _walk(repo, mark)
        settled = next((i for i, commit in enumerate(walk) if commit.committed <= cutoff), None)
        if settled is None:
            return []
        candidates = [commit for commit in walk[settled:] if commit.by_panel]
        recovered = _add_missing(repo, sessions, candidates) if candidates else []
        _write_mark(data_dir / MARK_FILE, walk[settled].sha)
    for sha in recovered:
        log.warning("commit %s on main had no audit entry (its worker died); added one marked recovered", sha)
    return recovered


def _read_mark(repo: ConfigRepo, path: Path) -> str | None:
    """The commit the previous pass settled, if it is still a commit of this repository."""
    try:
        sha = path.read_text().strip()
        return repo.resolve(sha) if sha else None
    except (OSError, RevisionError):
        return None


def _walk(repo: ConfigRepo, mark: str | None) -> list[Landed]:
    """The commits of ``main`` not reachable from ``mark``, newest first; root commits (the seed) left out."""
    span = [MAIN, f"^{mark}"] if mark else [MAIN]
    out = repo.repo.git.log("--topo-order", "--min-parents=1", "--format=%H %ct %ce", *span)
    walk = []
    for line in out.splitlines():
        sha, committed, email = line.split(" ", 2)
        walk.append(Landed(sha, int(committed), email == PANEL_COMMITTER.email))
    return walk


def _add_missing(repo: ConfigRepo, sessions: sessionmaker[Session], candidates: list[Landed]) -> list[str]:
    """Add an entry for each candidate no commit entry names; the shas added."""
    since = datetime.fromtimestamp(min(c.committed for c in candidates), UTC) - AUDIT_DELAY
    with sessions() as session:
        audited = _audited_shas(session, since)
        missing = [c.sha for c in reversed(candidates) if c.sha not in audited]
        for sha in missing:
            commit = repo.commit(sha)
            user = None if commit.author_email == PANEL_COMMITTER.email else commit.author_name
            target = ", ".join(commit.files)[:255]
            details: dict[str, object] = {"sha": sha, "message": commit.message, "paths": commit.files}
            details |= {"committed_at": commit.time, "recovered": True}
            audit(session, "commit", user=user, target=target, source="recovery", **details)
        session.commit()
    return missing


def _audited_shas(session: Session, since: datetime) -> set[str]:
    """The shas named by commit entries written since ``since``."""
    query = select(AuditLog.details).where(AuditLog.action.in_(COMMIT_ACTIONS), AuditLog.time >= since)
    rows: Iterable[dict[str, object] | None] = session.scalars(query)
    return {str(details["sha"]) for details in rows if details and "sha" in details}


def _write_mark(path: Path, sha: str) -> None:
    """Keep ``sha`` as the settled commit (written whole, then renamed into place)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(fd, "w") as handle:
        handle.write(sha + "\n")
    os.replace(tmp, path)


def recover_for(app: Flask) -> list[str]:
    """:func:`recover` with the app's repository, database and data directory; never raises (it logs)."""
    try:
        return recover(
            app.extensions["kometa_repo"],
            app.extensions["kometa_db"],
            app.extensions["kometa_settings"].data_dir,
        )
    except Exception:  # a pass that fails is retried by the next one; the app must still start
        log.exception("recovering missing audit entries failed")
        return []


def start_periodic(app: Flask, every: float = EVERY) -> threading.Thread:
    """Run :func:`recover_for` every ``every`` seconds in a daemon thread (one per worker process)."""

    def loop() -> None:
        while True:
            time.sleep(every)
            recover_for(app)

    thread = threading.Thread(target=loop, name="audit-recovery", daemon=True)
    thread.start()
    return thread
