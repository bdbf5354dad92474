"""Limits on the shape of a YAML document: how deep it nests and how much its aliases stand for.

A few hundred bytes of anchors and aliases (``&a [*b, *b, ...]``, nine levels deep) stand for a billion
values; anything that walks the data as a tree (schema checks, templates, the secret scan) would never
finish. A long text anchored once and aliased a thousand times (``summary: &s <100 KB>`` and
``labels: [*s, *s, ...]``) is few values but hundreds of megabytes once expanded, in memory and in every
answer that shows the data. Real Kometa files nest a dozen levels at most and repeat a template block a
few hundred times, so these limits only ever stop hostile or broken input. The measure is linear in the
document as written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 100
MAX_ALIAS_VALUES = 100_000
MAX_ALIAS_BYTES = 2_000_000
TOO_DEEP = f"it nests more than {MAX_DEPTH} levels deep"
SHARED_SCALAR = 64  # scalars this long are told apart by identity, so an aliased one is written out once

# A container's child containers, and the scalars it holds besides.
Parts = Callable[[Any], tuple[list[Any], list[Any]]]
# How many bytes a scalar stands for.
Size = Callable[[Any], int]


@dataclass(frozen=True)
class ShapeError:
    """Why a document is refused, and where: the node that nests too deep, or the anchored value to blame
    for the aliases (with the container where it appears a second time, where its first alias is)."""

    message: str
    node: Any
    repeat: Any = None
    count: int = 0  # how often the anchored value appears, for the alias limits


@dataclass
class _Use:
    count: int
    value: Any
    size: int
    repeat: Any = None


def text_size(text: str) -> int:
    """The UTF-8 length of ``text`` (its length when it is ASCII, which Python knows without looking)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def check_shape(root: Any, parts: Parts, size: Size) -> ShapeError | None:
    """None when ``root`` nests at most ``MAX_DEPTH`` levels and its aliases add at most
    ``MAX_ALIAS_VALUES`` values and ``MAX_ALIAS_BYTES`` bytes of scalars to what is written out; else
    what breaks a limit, and where."""
    values: dict[int, int] = {}
    weights: dict[int, int] = {}
    heights: dict[int, int] = {}
    uses: dict[int, _Use] = {}
    written = written_bytes = 0
    pending: dict[int, tuple[list[Any], list[Any]]] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if not children_done:
            if key in values:
                continue
            values[key] = weights[key] = heights[key] = 0  # in progress: a recursive alias counts as one
            pending[key] = parts(node)
            stack.append((node, True))
            stack.extend((kid, False) for kid in pending[key][0] if id(kid) not in values)
            continue
        kids, scalars = pending.pop(key)
        own = 0
        for scalar in scalars:
            length = size(scalar)
            own += length
            if length < SHARED_SCALAR or _count_use(uses, scalar, length, node):
                written_bytes += length
        for kid in kids:
            _count_use(uses, kid, 0, node)
        values[key] = 1 + len(scalars) + sum(values[id(kid)] or 1 for kid in kids)
        weights[key] = own + sum(weights[id(kid)] for kid in kids)
        heights[key] = 1 + max((heights[id(kid)] for kid in kids), default=0)
        written += 1 + len(scalars)
        if heights[key] > MAX_DEPTH:
            return ShapeError(TOO_DEEP, node)
    extra, extra_bytes = values[id(root)] - written, weights[id(root)] - written_bytes
    if extra > MAX_ALIAS_VALUES:
        use = max(uses.values(), key=lambda u: (u.count - 1) * values.get(id(u.value), 1))
        what = f"{extra:,} more values than it writes out (at most {MAX_ALIAS_VALUES:,})"
    elif extra_bytes > MAX_ALIAS_BYTES:
        use = max(uses.values(), key=lambda u: (u.count - 1) * (weights.get(id(u.value)) or u.size))
        what = f"{extra_bytes:,} more bytes than it writes out (at most {MAX_ALIAS_BYTES:,})"
    else:
        return None
    return ShapeError(f"its aliases stand for {what}", use.value, use.repeat, use.count)


def _count_use(uses: dict[int, _Use], value: Any, size: int, parent: Any) -> bool:
    """Count one more appearance of ``value`` (in ``parent``); True for its first."""
    use = uses.get(id(value))
    if use is None:
        uses[id(value)] = _Use(1, value, size)
        return True
    use.count += 1
    if use.repeat is None:
        use.repeat = parent
    return False
