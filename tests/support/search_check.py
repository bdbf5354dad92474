"""Run one plexapi search and compare it with a plain-Python predicate over the dataset (exact, ordered)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from plexapi.server import PlexServer

from plexsim.dataset import REFERENCE_EPOCH
from plexsim.model import Item, Library
from tests.support import plex_facts as facts

# The engine clock the search tests fix, so that relative dates are reproducible.
NOW = REFERENCE_EPOCH + 3 * facts.DAY
Pred = Callable[[Library, Item], bool]
Kwargs = dict[str, Any] | Callable[[Library], dict[str, Any]]


def case(section: str, kwargs: Kwargs, libtype: str, pred: Pred, id: str) -> Any:
    """One table row: plexapi `section.search(**kwargs)` must return exactly the `libtype` items `pred` holds for."""
    return pytest.param(section, kwargs, libtype, pred, id=id)


def check_search(
    plex: PlexServer, lib: Library, section: str, kwargs: Kwargs, libtype: str, pred: Pred
) -> None:
    """Same rating keys in the same (default) order, and the expression must select a proper, non-empty subset."""
    args = kwargs(lib) if callable(kwargs) else kwargs
    results = plex.library.section(section).search(container_size=1000, **args)
    candidates = facts.items_of(lib, libtype)
    expected = [i for i in facts.default_order(lib, candidates) if pred(lib, i)]
    assert 0 < len(expected) < len(candidates), "the expression should select a proper subset"
    assert [r.type for r in results] == [libtype] * len(results)
    assert [r.ratingKey for r in results] == [i.rating_key for i in expected]
