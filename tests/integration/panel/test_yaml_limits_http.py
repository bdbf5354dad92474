"""Limits on what one YAML write may stand for, over real HTTP: a file whose aliases expand past the byte
limit is refused at its alias's line and column, and nothing lands."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from modules.yaml_shape import MAX_ALIAS_BYTES
from tests.support.panel_http import PanelHttp, panel_http


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PanelHttp]:
    with panel_http(tmp_path_factory.mktemp("panel")) as running:
        yield running


def test_a_108_kb_file_standing_for_200_mb_is_refused_at_its_alias(panel: PanelHttp) -> None:
    labels = ", ".join(["*s"] * 2000)
    text = (
        f"collections:\n  Wide:\n    plex_all: true\n    summary: &s {'x' * 100_000}\n    label: [{labels}]\n"
    )
    assert 100_000 < len(text) < 110_000
    head = panel.head()
    answer = panel.put("/api/files/collections/wide.yml", {"content": text, "base": head})
    assert answer.status_code == 422, answer.text[:500]
    error = answer.json()["error"]
    assert error["code"] == "validation_failed"
    assert error["message"].startswith("1 error(s); first at collections/wide.yml:5:13: this file is refused")
    assert f"at most {MAX_ALIAS_BYTES:,}" in error["message"]
    [blocking] = error["details"]["blocking"]
    assert (blocking["file"], blocking["line"], blocking["column"]) == ("collections/wide.yml", 5, 13)
    assert panel.head() == head
    assert panel.get("/api/files/collections/wide.yml").status_code == 404
    listed = panel.get("/api/collections").json()["data"]["items"]
    assert "Wide" not in [item["name"] for item in listed]
