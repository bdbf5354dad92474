"""The project skeleton is wired together: entry points resolve, CI calls make, markers come from folders."""

from __future__ import annotations

import importlib
import os
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.mark.parametrize("name", sorted(PYPROJECT["project"]["scripts"]))
def test_console_script_target_is_importable_and_callable(name: str) -> None:
    target = PYPROJECT["project"]["scripts"][name]
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attr, None)), f"{name} = {target!r}: {module_name} has no callable {attr}"


def test_console_script_packages_are_discovered_by_setuptools() -> None:
    include = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    for target in PYPROJECT["project"]["scripts"].values():
        top = target.split(":")[0].split(".")[0]
        assert f"{top}*" in include, f"package {top} would be missing from the wheel"


def test_ci_entry_point_is_executable_and_runs_make_test() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert text.rstrip().endswith("exec make test")


def test_tests_get_the_marker_of_their_folder(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("unit") is not None
    assert request.node.get_closest_marker("integration") is None
