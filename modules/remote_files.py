"""`git:` and `repo:` file blocks: where they point, downloading them, and the copies kept for offline runs.

`git: user/path` is a file of Kometa's community configs repository (`COMMUNITY_URL`, which the
`KOMETA_COMMUNITY_URL` variable replaces), `repo: path` one under `settings.custom_repo`; `.yml` is added when
the name has no extension. A custom_repo given as a repository's web page (`/tree/<branch>/...`) is read
from the same host's raw-file address, as Kometa does. Every download is kept in the cache folder
(`KOMETA_CACHE_DIR`, else `cache/` beside config.yml); when a download fails, the kept copy is used with
a warning, and without one the block fails with a message that says so.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from modules.errors import ConfigError, Location

Fetch = Callable[[str], str]
COMMUNITY_URL = "https://raw.githubusercontent.com/Kometa-Team/Community-Configs/master"
"""Kometa's documented default location of `git:` files."""
_TREE_PAGE = re.compile(r"^https?://github\.com/(?P<repo>[^/]+/[^/]+)/tree/(?P<rest>.+)$", re.IGNORECASE)
_RAW_HOST = "https://raw.githubusercontent.com"


def community_url(env: dict[str, str] | None = None) -> str:
    """The base of `git:` files: `KOMETA_COMMUNITY_URL` when set, else Kometa's default."""
    value = (env if env is not None else os.environ).get("KOMETA_COMMUNITY_URL", "").strip()
    return value.rstrip("/") or COMMUNITY_URL


def cache_dir(config_dir: Path, env: dict[str, str] | None = None) -> Path:
    """Where downloaded files are kept: `KOMETA_CACHE_DIR` when set, else `cache/` beside config.yml."""
    value = (env if env is not None else os.environ).get("KOMETA_CACHE_DIR", "").strip()
    return Path(value) if value else config_dir / "cache"


def raw_repo_url(custom_repo: str) -> str:
    """custom_repo as a raw-file base: a repository web page `/tree/<branch>/<dir>` becomes its raw address."""
    base = custom_repo.strip().rstrip("/")
    page = _TREE_PAGE.match(base)
    return f"{_RAW_HOST}/{page['repo']}/{page['rest']}" if page else base


def _with_suffix(path: str) -> str:
    return path if path.lower().endswith((".yml", ".yaml")) else f"{path}.yml"


@dataclass(frozen=True)
class RemoteFiles:
    """How `git:` / `repo:` blocks are read: the two bases, the download function and the cache folder."""

    fetch: Fetch
    cache: Path
    community: str = COMMUNITY_URL
    custom_repo: str | None = None

    def address(self, kind: str, value: str, location: Location) -> str:
        """The URL a `git:` or `repo:` block stands for; a `repo:` without custom_repo is a ConfigError."""
        path = _with_suffix(value.strip().lstrip("/"))
        if kind == "git":
            return f"{self.community.rstrip('/')}/{path}"
        if not self.custom_repo or not self.custom_repo.strip():
            raise ConfigError(
                f"repo: {value}: needs settings.custom_repo (the repository's address)", location
            )
        return f"{raw_repo_url(self.custom_repo)}/{path}"

    def cached(self, url: str) -> Path:
        """The file that keeps the last download of `url`."""
        return self.cache / "remote" / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.yml"

    def read(self, kind: str, value: str, location: Location, warn: Callable[[str], None]) -> tuple[str, str]:
        """(text, url) of a block: downloaded and kept, or the kept copy when the download fails."""
        url = self.address(kind, value, location)
        kept = self.cached(url)
        try:
            text = self.fetch(url)
        except Exception as exc:  # offline, refused, HTTP error: all mean this download cannot be used
            reason = str(exc) or type(exc).__name__
            if kept.is_file():
                warn(
                    f"{location}: {kind}: {value}: cannot download {url} ({reason}); using the copy kept in {kept}"
                )
                return kept.read_text(encoding="utf-8"), url
            raise ConfigError(
                f"{kind}: {value}: cannot download {url} ({reason}) and no copy is kept in {kept.parent}; "
                f"run once with network access, or set KOMETA_COMMUNITY_URL / custom_repo to a reachable copy",
                location,
            ) from None
        _keep(kept, text)
        return text, url


def _keep(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (a temp file renamed over it), so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".download-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
