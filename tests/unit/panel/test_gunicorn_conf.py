"""`panel.gunicorn_conf`: how many gunicorn workers and threads the panel runs with."""

from __future__ import annotations

import pytest

from panel import gunicorn_conf
from panel.gunicorn_conf import DEFAULT_THREADS, worker_counts


def test_defaults_follow_the_cpu_count_with_at_least_two_workers() -> None:
    assert worker_counts({}, cpus=1) == (2, DEFAULT_THREADS)
    assert worker_counts({}, cpus=8) == (8, DEFAULT_THREADS)


def test_the_environment_sets_workers_and_threads() -> None:
    env = {"KOMETA_PANEL_WORKERS": "3", "KOMETA_PANEL_THREADS": " 16 "}
    assert worker_counts(env, cpus=2) == (3, 16)


@pytest.mark.parametrize("raw", ["0", "-1", "two", "1.5", "1000"])
def test_a_bad_count_names_the_variable(raw: str) -> None:
    with pytest.raises(
        ValueError, match=f"KOMETA_PANEL_THREADS must be a whole number from 1 to 256, got '{raw}'"
    ):
        worker_counts({"KOMETA_PANEL_THREADS": raw}, cpus=2)


def test_the_server_is_threaded_keeps_connections_alive_and_shares_nothing_across_forks() -> None:
    assert gunicorn_conf.worker_class == "gthread"
    assert gunicorn_conf.keepalive >= 2
    assert gunicorn_conf.preload_app is False
    assert gunicorn_conf.control_socket_disable is True


def test_long_request_lines_and_headers_fit() -> None:
    """A long query string or a large ``Authorization`` header reaches the app instead of gunicorn's HTML."""
    assert gunicorn_conf.limit_request_line >= 8190
    assert gunicorn_conf.limit_request_field_size >= 16380


def test_a_worker_freezes_its_app_and_collects_young_objects_less_often() -> None:
    """Run in a fresh interpreter: the hook changes the process's garbage collector."""
    import subprocess
    import sys

    code = (
        "import gc; from panel.gunicorn_conf import post_worker_init; post_worker_init(None); "
        "print(gc.get_threshold()[0], gc.get_freeze_count() > 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == [str(gunicorn_conf.GC_YOUNG_THRESHOLD), "True"]
