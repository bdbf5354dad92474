"""`modules.yaml_nodes`: the fast composer resolves every scalar as ruamel's own does, and within
`reusing()` a thread composes each text once."""

from __future__ import annotations

import threading

from ruamel.yaml import YAML

from modules.yaml_nodes import compose, compose_all, reusing

SAMPLE = """\
collections:
  A:
    year: 1999
    rating: 7.5
    flag: yes
    on: off
    empty:
    tilde: ~
    octal: 0o17
    hex: 0x1F
    date: 2024-01-02
    text: "quoted"
    list: [1, true, null, .inf, -.NaN, 1e3, +12, 012]
"""


def tags(node: object) -> list[str]:
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(str(current.tag))  # type: ignore[attr-defined]
        value = current.value  # type: ignore[attr-defined]
        if isinstance(value, list):
            stack.extend(part for item in value for part in (item if isinstance(item, tuple) else (item,)))
    return found


def test_scalars_resolve_as_with_ruamels_own_resolver() -> None:
    assert tags(compose(SAMPLE)) == tags(YAML(typ="safe").compose(SAMPLE))
    assert tags(compose(SAMPLE)) == tags(YAML(typ="safe", pure=True).compose(SAMPLE))


def test_within_reusing_a_text_is_composed_once_per_thread() -> None:
    with reusing():
        first = compose(SAMPLE)
        assert compose(SAMPLE) is first and compose_all(SAMPLE)[0] is first
        other: list[object] = []
        thread = threading.Thread(target=lambda: other.append(compose(SAMPLE)))
        thread.start()
        thread.join()
        assert other[0] is not first
    assert compose(SAMPLE) is not first


def test_empty_and_multi_document_texts() -> None:
    with reusing():
        assert compose("") is None and compose_all("") == []
        assert len(compose_all("a: 1\n---\nb: 2\n")) == 2
