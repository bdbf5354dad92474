"""Container paging as Plex does it: `size` in this page, `totalSize` of all matches, `offset`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar
from xml.etree.ElementTree import Element

from plexsim.http import Request

T = TypeVar("T")


def page(
    root: Element, request: Request, items: Sequence[T], render: Callable[[Element, T], object]
) -> Element:
    start, size = request.paging()
    start = max(start, 0)
    chosen = items[start:] if size is None else items[start : start + max(size, 0)]
    for item in chosen:
        render(root, item)
    root.set("size", str(len(chosen)))
    root.set("totalSize", str(len(items)))
    root.set("offset", str(start))
    return root
