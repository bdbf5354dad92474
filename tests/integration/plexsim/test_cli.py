"""`python -m plexsim serve|export` as a real subprocess: serving, stopping on SIGTERM, keeping state across
restarts with `--state`, serving an exported `--dataset` file, `--scale`, and clear start-up errors.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from plexapi.server import PlexServer

from plexsim.dataset import MOVIES_SECTION_ID
from plexsim.model import Library
from tests.support.ports import free_port, wait_for_port

REPO = Path(__file__).resolve().parents[3]
TOKEN = "cli-token"
START_TIMEOUT = 60.0


class Simulator:
    """A `python -m plexsim serve` subprocess on a free port."""

    def __init__(self, *args: str, token: str | None = TOKEN) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "plexsim", "serve", "--port", str(self.port), *args]
        if token is not None:
            command += ["--token", token]
        self.process = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def wait_ready(self) -> Simulator:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out, err = self.process.communicate()
                raise AssertionError(f"plexsim exited with {self.process.returncode}: {out}{err}")
            try:
                wait_for_port("127.0.0.1", self.port, timeout=0.5)
                return self
            except TimeoutError:
                continue
        raise AssertionError(f"plexsim did not listen on port {self.port} within {START_TIMEOUT}s")

    def plex(self) -> PlexServer:
        return PlexServer(self.url, TOKEN)

    def terminate(self, timeout: float = 10.0) -> tuple[int, str, str]:
        """SIGTERM, then the exit status and output; fails if it takes longer than `timeout` seconds."""
        self.process.send_signal(signal.SIGTERM)
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise AssertionError(f"plexsim did not exit within {timeout}s of SIGTERM") from None
        return self.process.returncode, out, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


@pytest.fixture
def simulators() -> Iterator[list[Simulator]]:
    """Started simulators are killed at the end of the test if it did not stop them itself."""
    started: list[Simulator] = []
    yield started
    for sim in started:
        sim.kill()


def start(simulators: list[Simulator], *args: str, token: str | None = TOKEN) -> Simulator:
    sim = Simulator(*args, token=token)
    simulators.append(sim)
    return sim.wait_ready()


def run_cli(*args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plexsim", *args], cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def failed_start(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `serve` expecting it to refuse to start (it must exit on its own, not serve)."""
    return run_cli("serve", "--port", str(free_port()), *args, timeout=60)


# --------------------------------------------------------------------------- serving


def test_serve_answers_plexapi_with_the_token(simulators: list[Simulator], dataset: Library) -> None:
    sim = start(simulators)
    plex = sim.plex()
    assert plex.machineIdentifier == dataset.machine_identifier
    assert plex.library.sectionByID(MOVIES_SECTION_ID).totalSize == len(
        dataset.of_type(MOVIES_SECTION_ID, "movie")
    )
    assert requests.get(sim.url + "/identity", timeout=10).status_code == 401
    status, out, _ = sim.terminate()
    assert status == 0
    assert f"on http://127.0.0.1:{sim.port}" in out


def test_sigterm_exits_zero_promptly(simulators: list[Simulator]) -> None:
    sim = start(simulators, "--scale", "20")
    with requests.Session() as session:  # an idle keep-alive connection must not hold up the exit
        session.get(sim.url + "/identity", headers={"X-Plex-Token": TOKEN}, timeout=10)
        began = time.monotonic()
        status, _, _ = sim.terminate(timeout=10)
    assert status == 0
    assert time.monotonic() - began < 5


def test_without_a_token_option_any_request_is_accepted(simulators: list[Simulator]) -> None:
    sim = start(simulators, "--scale", "5", token=None)
    assert requests.get(sim.url + "/identity", timeout=10).status_code == 200
    assert PlexServer(sim.url).library.sectionByID(MOVIES_SECTION_ID).totalSize == 5
    assert sim.terminate()[0] == 0


# --------------------------------------------------------------------------- state across restarts


def add_label(sim: Simulator, rating_key: int, label: str) -> None:
    movie = sim.plex().fetchItem(rating_key)
    movie.addLabel(label)
    assert label in [t.tag for t in sim.plex().fetchItem(rating_key).labels]


def labels_after_restart(simulators: list[Simulator], state: Path, rating_key: int) -> list[str]:
    sim = start(simulators, "--state", str(state))
    try:
        return [t.tag for t in sim.plex().fetchItem(rating_key).labels]
    finally:
        assert sim.terminate()[0] == 0


def test_an_edit_saved_explicitly_survives_a_restart(
    simulators: list[Simulator], tmp_path: Path, dataset: Library
) -> None:
    state = tmp_path / "state.json"
    movie = dataset.of_type(MOVIES_SECTION_ID, "movie")[4]
    sim = start(simulators, "--state", str(state))
    assert state.is_file()  # written at start, before any edit
    add_label(sim, movie.rating_key, "Kept Label")
    response = requests.post(sim.url + "/__plexsim/save", timeout=30)
    assert response.status_code == 200
    assert response.json()["saved"] == str(state)
    assert sim.terminate()[0] == 0
    labels = labels_after_restart(simulators, state, movie.rating_key)
    assert labels == [*movie.tags.get("label", []), "Kept Label"]


