"""Which Plex collections the engine owns: like Kometa, every collection it builds carries the label `Kometa`.

A library built by Kometa or by this engine is therefore recognised as managed by either. Dynamic collections
also carry their `dynamic_collections` mapping name (e.g. `Genre`), which `sync: true` uses to find the ones a
run no longer makes.
"""

from __future__ import annotations

from collections.abc import Iterable

MANAGED_LABEL = "Kometa"


def is_managed(labels: Iterable[str]) -> bool:
    """Whether a collection with these labels is managed by Kometa or this engine (case-insensitive)."""
    return any(label.casefold() == MANAGED_LABEL.casefold() for label in labels)


def has_label(labels: Iterable[str], wanted: str) -> bool:
    """Whether `wanted` is among `labels`, compared as Plex compares tags (case-insensitive)."""
    return any(label.casefold() == wanted.casefold() for label in labels)
