"""Reading the panel's own ``KOMETA_PANEL_*`` variables; dependency-free, so gunicorn's config can use it."""

from __future__ import annotations

from collections.abc import Mapping


def whole_number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """``env[name]`` as a whole number from ``low`` to ``high``; unset or blank is ``default``."""
    raw = (env.get(name) or "").strip() or str(default)
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return int(raw)
