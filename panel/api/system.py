"""``/api/system/status``: what the panel depends on, each checked live and never a 500.

- ``git``: the head commit of ``main`` in the config repository;
- ``plex``: ``GET /identity`` (version) and ``GET /`` (friendly name) with the configured token;
- ``redis``: a ``PING`` with a short timeout;
- ``disk``: free and total bytes of the file system holding the data directory.

A service that is not configured, or does not answer, reports ``reachable: false`` and an ``error``.
"""

from __future__ import annotations

import shutil
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import redis
import requests
from flask import Blueprint, Response

from panel.api.common import get_repo, get_settings
from panel.api.envelope import ok
from panel.openapi import documented

bp = Blueprint("system", __name__)
PLEX_TIMEOUT = 3.0
REDIS_TIMEOUT = 1.0
NOT_CONFIGURED = "not configured"


def app_version() -> str:
    """The installed kometa-panel version (``0.1.0`` from a plain checkout)."""
    try:
        return package_version("kometa-panel")
    except PackageNotFoundError:
        return "0.1.0"


def _container(resp: requests.Response) -> ElementTree.Element:
    """The ``MediaContainer`` of a Plex XML answer; raises on an HTTP error or a body that is not XML."""
    resp.raise_for_status()
    return ElementTree.fromstring(resp.content)


def plex_status(url: str | None, token: str | None) -> dict[str, Any]:
    """Reachability, version and friendly name of the Plex server at ``url`` (the token is never shown)."""
    result: dict[str, Any] = {"url": url, "reachable": False, "version": None, "friendly_name": None}
    if not url:
        return {**result, "error": NOT_CONFIGURED}
    headers = {"Accept": "application/xml", "X-Plex-Product": "Kometa Panel"}
    if token:
        headers["X-Plex-Token"] = token
    try:
        identity = _container(requests.get(f"{url}/identity", headers=headers, timeout=PLEX_TIMEOUT))
        result["version"] = identity.get("version")
        root = _container(requests.get(f"{url}/", headers=headers, timeout=PLEX_TIMEOUT))
        result["friendly_name"] = root.get("friendlyName")
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        reason = "the token was refused" if status in (401, 403) else f"HTTP {status}"
        return {**result, "error": reason}
    except requests.RequestException as exc:
        return {**result, "error": f"{type(exc).__name__}: cannot reach {url}"}
    except ElementTree.ParseError:
        return {**result, "error": "the answer is not Plex XML"}
    return {**result, "reachable": True}


def redis_status(url: str | None) -> dict[str, Any]:
    """Whether the Redis at ``url`` answers ``PING`` within a second."""
    if not url:
        return {"url": None, "reachable": False, "error": NOT_CONFIGURED}
    client = None
    try:
        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
        client.ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        return {"url": url, "reachable": False, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        if client is not None:
            client.close()
    return {"url": url, "reachable": True}


def disk_status(data_dir: Path) -> dict[str, Any]:
    """Free and total bytes where the data directory lives (its nearest existing parent)."""
    path = data_dir.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    usage = shutil.disk_usage(path)
    return {"data_dir": str(data_dir), "free_bytes": usage.free, "total_bytes": usage.total}


def git_status() -> dict[str, Any]:
    """The head commit of ``main`` in the config repository."""
    try:
        head: str | None = get_repo().head()
        error = None
    except Exception as exc:  # a broken repository is a status to show, not a 500
        head, error = None, str(exc)
    result: dict[str, Any] = {"head": head, "branch": "main"}
    if error:
        result["error"] = error
    return result


@bp.get("/system/status")
@documented()
def status() -> tuple[Response, int]:
    """The config repository's head, Plex, Redis, disk space and the panel's version."""
    settings = get_settings()
    return ok(
        {
            "git": git_status(),
            "plex": plex_status(settings.plex_url, settings.plex_token),
            "redis": redis_status(settings.redis_url),
            "disk": disk_status(settings.data_dir),
            "version": app_version(),
        }
    )
