"""Smaller engine behaviours: smart_label's sort, a dynamic definition that finds nothing, --log-requests."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.support.engine_run import Workspace, plexsim_server

SMART_LABEL = """\
collections:
  Labelled Eighties:
    smart_label: critic_rating.desc
    plex_search:
      all:
        decade: 1980
"""

NOTHING = """\
dynamic_collections:
  Editions Nobody Has:
    type: genre
    include: [No Such Genre]
"""


def test_smart_label_sorts_its_smart_collection(tmp_path: Path) -> None:
    with plexsim_server() as server:
        workspace = Workspace(tmp_path, server)
        workspace.write_config()
        workspace.collections_file(SMART_LABEL)
        workspace.run()
        collection = workspace.collection("Labelled Eighties")
        assert collection.smart
        assert "sort=rating%3Adesc" in collection.content
        ratings = [m.rating for m in collection.items()]
        present = [r for r in ratings if r is not None]
        assert present == sorted(present, reverse=True)


def test_a_dynamic_definition_without_keys_is_reported(tmp_path: Path) -> None:
    with plexsim_server() as server:
        workspace = Workspace(tmp_path, server)
        workspace.write_config()
        workspace.collections_file(NOTHING)
        report = workspace.run()
    (entry,) = report.libraries[0].collections
    assert entry.status == "skipped"
    assert entry.warnings == [
        f"{entry.file}:2:3: dynamic collection 'Editions Nobody Has' found no keys in this library"
    ]


def test_log_requests_logs_every_plex_request_without_the_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with plexsim_server() as server:
        workspace = Workspace(tmp_path, server)
        workspace.write_config()
        workspace.collections_file(SMART_LABEL)
        logger = logging.getLogger("kometa")
        logger.addHandler(caplog.handler)
        try:
            with caplog.at_level(logging.INFO, logger="kometa"):
                workspace.run(log_requests=True)
        finally:
            logger.removeHandler(caplog.handler)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Plex request: ")]
    assert any(line.startswith("Plex request: GET http://127.0.0.1") for line in lines)
    assert any(line.startswith("Plex request: POST ") and "/library/collections" in line for line in lines)
    assert all(workspace.secrets["plextoken"] not in line for line in lines)
