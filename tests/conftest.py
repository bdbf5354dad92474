"""Suite-wide pytest configuration.

- Every test gets the marker of its top-level folder: tests/unit -> `unit`, tests/integration ->
  `integration`, tests/e2e -> `e2e`, so `-m unit` or `-m "not e2e"` select by kind.
- Hypothesis runs derandomized (the same examples on every run) so the suite is deterministic;
  `HYPOTHESIS_PROFILE=explore` brings back random exploration when hunting for bugs locally.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.redis_server import redis_server

TESTS_DIR = Path(__file__).resolve().parent
FOLDER_MARKERS = {"unit": "unit", "integration": "integration", "e2e": "e2e"}

try:
    from hypothesis import settings
except ImportError:  # hypothesis is a dev dependency; the suite must still load without it
    pass
else:
    settings.register_profile("deterministic", derandomize=True, database=None, deadline=None)
    settings.register_profile("explore", deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        try:
            folder = item.path.resolve().relative_to(TESTS_DIR).parts[0]
        except ValueError:
            continue
        marker = FOLDER_MARKERS.get(folder)
        if marker is not None:
            item.add_marker(marker)


@pytest.fixture(scope="session")
def tmp_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One empty data directory (like the service's `./data`) shared by the whole session."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """URL of a private redis-server started for this test and stopped after it."""
    with redis_server(tmp_path) as url:
        yield url
