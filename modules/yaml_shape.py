"""Limits on the shape of a YAML document: how deep it nests and how much its aliases stand for.

A few hundred bytes of anchors and aliases (``&a [*b, *b, ...]``, nine levels deep) stand for a billion
values; anything that walks the data as a tree (schema checks, templates, the secret scan) would never
finish. Real Kometa files nest a dozen levels at most and repeat a template block a few hundred times, so
these limits only ever stop hostile or broken input. The measure is linear in the document as written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 100
MAX_ALIAS_VALUES = 100_000
TOO_DEEP = f"it nests more than {MAX_DEPTH} levels deep"

# A container's child containers, and how many plain values (scalars) it holds besides.
Parts = Callable[[Any], tuple[list[Any], int]]


@dataclass(frozen=True)
class ShapeError:
    """Why a document is refused, and the container where it shows (for its line and column)."""

    message: str
    node: Any


def check_shape(root: Any, parts: Parts) -> ShapeError | None:
    """None when ``root`` nests at most ``MAX_DEPTH`` levels and its aliases add at most
    ``MAX_ALIAS_VALUES`` values to what is written out; else what breaks a limit, and where."""
    sizes: dict[int, int] = {}
    heights: dict[int, int] = {}
    uses: dict[int, tuple[int, Any]] = {}
    written = 0
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        kids, scalars = parts(node)
        if not children_done:
            if key in sizes:
                continue
            sizes[key] = heights[key] = 0  # in progress: a recursive alias counts as one value
            stack.append((node, True))
            stack.extend((kid, False) for kid in kids if id(kid) not in sizes)
            continue
        for kid in kids:
            uses[id(kid)] = (uses.get(id(kid), (0, kid))[0] + 1, kid)
        sizes[key] = 1 + scalars + sum(sizes[id(kid)] or 1 for kid in kids)
        heights[key] = 1 + max((heights[id(kid)] for kid in kids), default=0)
        written += 1 + scalars
        if heights[key] > MAX_DEPTH:
            return ShapeError(TOO_DEEP, node)
    extra = sizes[id(root)] - written
    if extra <= MAX_ALIAS_VALUES:
        return None
    count, anchor = max(uses.values(), key=lambda use: (use[0] - 1) * sizes[id(use[1])])
    return ShapeError(
        f"its aliases stand for {extra:,} more values than it writes out (at most {MAX_ALIAS_VALUES:,}); "
        f"the anchored block here appears {count} times",
        anchor,
    )
