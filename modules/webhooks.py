"""Webhooks: POST a JSON payload to each configured URL; a failing hook is a warning, never a failed run.

Payloads follow Kometa's documented webhook formats (docs/config/webhooks.md), so existing receivers keep
working: `run_start` and `run_end` once per run, `changes` once per created, changed or deleted collection,
`error` once per error. Extra keys (`summary`, `rating_key`) add detail and never replace Kometa's keys.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import requests

from modules.events import Events
from modules.report import CollectionReport, LibraryReport, RunReport

TIMEOUT = 10
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def send(urls: list[str], payload: dict[str, Any], events: Events) -> int:
    """POST `payload` to every URL; returns how many answered 2xx."""
    delivered = 0
    for url in urls:
        try:
            answer = requests.post(url, json=payload, timeout=TIMEOUT)
        except requests.RequestException as exc:
            events.warning(f"webhook {url} failed: {exc}")
            continue
        if 200 <= answer.status_code < 300:
            delivered += 1
        else:
            events.warning(f"webhook {url} answered {answer.status_code}")
    return delivered


def run_start_payload(started: datetime) -> dict[str, Any]:
    return {"event": "run_start", "start_time": started.strftime(TIME_FORMAT)}


def run_end_payload(report: RunReport, started: datetime, seconds: float) -> dict[str, Any]:
    """Kometa's run statistics; `run_time` is H:MM:SS."""
    summary = report.summary()
    return {
        "event": "run_end",
        "start_time": started.strftime(TIME_FORMAT),
        "end_time": (started + timedelta(seconds=seconds)).strftime(TIME_FORMAT),
        "run_time": str(timedelta(seconds=round(seconds))),
        "collections_created": summary.get("created", 0),
        "collections_modified": summary.get("updated", 0),
        "collections_deleted": summary.get("deleted", 0),
        "items_added": summary.get("items_added", 0),
        "items_removed": summary.get("items_removed", 0),
        "added_to_radarr": 0,
        "added_to_sonarr": 0,
        "names": [
            {"name": c.name, "library": lib.name}
            for lib in report.libraries
            for c in lib.collections
            if c.status in ("created", "updated", "unchanged", "deleted")
        ],
        "summary": summary,
        "dry_run": report.dry_run,
    }


def changes_payload(library: LibraryReport, collection: CollectionReport) -> dict[str, Any]:
    """One collection's changes: created / deleted flags and the items added and removed."""
    return {
        "event": "changes",
        "server_name": library.server_name,
        "library_name": library.name,
        "collection": collection.name,
        "created": collection.status == "created",
        "deleted": collection.status == "deleted",
        "additions": [{"title": i.title, "rating_key": i.rating_key} for i in collection.added],
        "removals": [{"title": i.title, "rating_key": i.rating_key} for i in collection.removed],
    }


def error_payloads(report: RunReport) -> list[dict[str, Any]]:
    """Every error of the run: run-level and library-level ones are critical, collection ones are not."""
    found: list[dict[str, Any]] = [{"event": "error", "error": e, "critical": True} for e in report.errors]
    for lib in report.libraries:
        where = {"server_name": lib.server_name, "library_name": lib.name}
        found += [{"event": "error", "error": e, "critical": True, **where} for e in lib.errors]
        for col in lib.collections:
            found += [
                {"event": "error", "error": e, "critical": False, **where, "collection": col.name}
                for e in col.errors
            ]
    return found
