"""Fixtures for end-to-end engine tests: plexsim servers, a config directory the engine runs from, plexapi.

- `engine`: a fresh demo server and an empty config directory for one test (tests that change Plex).
- `shared_engine`: one server and directory for a whole test module (tests that read what one run built).
- `Engine.run_files(movies=..., shows=...)` (tests/support/engine_e2e.py) writes config.yml
  (`plex: {url, token}` plus one library block per file) and the collection files, runs the engine in-process
  (`load_config` + `run(config, RunOptions(now=NOW), Events())`) and returns the `RunReport`;
  `Engine.collection` / `members` / `titles` read Plex back through plexapi.
- The clock: the engine runs at `NOW` and plexsim (in this process) evaluates relative dates such as
  `addedAt>>=-30d` at the same instant, so "the last 30 days" means the same to the engine, Plex and the tests.

Expected results are computed in the tests from `plexsim.dataset.generate()` with plain Python (`movies`,
`shows` fixtures), never by asking plexsim's filter engine or `modules.search`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

import plexsim.query
from modules.events import LOGGER_NAME
from plexsim.dataset import generate
from plexsim.model import Item, Library
from plexsim.server import PlexSimServer
from tests.support import plex_facts as facts
from tests.support.engine_e2e import NOW_EPOCH, Engine
from tests.support.engine_run import plexsim_server


@pytest.fixture(scope="module")
def engine_clock() -> Iterator[None]:
    """plexsim's clock for relative dates, fixed at NOW while the module's engine tests run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plexsim.query, "now", lambda: float(NOW_EPOCH))
        yield


@pytest.fixture(scope="module")
def engine_logging() -> None:
    """The engine's human log (logger `kometa`, INFO and up) goes to pytest's log capture, shown on failure."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):  # an earlier in-process CLI run may have attached stream handlers
        logger.removeHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = True


@pytest.fixture
def engine(tmp_path: Path, engine_clock: None, engine_logging: None) -> Iterator[Engine]:
    """A fresh demo server and an empty config directory, for a test that changes Plex."""
    with plexsim_server() as server:
        yield Engine(tmp_path, server)


@pytest.fixture(scope="module")
def shared_server() -> Iterator[PlexSimServer]:
    with plexsim_server() as server:
        yield server


@pytest.fixture(scope="module")
def shared_engine(
    shared_server: PlexSimServer,
    tmp_path_factory: pytest.TempPathFactory,
    engine_clock: None,
    engine_logging: None,
) -> Engine:
    """One server and config directory for a module whose tests read what a single run built."""
    return Engine(tmp_path_factory.mktemp("engine"), shared_server)


# --------------------------------------------------------------------------- the dataset, for expectations


@pytest.fixture(scope="session")
def dataset() -> Library:
    """The demo library as plain data (an identical second generation), for computing expectations."""
    return generate()


@pytest.fixture(scope="session")
def movies(dataset: Library) -> list[Item]:
    """Every movie, in the engine's listing order (sort title case-folded, then rating key)."""
    return facts.title_order(facts.items_of(dataset, "movie"))


@pytest.fixture(scope="session")
def shows(dataset: Library) -> list[Item]:
    """Every show, in listing order."""
    return facts.title_order(facts.items_of(dataset, "show"))
