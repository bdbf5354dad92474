"""Limits on what one YAML write may hold, over real HTTP: a file over the size limit is refused up front
naming it (413); a file whose aliases expand past the byte limit is refused at its alias's line and
column; nothing lands either way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from modules.yaml_shape import MAX_ALIAS_BYTES
from panel.api.common import MAX_YAML_BYTES
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


def collection_file(size: int) -> str:
    """A collection file of ordinary entries, padded with a comment to exactly ``size`` bytes."""
    entry = "  C{n:05d}:\n    plex_search:\n      all:\n        genre: Action\n    sort_title: '!{n:05d}'\n"
    parts, total, n = ["collections:\n"], len("collections:\n"), 0
    while total + 200 < size:
        parts.append(entry.format(n=n))
        total += len(parts[-1])
        n += 1
    return "".join(parts) + "#" * (size - total - 1) + "\n"


def test_a_yaml_file_over_the_limit_is_refused_up_front_naming_it(panel: PanelHttp) -> None:
    head = panel.head()
    over = collection_file(MAX_YAML_BYTES + 1)
    assert len(over.encode()) == MAX_YAML_BYTES + 1
    for answer in (
        panel.put("/api/files/collections/huge.yml", {"content": over, "base": head}),
        *(
            panel.post(
                route,
                {
                    "base": head,
                    "changes": [
                        {"path": "notes.txt", "content": "x"},
                        {"path": "collections/huge.yml", "content": over},
                    ],
                },
            )
            for route in ("/api/files", "/api/validate")  # validating is guarded as committing is
        ),
    ):
        assert answer.status_code == 413, answer.text[:300]
        error = answer.json()["error"]
        assert error["code"] == "payload_too_large"
        assert error["message"].startswith(f"collections/huge.yml is {MAX_YAML_BYTES + 1:,} bytes")
        assert error["details"] == {
            "path": "collections/huge.yml",
            "size": MAX_YAML_BYTES + 1,
            "limit": MAX_YAML_BYTES,
        }
    assert panel.head() == head
    big_text = panel.put("/api/files/notes/big.txt", {"content": over, "base": head})
    assert big_text.status_code == 200, big_text.text[:300]  # the limit is for YAML, which is parsed


def test_a_yaml_file_at_the_limit_is_validated_and_committed(panel: PanelHttp) -> None:
    text = collection_file(MAX_YAML_BYTES)
    answer = panel.put("/api/files/collections/full.yml", {"content": text, "base": panel.head()})
    assert answer.status_code == 200, answer.text[:300]
    assert panel.get("/api/files/collections/full.yml").json()["data"]["content"] == text
