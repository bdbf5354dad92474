"""The engine end-to-end tests' clock, their `Engine` workspace and plain-Python predicates over plexsim items.

`Engine` is `engine_run.Workspace` with every run at `NOW`, config.yml written for the libraries a test gives
files for, and re-runs that count plexsim's requests. The predicates read `plexsim.model.Item` fields
directly (tags, streams, media) and never go through plexsim's filter engine or `modules.search`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from modules.report import RunReport
from plexsim.dataset import REFERENCE_EPOCH
from plexsim.model import Item
from tests.support import plex_facts as facts
from tests.support.engine_run import Workspace, plex_stats, reset_stats

DAY = facts.DAY
NOW_EPOCH = REFERENCE_EPOCH + 3 * DAY  # 2026-01-04T00:00:00Z
NOW = datetime.fromtimestamp(NOW_EPOCH, UTC).replace(tzinfo=None)
LIBRARY_FILES = {"Movies": "movies.yml", "TV Shows": "shows.yml"}

Pred = Callable[[Item], bool]


class Engine(Workspace):
    """A config directory served by one plexsim server; every run happens at `NOW`."""

    def run(self, now: datetime | None = None, **options: Any) -> RunReport:
        return super().run(now or NOW, **options)

    def run_files(self, movies: str | None = None, shows: str | None = None, **options: Any) -> RunReport:
        """Write config.yml for the libraries given (Movies -> movies.yml, TV Shows -> shows.yml) and run."""
        blocks = []
        for library, text in (("Movies", movies), ("TV Shows", shows)):
            if text is not None:
                self.write(LIBRARY_FILES[library], text)
                blocks.append(f"{library}:\n  collection_files:\n    - file: {LIBRARY_FILES[library]}\n")
        self.write_config(libraries="".join(blocks))
        return self.run(**options)

    def rerun_counted(self) -> tuple[RunReport, dict[str, Any]]:
        """The same config again, with plexsim's request counters for just that run."""
        reset_stats(self.url)
        report = self.run()
        return report, plex_stats(self.url)

    def source(self, library: str = "Movies") -> str:
        """The collection file of a library as config.yml names it (reports and messages use that name)."""
        return LIBRARY_FILES[library]

    def line_of(self, text: str, library: str = "Movies") -> int:
        """The 1-based line of the first line of the library's collection file that equals `text`."""
        lines = (self.directory / LIBRARY_FILES[library]).read_text(encoding="utf-8").splitlines()
        return lines.index(text) + 1


# --------------------------------------------------------------------------- predicates and values


def keys(items: list[Item]) -> list[int]:
    return [item.rating_key for item in items]


def has(kind: str, *names: str) -> Pred:
    """The item carries at least one of these tags of `kind` (genre, actor, label, collection, ...)."""
    wanted = set(names)
    return lambda item: bool(wanted & set(item.tags.get(kind, [])))


def audio(code: str) -> Pred:
    return lambda item: code in facts.languages(item, 2)


def subtitles(code: str) -> Pred:
    return lambda item: code in facts.languages(item, 3)


def epoch(day: str) -> int:
    """`YYYY-MM-DD` as the epoch of that day's UTC midnight."""
    return facts.release_epoch_of(day)


def minutes(item: Item) -> float:
    """Running time in minutes (Kometa's unit for duration)."""
    return (item.duration or 0) / 60_000
