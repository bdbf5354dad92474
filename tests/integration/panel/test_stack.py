"""`python -m panel.stack` as a real subprocess: it starts redis-server, plexsim and the panel, prints the
first admin's password once, answers `/api/system/status`, and stops every child (checked by PID in /proc)
on Ctrl-C or when one of them dies.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from plexsim.dataset import generate
from plexsim.server import SimulatorConfig, start_background
from tests.support.panel_stack import ADMIN_LINE, Launcher

PROJECT_DIR = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Callable[..., Launcher]]:
    started: list[Launcher] = []

    def make(**env: str) -> Launcher:
        launcher = Launcher(tmp_path, **env)
        started.append(launcher)
        return launcher

    yield make
    for launcher in started:
        launcher.stop()


def auth_headers(launcher: Launcher, panel_url: str) -> dict[str, str]:
    """Sign in as the first admin with the password the launcher printed."""
    printed = ADMIN_LINE.search(launcher.output())
    assert printed, launcher.output()
    login = {"username": "admin", "password": printed[1]}
    resp = requests.post(panel_url + "/api/auth/login", json=login, timeout=10)
    assert resp.status_code == 200, resp.text
    return {"Authorization": "Bearer " + resp.json()["data"]["access_token"]}


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def wait_gone(pids: list[int], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if alive(pid)]


def test_make_run_stack_starts_everything_and_ctrl_c_stops_it(
    tmp_path: Path, launch: Callable[..., Launcher]
) -> None:
    launcher = launch()
    services = launcher.wait_ready()
    assert set(services) == {"redis", "plexsim", "panel"}
    assert services["panel"][0] == f"http://127.0.0.1:{launcher.panel_port}"
    assert requests.get(services["panel"][0] + "/api/system/status", timeout=10).status_code == 401
    headers = auth_headers(launcher, services["panel"][0])
    resp = requests.get(services["panel"][0] + "/api/system/status", headers=headers, timeout=10)
    data = resp.json()["data"]
    assert data["plex"]["reachable"] is True and data["plex"]["url"] == services["plexsim"][0]
    assert data["redis"]["reachable"] is True and data["redis"]["url"] == services["redis"][0]
    token = (tmp_path / "data" / "plexsim-token").read_text().strip()
    assert token and token not in launcher.output() and token not in resp.text
    assert (tmp_path / "data" / "config.git" / "HEAD").is_file()

    launcher.proc.send_signal(signal.SIGINT)
    assert launcher.proc.wait(timeout=15) == 0, launcher.output()
    wait_gone([pid for _, pid in services.values()])
    assert "everything stopped" in launcher.output()

    again = launch()
    panel_url = again.wait_ready()["panel"][0]
    assert "admin:" not in again.output(), "the first admin's password is printed only once"
    login = {"username": "admin", "password": ADMIN_LINE.findall(launcher.output())[0]}
    assert requests.post(panel_url + "/api/auth/login", json=login, timeout=10).status_code == 200


def test_configured_plex_is_used_and_a_dead_child_stops_the_rest(
    tmp_path: Path, launch: Callable[..., Launcher]
) -> None:
    server = start_background(generate(scale=5, shows=1), port=0, config=SimulatorConfig(token="real-tok"))
    try:
        plex_url = server.url.rstrip("/")
        launcher = launch(KOMETA_PANEL_PLEX_URL=plex_url, KOMETA_PANEL_PLEX_TOKEN="real-tok")
        services = launcher.wait_ready()
        assert set(services) == {"redis", "panel"}, launcher.output()
        assert f"plex:    {plex_url}  (from KOMETA_PANEL_PLEX_URL)" in launcher.output()
        headers = auth_headers(launcher, services["panel"][0])
        url = services["panel"][0] + "/api/system/status"
        data = requests.get(url, headers=headers, timeout=10).json()["data"]
        assert data["plex"]["reachable"] is True and data["plex"]["url"] == plex_url

        os.kill(services["redis"][1], signal.SIGKILL)
        assert launcher.proc.wait(timeout=15) == 1, launcher.output()
        wait_gone([services["panel"][1]])
        output = launcher.output()
        assert "redis exited with status -9; stopping the rest" in output
        assert "real-tok" not in output
    finally:
        server.shutdown()
        server.server_close()


def children(pid: int) -> set[int]:
    """The direct children of a running process (a gunicorn master's workers)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found |= {int(child) for child in task.read_text().split()}
    return found


def test_the_panel_runs_under_gunicorn_and_every_worker_sees_every_commit(
    tmp_path: Path, launch: Callable[..., Launcher]
) -> None:
    """Three worker processes start together on a new data directory: they share one repository (made
    once), one signing key, and each sees a commit made through another one at once."""
    launcher = launch(KOMETA_PANEL_WORKERS="3", KOMETA_PANEL_THREADS="2")
    services = launcher.wait_ready()
    panel_url, master = services["panel"]
    assert "gunicorn, 3 workers x 2 threads" in launcher.output()
    deadline = time.monotonic() + 30
    while len(workers := children(master)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers) == 3
    repo = tmp_path / "data" / "config.git"
    count = ["git", "--git-dir", str(repo), "rev-list", "--count", "main"]
    assert subprocess.run(count, capture_output=True, text=True, check=True).stdout.strip() == "1"

    headers = auth_headers(launcher, panel_url)
    url = panel_url + "/api/files/collections/movies.yml"
    before = requests.get(url, headers=headers, timeout=10).json()["data"]
    edit = {"content": before["content"] + "# edited through one worker\n", "base": before["commit"]}
    put = requests.put(url, headers=headers, json=edit, timeout=30)
    assert put.status_code == 200, put.text
    sha = put.json()["data"]["sha"]
    for _ in range(12):  # a new connection each time, so the reads spread over the workers
        data = requests.get(url, headers=headers, timeout=10).json()["data"]
        assert (data["commit"], data["content"]) == (sha, edit["content"])

    # Twenty writers of that file from the same base, over HTTP, spread over the three processes.
    start = threading.Barrier(20)

    def write(i: int) -> requests.Response:
        body = {"content": edit["content"] + f"# writer {i}\n", "base": sha, "message": f"writer {i}"}
        start.wait()
        return requests.put(url, headers=headers, json=body, timeout=60)

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(write, range(20)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * 19, [a.text for a in answers if a.status_code not in (200, 409)]
    [landed] = [answer.json()["data"] for answer in answers if answer.status_code == 200]
    history = requests.get(panel_url + "/api/history?limit=3", headers=headers, timeout=10).json()["data"]
    assert [c["sha"] for c in history["items"][:2]] == [landed["sha"], sha]
    current = requests.get(url, headers=headers, timeout=10).json()["data"]["content"]
    for i, answer in enumerate(answers):
        if answer.status_code == 409:  # nothing lost: the refused writer gets both texts back to merge
            details = answer.json()["error"]["details"]
            assert (details["theirs"], details["yours"]) == (current, edit["content"] + f"# writer {i}\n")

    launcher.proc.send_signal(signal.SIGTERM)
    assert launcher.proc.wait(timeout=30) == 0, launcher.output()
    wait_gone([pid for _, pid in services.values()] + sorted(workers))


def test_a_bad_worker_count_stops_before_anything_starts(launch: Callable[..., Launcher]) -> None:
    launcher = launch(KOMETA_PANEL_WORKERS="many")
    assert launcher.proc.wait(timeout=30) == 1
    output = launcher.output()
    assert "KOMETA_PANEL_WORKERS must be a whole number from 1 to 256, got 'many'" in output
    assert "redis:" not in output and "panel:" not in output


COLD_FILES = {
    "collections/cold_{i}.yml": "collections:\n  Cold {i}:\n    plex_search:\n      all:\n        year.gte: 2000\n",
    "overlays/cold_{i}.yml": "overlays:\n  Cold {i}:\n    plex_search:\n      all:\n        year.gte: 2000\n",
    "playlists/cold_{i}.yml": "playlists:\n  Cold {i}:\n    libraries: Movies\n    plex_search:\n      all:\n        year.gte: 2000\n",
    "metadata/cold_{i}.yml": "metadata:\n  Cold {i}:\n    summary: written on a cold panel\n",
}


def test_the_first_concurrent_writes_after_start_all_land(launch: Callable[..., Launcher]) -> None:
    """A panel process that has validated nothing yet gets twenty writes of every file kind at once: each
    compiles the schemas it needs on first use, in parallel threads, and every write lands (no 500)."""
    launcher = launch(KOMETA_PANEL_WORKERS="1", KOMETA_PANEL_THREADS="20")
    panel_url = launcher.wait_ready()["panel"][0]
    headers = auth_headers(launcher, panel_url)
    base = requests.get(panel_url + "/api/files/config.yml", headers=headers, timeout=10).json()["data"][
        "commit"
    ]
    start = threading.Barrier(20)
    templates = list(COLD_FILES.items())

    def write(i: int) -> requests.Response:
        path, content = templates[i % len(templates)]
        body = {"content": content.format(i=i), "base": base, "message": f"cold writer {i}"}
        start.wait()
        return requests.put(
            f"{panel_url}/api/files/{path.format(i=i)}", headers=headers, json=body, timeout=60
        )

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(write, range(20)))
    assert [a.status_code for a in answers] == [200] * 20, [a.text for a in answers if a.status_code != 200]


def test_a_kept_plexsim_token_starting_with_a_dash_starts_and_never_shows_in_ps(
    tmp_path: Path, launch: Callable[..., Launcher]
) -> None:
    """``token_urlsafe`` starts a token with ``-`` now and then, and the token is kept: such a data
    directory must start, and no process's command line (what ``ps`` shows) holds the token."""
    token = "-" + "x" * 31
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "plexsim-token").write_text(token + "\n")
    launcher = launch(KOMETA_PANEL_WORKERS="1")
    services = launcher.wait_ready()
    plexsim_url, plexsim_pid = services["plexsim"]
    assert requests.get(plexsim_url + "/library/sections", timeout=10).status_code == 401
    headers = {"X-Plex-Token": token, "Accept": "application/json"}
    assert requests.get(plexsim_url + "/library/sections", headers=headers, timeout=10).status_code == 200
    panel_url = services["panel"][0]
    status = requests.get(
        panel_url + "/api/system/status", headers=auth_headers(launcher, panel_url), timeout=10
    )
    assert status.json()["data"]["plex"]["reachable"] is True
    pids = (
        [pid for _, pid in services.values()] + sorted(children(services["panel"][1])) + [launcher.proc.pid]
    )
    for pid in pids:
        assert token.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes(), pid
    assert plexsim_pid in pids
