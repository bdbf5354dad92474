"""How the API writes times: UTC, ISO-8601, milliseconds, ``Z`` (the envelope, rows, audit, commits)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(when: datetime) -> str:
    """``when`` as UTC ISO-8601 with milliseconds and ``Z``; a naive value is taken to be UTC already."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_utc_or_none(when: datetime | None) -> str | None:
    """:func:`iso_utc`, passing ``None`` through (for optional columns)."""
    return None if when is None else iso_utc(when)
