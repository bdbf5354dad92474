"""`make run` passes on the ports the README tells users to set, from the environment or the command line
(checked with `make -n`, which prints the command without running it)."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
PORT_NAMES = ("KOMETA_PANEL_PORT", "PLEXSIM_PORT", "PLEXSIM_HOST", "PANEL_PORT")


def run_environment(*make_args: str, **env: str) -> dict[str, str]:
    """The variables `make run` would set on its `python -m panel.stack` command."""
    clean = {k: v for k, v in os.environ.items() if k not in PORT_NAMES and not k.startswith("MAKE")}
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *make_args],
        cwd=PROJECT_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    [line] = [line for line in done.stdout.splitlines() if "panel.stack" in line]
    words = shlex.split(line)
    return dict(word.split("=", 1) for word in words[: words.index(next(w for w in words if "=" not in w))])


@pytest.mark.parametrize(
    ("make_args", "env", "expected"),
    [
        ((), {}, {"KOMETA_PANEL_PORT": "5000", "PLEXSIM_PORT": "32400"}),
        ((), {"KOMETA_PANEL_PORT": "5101"}, {"KOMETA_PANEL_PORT": "5101", "PLEXSIM_PORT": "32400"}),
        ((), {"PLEXSIM_PORT": "32401"}, {"KOMETA_PANEL_PORT": "5000", "PLEXSIM_PORT": "32401"}),
        (
            ("PANEL_PORT=5102",),
            {"KOMETA_PANEL_PORT": "5101"},
            {"KOMETA_PANEL_PORT": "5102", "PLEXSIM_PORT": "32400"},
        ),
        (("KOMETA_PANEL_PORT=5103",), {}, {"KOMETA_PANEL_PORT": "5103", "PLEXSIM_PORT": "32400"}),
    ],
)
def test_make_run_takes_the_ports_from_the_environment_and_the_command_line(
    make_args: tuple[str, ...], env: dict[str, str], expected: dict[str, str]
) -> None:
    assert run_environment(*make_args, **env) == expected
