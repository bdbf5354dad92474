"""`flask --app panel create-admin NAME` as a user runs it, typing into its real standard input: Enter
alone generates a password (asked once), a typed one is asked twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from panel import create_app
from panel.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parents[3]


def create_admin(data_dir: Path, name: str, typed: str) -> subprocess.CompletedProcess[str]:
    """Run the command with ``typed`` on stdin, in a new session (no terminal: the prompt reads stdin)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMETA_PANEL_")}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "panel", "create-admin", name],
        cwd=PROJECT_DIR,
        env={**env, "KOMETA_PANEL_DATA_DIR": str(data_dir)},
        input=typed,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )


def login_status(data_dir: Path, name: str, password: str) -> int:
    client = create_app(Settings(data_dir=data_dir)).test_client()
    return client.post("/api/auth/login", json={"username": name, "password": password}).status_code


def test_enter_alone_generates_a_password_without_asking_again(tmp_path: Path) -> None:
    done = create_admin(tmp_path, "root", "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    [password] = [line.split(": ", 1)[1] for line in done.stdout.splitlines() if line.startswith("password")]
    assert "Repeat" not in done.stdout + done.stderr
    assert login_status(tmp_path, "root", password) == 200


def test_a_typed_password_is_asked_twice_and_must_match(tmp_path: Path) -> None:
    done = create_admin(tmp_path, "root", "correct horse battery\nsomething else\n")
    assert done.returncode != 0 and "the two passwords differ" in done.stdout + done.stderr
    assert login_status(tmp_path, "root", "correct horse battery") == 401

    done = create_admin(tmp_path, "root", "correct horse battery\ncorrect horse battery\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "password (shown once)" not in done.stdout
    assert login_status(tmp_path, "root", "correct horse battery") == 200