def test_an_edit_is_saved_at_shutdown_without_asking(
    simulators: list[Simulator], tmp_path: Path, dataset: Library
) -> None:
    state = tmp_path / "state.json"
    movie = dataset.of_type(MOVIES_SECTION_ID, "movie")[6]
    sim = start(simulators, "--state", str(state))
    add_label(sim, movie.rating_key, "Saved On Exit")
    assert sim.terminate()[0] == 0  # straight after the edit: the SIGTERM path must save it
    assert "Saved On Exit" in labels_after_restart(simulators, state, movie.rating_key)


def test_an_edit_is_saved_shortly_after_it_happens(
    simulators: list[Simulator], tmp_path: Path, dataset: Library
) -> None:
    state = tmp_path / "state.json"
    movie = dataset.of_type(MOVIES_SECTION_ID, "movie")[8]
    sim = start(simulators, "--state", str(state))
    before = state.stat().st_mtime_ns
    add_label(sim, movie.rating_key, "Saved Soon")
    deadline = time.monotonic() + 15
    while state.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Saved Soon" in state.read_text(encoding="utf-8")
    sim.kill()  # even a hard kill keeps what was already saved
    assert "Saved Soon" in labels_after_restart(simulators, state, movie.rating_key)


def test_reset_goes_back_to_the_dataset_not_the_state(
    simulators: list[Simulator], tmp_path: Path, dataset: Library
) -> None:
    state = tmp_path / "state.json"
    movie = dataset.of_type(MOVIES_SECTION_ID, "movie")[4]
    sim = start(simulators, "--state", str(state))
    add_label(sim, movie.rating_key, "Dropped")
    assert requests.post(sim.url + "/__plexsim/reset", timeout=60).status_code == 200
    assert sim.terminate()[0] == 0
    assert "Dropped" not in labels_after_restart(simulators, state, movie.rating_key)


# --------------------------------------------------------------------------- datasets and scale


def test_an_exported_dataset_file_can_be_served(simulators: list[Simulator], tmp_path: Path) -> None:
    exported = tmp_path / "library.json"
    result = run_cli("export", str(exported), "--scale", "50")
    assert result.returncode == 0, result.stderr
    assert exported.is_file()
    sim = start(simulators, "--dataset", str(exported))
    movies = sim.plex().library.sectionByID(MOVIES_SECTION_ID)
    assert movies.totalSize == 50
    assert len(movies.all()) == 50
    assert sim.terminate()[0] == 0


def test_scale_sets_the_number_of_movies(simulators: list[Simulator]) -> None:
    sim = start(simulators, "--scale", "500")
    movies = sim.plex().library.sectionByID(MOVIES_SECTION_ID)
    assert movies.totalSize == 500
    assert len({m.ratingKey for m in movies.all()}) == 500
    status, out, _ = sim.terminate()
    assert status == 0
    assert "serving 500 movies" in out


# --------------------------------------------------------------------------- start-up errors


def test_a_missing_dataset_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dataset.json"
    result = failed_start("--dataset", str(missing))
    assert result.returncode != 0
    assert str(missing) in result.stderr
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_dataset_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "something else"}', encoding="utf-8")
    result = failed_start("--dataset", str(broken))
    assert result.returncode != 0
    assert str(broken) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_corrupt_state_file_is_a_clear_error_naming_it(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{not json", encoding="utf-8")
    result = failed_start("--state", str(state))
    assert result.returncode != 0
    assert str(state) in result.stderr
    assert "Traceback" not in result.stderr
    assert state.read_text(encoding="utf-8") == "{not json"  # left alone for the user to look at


def test_a_state_file_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    state = tmp_path / "missing" / "state.json"
    result = failed_start("--state", str(state))
    assert result.returncode != 0
    assert str(state) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--scale", "5", timeout=60)
    assert result.returncode != 0
    assert f"127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_negative_scale_is_a_clear_error() -> None:
    result = failed_start("--scale", "-3")
    assert result.returncode != 0
    assert "--scale" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_to_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "library.json"
    result = run_cli("export", str(target), "--scale", "5")
    assert result.returncode != 0
    assert str(target) in result.stderr
    assert "Traceback" not in result.stderr


def test_the_token_can_come_from_a_file_and_may_start_with_a_dash(
    simulators: list[Simulator], tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("-starts-with-a-dash\n", encoding="utf-8")
    sim = Simulator("--token-file", str(token_file), token=None)
    simulators.append(sim)
    sim.wait_ready()
    assert requests.get(sim.url + "/library/sections", timeout=10).status_code == 401
    answer = requests.get(
        sim.url + "/library/sections", headers={"X-Plex-Token": "-starts-with-a-dash"}, timeout=10
    )
    assert answer.status_code == 200
    assert b"-starts-with-a-dash" not in Path(f"/proc/{sim.process.pid}/cmdline").read_bytes()


def test_a_missing_or_empty_token_file_is_a_clear_error(tmp_path: Path) -> None:
    result = failed_start("--token-file", str(tmp_path / "none"))
    assert result.returncode != 0 and f"--token-file {tmp_path / 'none'}" in result.stderr
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    result = failed_start("--token-file", str(tmp_path / "empty"))
    assert "the first line holds no token" in result.stderr and "Traceback" not in result.stderr
