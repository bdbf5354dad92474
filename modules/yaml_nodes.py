"""Composing YAML text into nodes (with line and column) fast: libyaml's parser when it takes the text,
else ruamel's pure-Python one (the engine's own), which also reads what libyaml refuses.

ruamel's resolver asks for the YAML version being read once per scalar, through an attribute lookup that
fails and is caught each time; with libyaml's parser the answer never changes within a text (it reads no
``%YAML`` directive into it), so it is looked up once. On a 1 MB file that halves the time to compose.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import Node
from ruamel.yaml.resolver import VersionedResolver


class _OnceResolver(VersionedResolver):
    """A resolver that looks the YAML version up once, on the first scalar."""

    _version: Any = None

    @property
    def processing_version(self) -> Any:
        if self._version is None:
            self._version = super().processing_version
        return self._version


def _libyaml() -> YAML:
    """A new loader on libyaml's parser (one that failed once stays pure-Python, so never reuse one)."""
    yaml = YAML(typ="safe")
    yaml.Resolver = _OnceResolver
    return yaml


@contextmanager
def reusing() -> Iterator[None]:
    """Within this block, this thread composes each text once: a write's validation and its secret scan
    read the same nodes (which nobody changes). Forgotten when the block ends."""
    outer = getattr(_local, "kept", None)
    _local.kept = {} if outer is None else outer
    try:
        yield
    finally:
        _local.kept = outer


def compose(text: str) -> Node | None:
    """The nodes of the single document of ``text`` (None for none); libyaml's parser unless the text has a
    tab, which libyaml takes in places the engine refuses; YAMLError from ruamel's parser."""
    kept = _kept()
    if kept is not None and text in kept:
        return kept[text][0] if kept[text] else None
    if "\t" not in text:
        try:
            return _keep(kept, text, _libyaml().compose(text))
        except YAMLError:
            pass
    return _keep(kept, text, YAML(typ="safe", pure=True).compose(text))


def compose_all(text: str) -> list[Node | None]:
    """The nodes of every document of ``text`` (see :func:`compose`)."""
    kept = _kept()
    if kept is not None and text in kept:
        return list(kept[text])
    roots: list[Node | None] | None = None
    if "\t" not in text:
        with suppress(YAMLError):
            roots = list(_libyaml().compose_all(text))
    if roots is None:
        roots = list(YAML(typ="safe", pure=True).compose_all(text))
    if kept is not None:
        kept[text] = roots
    return roots


_local = threading.local()


def _kept() -> dict[str, list[Node | None]] | None:
    kept: dict[str, list[Node | None]] | None = getattr(_local, "kept", None)
    return kept


def _keep(kept: dict[str, list[Node | None]] | None, text: str, root: Node | None) -> Node | None:
    """Remember a single document's nodes as ``compose_all`` would give them ([] for an empty text)."""
    if kept is not None:
        kept[text] = [] if root is None else [root]
    return root
