"""Paging by ``?limit=`` and an opaque ``?cursor=``, as every list of the API does (api.md: default 50,
at most 500; ``{items, next_cursor}``).

Lists built in memory (files, secrets, collections...) are sorted by a unique key; the cursor is the last
key of the previous page, so a page is never repeated or skipped when items are added or removed between
requests.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import request
from pydantic import Field, field_validator

from panel.contract import Absent, Cursor, Query
from panel.errors import ApiError
from panel.repo import MAX_LOG_LIMIT

T = TypeVar("T")
Key = tuple[str | int, ...]
DEFAULT_LIMIT = 50
MAX_LIMIT = MAX_LOG_LIMIT


class Paged(Query):
    """``?limit=`` and ``?cursor=`` of a paged list."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT}")
    cursor: Cursor | Absent = None

    @field_validator("limit", mode="before")
    @classmethod
    def _digits(cls, value: Any) -> Any:
        """Only digits: no sign, space or decimal point (which a lax integer would take)."""
        if isinstance(value, str) and not (value.isascii() and value.isdigit()):
            raise ValueError(f"must be a whole number from 1 to {MAX_LIMIT}")
        return value


def parse_limit(raw: str | None) -> int:
    """``?limit=``: default 50, at most 500; 400 naming the field for anything but a whole number in range."""
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    limit = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 0
    if not 1 <= limit <= MAX_LIMIT:
        message = f"'limit' must be a whole number from 1 to {MAX_LIMIT}, got {raw!r}"
        raise ApiError(400, "bad_request", message, {"field": "limit"})
    return limit


def encode_cursor(key: Key) -> str:
    """The opaque cursor for ``key``."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> Key:
    """The key inside a cursor this module made; 422 naming ``cursor`` for anything else."""
    try:
        value = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        value = None
    if not isinstance(value, list) or not value or not all(isinstance(v, str | int) for v in value):
        raise not_a_cursor(raw)
    return tuple(value)


def not_a_cursor(raw: str) -> ApiError:
    """422: a cursor of the right form that this list did not make."""
    return ApiError(
        422, "unprocessable", f"'cursor' is not a cursor from this list: {raw!r}", {"field": "cursor"}
    )


def paged(items: Sequence[T], key: Callable[[T], Key], show: Callable[[T], Any]) -> dict[str, Any]:
    """``{items, next_cursor}`` for the page ``?cursor=`` and ``?limit=`` ask for, of ``items`` sorted by
    ``key`` (unique per item); ``show`` turns an item into its JSON form."""
    limit = parse_limit(request.args.get("limit"))
    ordered = sorted(items, key=key)
    raw = request.args.get("cursor")
    if raw:
        after = decode_cursor(raw)
        try:
            ordered = [item for item in ordered if key(item) > after]
        except TypeError:
            raise not_a_cursor(raw) from None
    page = ordered[:limit]
    next_cursor = encode_cursor(key(page[-1])) if len(ordered) > limit else None
    return {"items": [show(item) for item in page], "next_cursor": next_cursor}
