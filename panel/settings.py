"""The service's own settings, read from ``KOMETA_PANEL_*`` environment variables.

- ``KOMETA_PANEL_DATA_DIR``: the data directory (default ``./data``); it holds the bare config
  repository ``config.git`` (created from the project's ``config-repo/`` on first start).
- ``KOMETA_PANEL_MAX_BODY``: the largest request body in bytes (default 5 MB); larger bodies get 413.
- ``KOMETA_PANEL_REDIS_URL``: the Redis for jobs and logs, e.g. ``redis://127.0.0.1:6390/0`` (default none).
- ``KOMETA_PANEL_PLEX_URL`` / ``KOMETA_PANEL_PLEX_TOKEN``: the Plex server and its token (default none).
- ``KOMETA_PANEL_DATABASE_URL``: the SQLAlchemy URL of the state database (default
  ``sqlite:///<data_dir>/panel.db``).
- ``KOMETA_PANEL_SECRET_KEY``: the key signing JWT access tokens (default: one generated on first start
  and kept in ``<data_dir>/secret_key``, mode 0600).
- ``KOMETA_PANEL_SECRETS_KEY``: the key encrypting the secret store (``/api/secrets``): a Fernet key, or any
  passphrase (a Fernet key is derived from it with HKDF-SHA256). Default: a Fernet key generated on first
  use into ``<data_dir>/secrets_key``, mode 0600; production should set it, so the key does not sit next
  to the database it protects; every worker that runs the engine needs the same value.
- ``KOMETA_PANEL_PROXIES``: how many reverse proxies (nginx...) stand in front of the panel (default 0).
  With N > 0 the client's address, scheme and host come from the last N ``X-Forwarded-*`` hops, so the
  login lockout counts each client, not the proxy; leave it 0 when clients reach the panel directly, or
  anyone could pick their own address.
- ``KOMETA_PANEL_AUTO_MIGRATE``: ``0``/``false`` leaves the database alone at start (run
  ``flask --app panel db upgrade`` once per release instead); default on: the app upgrades it to the
  newest migration when it starts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from panel.env import whole_number
from panel.repo import Author
from panel.repo_model import PANEL_COMMITTER

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_MAX_BODY = 5 * 1024 * 1024
# The author of commits made outside a signed-in request (seeding the repository); edits use the user.
PANEL_AUTHOR = PANEL_COMMITTER


@dataclass(frozen=True)
class Settings:
    """Everything the app factory needs; build it with :meth:`from_env` or directly in tests."""

    data_dir: Path = Path("data")
    max_body: int = DEFAULT_MAX_BODY
    seed_dir: Path = PROJECT_DIR / "config-repo"
    schemas_dir: Path = PROJECT_DIR / "schemas"
    author: Author = field(default=PANEL_AUTHOR)
    redis_url: str | None = None
    plex_url: str | None = None
    plex_token: str | None = field(default=None, repr=False)
    database_url: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    secrets_key: str | None = field(default=None, repr=False)
    auto_migrate: bool = True
    proxies: int = 0

    def __post_init__(self) -> None:
        for name in ("data_dir", "seed_dir", "schemas_dir"):
            object.__setattr__(self, name, Path(getattr(self, name)))

    @property
    def repo_path(self) -> Path:
        """The bare config repository inside the data directory."""
        return self.data_dir / "config.git"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``KOMETA_PANEL_*`` variables (``os.environ`` by default)."""
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("KOMETA_PANEL_DATA_DIR") or "data")
        raw = env.get("KOMETA_PANEL_MAX_BODY") or str(DEFAULT_MAX_BODY)
        try:
            max_body = int(raw)
        except ValueError:
            raise ValueError(f"KOMETA_PANEL_MAX_BODY must be a number of bytes, got {raw!r}") from None
        if max_body < 1:
            raise ValueError(f"KOMETA_PANEL_MAX_BODY must be positive, got {max_body}")
        return cls(
            data_dir=data_dir,
            max_body=max_body,
            redis_url=env.get("KOMETA_PANEL_REDIS_URL") or None,
            plex_url=(env.get("KOMETA_PANEL_PLEX_URL") or "").rstrip("/") or None,
            plex_token=env.get("KOMETA_PANEL_PLEX_TOKEN") or None,
            database_url=env.get("KOMETA_PANEL_DATABASE_URL") or None,
            secret_key=env.get("KOMETA_PANEL_SECRET_KEY") or None,
            secrets_key=env.get("KOMETA_PANEL_SECRETS_KEY") or None,
            auto_migrate=_flag(env, "KOMETA_PANEL_AUTO_MIGRATE", default=True),
            proxies=whole_number(env, "KOMETA_PANEL_PROXIES", 0, 0, 10),
        )


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off (any case); unset or empty is ``default``."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be 1/true/yes/on or 0/false/no/off, got {raw!r}")
