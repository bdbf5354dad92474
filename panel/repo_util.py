"""Helpers of the config repository that need no git: patch hunks, seed files."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def hunks(chunk: str) -> list[dict[str, object]]:
    """Split one file's patch into ``{header, lines}`` hunks."""
    hunks: list[dict[str, object]] = []
    lines: list[str] = []
    for line in chunk.split("\n"):
        if line.startswith("@@ "):
            lines = []
            hunks.append({"header": line, "lines": lines})
        elif hunks and line[:1] in (" ", "+", "-", "\\"):
            lines.append(line)
    return hunks


def seed_files(seed_dir: Path) -> Iterable[Path]:
    """Regular files under ``seed_dir``, not following or including symlinks."""
    for root, dirs, files in os.walk(seed_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(root, d)) and d != ".git")
        for name in files:
            full = Path(root) / name
            if not full.is_symlink() and full.is_file():
                yield full
