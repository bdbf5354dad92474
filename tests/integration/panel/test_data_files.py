"""Files the panel keeps in its data directory are readable by its own user only: the SQLite database
(password hashes, audit log) and SQLite's side files, like the key files."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from panel import create_app
from panel.settings import Settings

SIDE_FILES = ("-wal", "-shm", "-journal")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_is_created_0600_and_its_journal_files_follow(tmp_path: Path) -> None:
    data = tmp_path / "data"
    create_app(Settings(data_dir=data))
    db = data / "panel.db"
    assert mode(db) == 0o600
    with sqlite3.connect(db) as conn:  # SQLite gives its -wal and -shm files the database's mode
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "INSERT INTO audit_log (time, action, source, details) VALUES ('2026-01-01', 'x', 'cli', '{}')"
        )
        assert mode(Path(f"{db}-wal")) == 0o600 and mode(Path(f"{db}-shm")) == 0o600
        conn.execute("PRAGMA journal_mode=DELETE")


def test_an_existing_database_readable_by_others_is_tightened_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    create_app(Settings(data_dir=data))
    db = data / "panel.db"
    loose = [db, *(Path(f"{db}{suffix}") for suffix in SIDE_FILES)]
    for path in loose[1:]:
        path.write_bytes(b"")
    for path in loose:
        path.chmod(0o644)
    create_app(Settings(data_dir=data))
    assert {path.name: mode(path) for path in loose} == {path.name: 0o600 for path in loose}
