"""Errors that name the place in the user's files where the problem is (file:line:col)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a YAML file; line and column are 1-based, as editors show them."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class KometaError(Exception):
    """A problem in the user's config or files; `str()` starts with the location when there is one."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ConfigError(KometaError):
    """config.yml (or a file it references) cannot be used as written."""


class DefinitionError(KometaError):
    """One collection definition cannot be built; the rest of its file still runs."""


class PlexError(KometaError):
    """Plex refused a request or could not be reached."""


class UnsupportedError(ConfigError):
    """Valid for Kometa, but not run by this engine (a Kometa default not shipped): skipped with a warning."""
