"""`python kometa.py` as a user runs it: a subprocess against plexsim, with flags or KOMETA_* environment
variables, its exit code, its console output, logs/meta.log beside config.yml and the JSON report.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from modules.cli import FLAGS
from tests.support.engine_run import (
    TOKEN,
    Workspace,
    config_text,
    demo_movies,
    keys,
    plex_stats,
    plexsim_server,
    reset_stats,
    run_kometa,
)
from tests.support.ports import free_port, wait_for_port

WESTERNS = [m for m in demo_movies() if "Western" in m.tags.get("genre", [])]
WESTERNS_YML = """
    collections:
      Westerns:
        plex_search: {all: {genre: Western}}
"""
FAILING_YML = (
    WESTERNS_YML
    + """\
      Popular:
        tmdb_popular: 20
"""
)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with plexsim_server() as server:
        workspace = Workspace(tmp_path / "config", server)
        workspace.directory.mkdir()
        workspace.write_config()
        workspace.collections_file(WESTERNS_YML)
        yield workspace


def secrets_env(ws: Workspace) -> dict[str, str]:
    """The environment that fills <<plex_url>> and <<plextoken>> in config.yml."""
    return {"KOMETA_PLEX_URL": ws.url, "KOMETA_PLEXTOKEN": TOKEN}


def test_a_successful_run_exits_0_writes_the_report_and_logs_meta_log_beside_the_config(
    ws: Workspace, tmp_path: Path
) -> None:
    report_path = tmp_path / "out" / "report.json"
    done = run_kometa(
        ["--run", "--config", str(ws.config_path), "--report", str(report_path)], env=secrets_env(ws)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    (movies,) = report["libraries"]
    (westerns,) = movies["collections"]
    assert (westerns["name"], westerns["status"]) == ("Westerns", "created")
    assert sorted(i["rating_key"] for i in westerns["added"]) == sorted(keys(WESTERNS))
    assert report["summary"]["created"] == 1 and report["summary"]["error"] == 0
    assert report["summary"]["other_errors"] == 0
    log = (ws.directory / "logs" / "meta.log").read_text(encoding="utf-8")
    assert "Movies Library" in log and "created 1" in log
    assert sorted(ws.members("Westerns")) == sorted(keys(WESTERNS))


def test_a_collection_error_exits_1_and_the_others_are_still_built(ws: Workspace, tmp_path: Path) -> None:
    ws.collections_file(FAILING_YML)
    report_path = tmp_path / "report.json"
    done = run_kometa(
        ["--run", "--config", str(ws.config_path), "--report", str(report_path)], env=secrets_env(ws)
    )
    assert done.returncode == 1
    assert "movies.yml:4:3: builder tmdb_popular is not supported by this engine" in done.stdout
    statuses = {
        c["name"]: c["status"] for c in json.loads(report_path.read_text())["libraries"][0]["collections"]
    }
    assert statuses == {"Westerns": "created", "Popular": "error"}
    assert ws.has_collection("Westerns")


def test_a_collection_file_that_does_not_parse_counts_in_the_summary_and_exits_1(
    ws: Workspace, tmp_path: Path
) -> None:
    ws.collections_file("collections:\n  Tab:\t# tab comment\n    plex_all:\ttrue\n")
    report_path = tmp_path / "report.json"
    done = run_kometa(
        ["--run", "--config", str(ws.config_path), "--report", str(report_path)], env=secrets_env(ws)
    )
    assert done.returncode == 1
    assert "movies.yml:2:7: YAML syntax error" in done.stdout and "errors 1;" in done.stdout
    report = json.loads(report_path.read_text())
    assert report["summary"]["other_errors"] == 1 and report["summary"]["error"] == 0


def test_an_invalid_config_exits_1_with_file_line_and_column(ws: Workspace) -> None:
    ws.write_config(settings="minimum_items: 1\nsync_mode: mirror")
    done = run_kometa(["--run", "--config", str(ws.config_path)], env=secrets_env(ws))
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert f"{ws.config_path}:6:3: settings.sync_mode: must be append or sync, got 'mirror'" in output
    assert plex_stats(ws.url)["total"] == 0, "nothing is sent to Plex"


def test_a_missing_config_file_exits_1_naming_it(tmp_path: Path) -> None:
    done = run_kometa(["--run", "--config", str(tmp_path / "nope.yml")])
    assert done.returncode == 1
    assert "nope.yml does not exist" in done.stderr


def test_kometa_environment_variables_replace_the_flags_and_fill_placeholders(ws: Workspace) -> None:
    """KOMETA_RUN, KOMETA_CONFIG and KOMETA_DRY_RUN instead of flags; KOMETA_PLEXTOKEN fills <<plextoken>>."""
    env = {**secrets_env(ws), "KOMETA_RUN": "true", "KOMETA_CONFIG": str(ws.config_path)}
    reset_stats(ws.url)
    dry = run_kometa([], env={**env, "KOMETA_DRY_RUN": "true"})
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "Dry run" in dry.stdout
    stats = plex_stats(ws.url)
    assert stats["writes"] == 0 and stats["reads"] > 0
    assert not ws.has_collection("Westerns")

    real = run_kometa([], env=env)
    assert real.returncode == 0, real.stdout + real.stderr
    assert sorted(ws.members("Westerns")) == sorted(keys(WESTERNS))


def test_the_environment_wins_over_the_command_line(ws: Workspace, tmp_path: Path) -> None:
    wrong = tmp_path / "missing" / "config.yml"
    env = {**secrets_env(ws), "KOMETA_CONFIG": str(ws.config_path)}
    done = run_kometa(["--run", "--config", str(wrong)], env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ws.has_collection("Westerns")


def test_a_wrong_token_fails_the_library_and_exits_1(ws: Workspace) -> None:
    done = run_kometa(
        ["--run", "--config", str(ws.config_path)],
        env={"KOMETA_PLEX_URL": ws.url, "KOMETA_PLEXTOKEN": "wrong"},
    )
    assert done.returncode == 1
    assert "401" in done.stdout


def test_read_only_config_is_accepted_and_config_yml_is_never_rewritten(ws: Workspace) -> None:
    before = ws.config_path.read_bytes()
    for flags in (["--read-only-config"], ["-ro"], []):
        done = run_kometa(["--run", *flags, "--config", str(ws.config_path)], env=secrets_env(ws))
        assert done.returncode == 0, done.stdout + done.stderr
        assert ws.config_path.read_bytes() == before


@pytest.fixture
def plexsim_process(tmp_path: Path) -> Iterator[str]:
    """`python -m plexsim serve` as its own process on a free port; stopped by its pid."""
    port = free_port()
    log = (tmp_path / "plexsim.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "plexsim", "serve", "--port", str(port), "--token", TOKEN],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port("127.0.0.1", port, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_against_a_plexsim_process_a_second_run_writes_nothing(plexsim_process: str, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(config_text())
    (tmp_path / "movies.yml").write_text(textwrap.dedent(WESTERNS_YML))
    env = {"KOMETA_PLEX_URL": plexsim_process, "KOMETA_PLEXTOKEN": TOKEN}
    first = run_kometa(["--run", "--config", str(config)], env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    reset_stats(plexsim_process)
    second = run_kometa(["--run", "--config", str(config), "--report", str(tmp_path / "r.json")], env=env)
    assert second.returncode == 0
    assert plex_stats(plexsim_process)["writes"] == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["summary"]["unchanged"] == 1 and report["plex_writes"] == 0


def test_help_describes_every_flag() -> None:
    """`kometa.py --help` gives each option a description, with the environment variables that set it."""
    done = run_kometa(["--help"])
    assert done.returncode == 0, done.stderr
    section = done.stdout.split("options:\n", 1)[1].split("\n\n", 1)[0]
    entries: dict[str, str] = {}
    current = ""
    for line in section.splitlines():
        if line.startswith("  -"):
            current, _, rest = line.strip().partition("  ")
            entries[current] = rest.strip()
        else:
            entries[current] += " " + line.strip()
    primaries = {entry.split(",")[0].split(" ")[0]: text.strip() for entry, text in entries.items()}
    expected = {flag.label for flag in FLAGS} | {"--plex-url", "--plex-token", "-h"}
    assert expected <= set(primaries), sorted(expected - set(primaries))
    assert {name for name, text in primaries.items() if not text} == set()
    for flag in FLAGS:
        assert f"[env: {flag.env_names[0]}" in primaries[flag.label], flag.label
