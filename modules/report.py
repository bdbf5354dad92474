"""The run report: per library and collection what changed in Plex, with warnings, errors and costs."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

STATUSES = ("created", "updated", "unchanged", "deleted", "not_scheduled", "skipped", "error")


@dataclass
class ItemRef:
    rating_key: int
    title: str


@dataclass
class CollectionReport:
    name: str
    file: str
    line: int | None
    status: str = "unchanged"
    smart: bool = False
    added: list[ItemRef] = field(default_factory=list)
    removed: list[ItemRef] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def fail(self, message: str) -> None:
        self.status = "error"
        self.errors.append(message)


@dataclass
class LibraryReport:
    name: str
    status: str = "ok"
    server_name: str = ""
    collections: list[CollectionReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    plex_reads: int = 0
    plex_writes: int = 0

    def counts(self) -> dict[str, int]:
        found = {status: 0 for status in STATUSES}
        for col in self.collections:
            found[col.status] = found.get(col.status, 0) + 1
        found["items_added"] = sum(len(c.added) for c in self.collections)
        found["items_removed"] = sum(len(c.removed) for c in self.collections)
        return found


@dataclass
class RunReport:
    started_at: str
    dry_run: bool = False
    libraries: list[LibraryReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    plex_reads: int = 0
    plex_writes: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.errors) or any(
            lib.errors or any(c.status == "error" for c in lib.collections) for lib in self.libraries
        )

    def summary(self) -> dict[str, int]:
        """Collections by status, items added and removed, and ``other_errors``: errors outside any
        collection (a file that does not load, a library Plex lacks)."""
        total: dict[str, int] = {}
        for library in self.libraries:
            for key, value in library.counts().items():
                total[key] = total.get(key, 0) + value
        total["other_errors"] = len(self.errors) + sum(len(library.errors) for library in self.libraries)
        return total

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["summary"] = self.summary()
        for library, lib_data in zip(self.libraries, data["libraries"], strict=True):
            lib_data["summary"] = library.counts()
        return data

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Compact: json indents with a slow pure-Python encoder, which costs seconds on large reports.
        path.write_text(json.dumps(self.to_dict(), separators=(",", ":")) + "\n", encoding="utf-8")
