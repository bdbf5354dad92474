"""The stored-secret scan over real HTTP compares what YAML yields, not only the raw text: a stored secret
spelt with one escaped character, or folded over two lines, is refused at the scalar's line and column,
and nothing lands."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.panel_http import PanelHttp, panel_http

STORED = {"pin_code": "Zebra-Hunter-2047", "pass_phrase": "correct horse battery staple"}


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PanelHttp]:
    with panel_http(tmp_path_factory.mktemp("panel")) as running:
        for name, value in STORED.items():
            stored = running.put(f"/api/secrets/{name}", {"value": value})
            assert stored.status_code == 201, stored.text
        yield running


@pytest.mark.parametrize(
    ("name", "summary"),
    [("pin_code", '"\\x5aebra-Hunter-2047"'), ("pass_phrase", '"correct horse\n      battery staple"')],
)
def test_a_stored_secret_spelt_differently_is_refused_at_its_scalar(
    panel: PanelHttp, name: str, summary: str
) -> None:
    head = panel.head()
    text = f"collections:\n  Pinned:\n    plex_all: true\n    summary: {summary}\n"
    answer = panel.put("/api/files/collections/pinned.yml", {"content": text, "base": head})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "secret_detected"
    [finding] = error["details"]["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == ("collections/pinned.yml", 4, 14)
    assert finding["kind"] == "stored_secret" and f"<<{name}>>" in finding["message"]
    assert STORED[name] not in answer.text
    assert panel.head() == head
    assert panel.get("/api/files/collections/pinned.yml").status_code == 404
