"""Checks of config.yml on its own: `<<secret>>` placeholders, schedules, and keys the engine does not use.

The list of unused keys mirrors `modules.config`: what it reads is supported; every other key Kometa knows
(`tmdb:`, `overlay_files`, `settings.asset_folders` in a library...) is an `unsupported` warning, since the
engine skips it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from modules.config import INLINE_DEFINITIONS, LIBRARY_USED, TOP_LEVEL_USED
from modules.config_parts import (
    PLACEHOLDER_RE,
    PLEX_UNUSED,
    WEBHOOK_EVENTS,
    WEBHOOK_LEGACY,
    WEBHOOK_SERVICES,
    placeholder_hint,
)
from modules.config_settings import CONVERTERS, GLOBAL_ONLY, KNOWN_EXTRA, SETTINGS_RENAMES, is_plex_legacy
from modules.schedule import ScheduleError, parse_schedule
from modules.validate_document import Document, JsonPath, Problem

PLEX_USED = frozenset({"url", "token", "timeout", "verify_ssl"})
FILE_BLOCK_USED = frozenset(
    {"file", "folder", "default", "pmm", "url", "git", "repo", "template_variables", "schedule"}
)
# The file lists of a library and the kind of file each holds (None: either, by the file's own keys).
LIST_KINDS: dict[str, str | None] = {
    "collection_files": "collection",
    "metadata_files": "metadata",
    "image_files": "metadata",
    "overlay_files": "overlay",
    "metadata_path": None,
    "overlay_path": "overlay",
}
FILE_LIST_KEYS = tuple(LIST_KINDS)


def config_notes(
    document: Document, secrets: Mapping[str, str] | None, schema_errors: Collection[str] = ()
) -> list[Problem]:
    """Placeholder, schedule, value and unsupported-key findings of a parsed config.yml.

    Values the schema already rejected (`schema_errors`: their JSON pointers) are not checked again.
    """
    if not isinstance(document.data, dict):
        return []
    found = [
        *placeholders(document, secrets),
        *config_schedules(document),
        *engine_values(document),
        *unsupported(document),
    ]
    return [p for p in found if p.severity != "error" or not _inside(p.pointer, schema_errors)]


def _inside(where: str, pointers: Collection[str]) -> bool:
    """Whether `where` is at, inside or around one of `pointers`."""
    return any(where == p or where.startswith(p + "/") or p.startswith(where + "/") for p in pointers)


# --------------------------------------------------------------------------- secrets


def _strings(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text value with its path, except under template_variables (template placeholders live there)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "template_variables":
                yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def placeholders(document: Document, secrets: Mapping[str, str] | None) -> Iterator[Problem]:
    """`<<name>>` placeholders: warnings naming the variable to set, or errors when `secrets` lack them."""
    for path, text in _strings(document.data, ()):
        for name in dict.fromkeys(PLACEHOLDER_RE.findall(text)):
            variable = f"KOMETA_{name.upper()}"
            if secrets is None:
                message = f"`<<{name}>>` is filled from the panel's secret store or from {variable}"
                yield document.problem(path, "warning", "placeholder", message, placeholder_hint(name))
            elif name not in secrets and name.lower() not in secrets:
                message = f"`<<{name}>>` is not a known secret"
                yield document.problem(path, "error", "undeclared-secret", message, placeholder_hint(name))


# --------------------------------------------------------------------------- schedules


def schedule_problem(document: Document, path: JsonPath, value: Any) -> Problem | None:
    """A `bad-schedule` problem when a written schedule (no placeholders) does not parse."""
    if value is None or "<<" in repr(value):
        return None
    try:
        parse_schedule(value)
    except ScheduleError as exc:
        return document.problem(path, "error", "bad-schedule", f"`{path[-1]}`: {exc}")
    except (TypeError, AttributeError):
        return None  # not text: the schema reports the type
    return None


def config_schedules(document: Document) -> Iterator[Problem]:
    """Library schedules, file-block schedules and the schedules of listed operations."""
    libraries = document.data.get("libraries")
    for name, library in libraries.items() if isinstance(libraries, dict) else ():
        if not isinstance(library, dict):
            continue
        base: tuple[str | int, ...] = ("libraries", name)
        candidates = [((*base, "schedule"), library.get("schedule"))]
        for key in (*FILE_LIST_KEYS, "operations"):
            items = library.get(key)
            for index, item in enumerate(items if isinstance(items, list) else ()):
                if isinstance(item, dict) and "schedule" in item:
                    candidates.append(((*base, key, index, "schedule"), item["schedule"]))
        for path, value in candidates:
            problem = schedule_problem(document, path, value)
            if problem is not None:
                yield problem


# --------------------------------------------------------------------------- values the engine refuses


def _places(data: dict[str, Any], key: str) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path, value) of `key` at the top level and in every library."""
    yield (key,), data.get(key)
    libraries = data.get("libraries")
    for name, library in libraries.items() if isinstance(libraries, dict) else ():
        if isinstance(library, dict):
            yield ("libraries", name, key), library.get(key)


def engine_values(document: Document) -> Iterator[Problem]:
    """Settings, Plex URLs and webhook targets the engine would refuse although the schema allows them."""
    for path, node in _places(document.data, "settings"):
        for key, value in node.items() if isinstance(node, dict) else ():
            converter = CONVERTERS.get(SETTINGS_RENAMES.get(str(key), str(key)))
            if converter is None or value is None or "<<" in repr(value):
                continue
            try:
                converter(value)
            except ValueError as exc:
                yield document.problem((*path, key), "error", "bad-value", f"`{key}` {exc}")
    for path, node in _places(document.data, "plex"):
        url = node.get("url") if isinstance(node, dict) else None
        written = isinstance(url, str) and "<<" not in url and url.strip() not in ("", "env")
        if written and not str(url).strip().lower().startswith(("http://", "https://")):
            message = f"`url` must start with http:// or https:// (got {url!r})"
            yield document.problem((*path, "url"), "error", "bad-value", message)
    for path, node in _places(document.data, "webhooks"):
        yield from _webhook_targets(document, path, node)


def _webhook_targets(document: Document, path: JsonPath, node: Any) -> Iterator[Problem]:
    for event, value in node.items() if isinstance(node, dict) else ():
        for target in value if isinstance(value, list) else [value]:
            if not isinstance(target, str) or "<<" in target or not target.strip():
                continue
            text = target.strip().lower()
            if not text.startswith(("http://", "https://")) and text not in WEBHOOK_SERVICES:
                message = f"`{event}` must be a URL (http:// or https://) or one of {', '.join(WEBHOOK_SERVICES)} (got {target!r})"
                yield document.problem((*path, event), "error", "bad-value", message)


# --------------------------------------------------------------------------- keys the engine skips


def _set(value: Any) -> bool:
    return value not in (None, "", [], {})


def _note(document: Document, path: JsonPath, why: str = "is not used by this engine yet") -> Problem:
    return document.problem(path, "warning", "unsupported", f"`{'.'.join(map(str, path))}` {why}")


def unsupported(document: Document) -> Iterator[Problem]:
    """Keys Kometa knows that the engine skips, as `unsupported` warnings."""
    data = document.data
    for key, value in data.items():
        if key not in TOP_LEVEL_USED and _set(value):
            yield _note(document, (key,))
    yield from _settings(document, ("settings",), library=False)
    yield from _plex(document, ("plex",))
    yield from _webhooks(document, ("webhooks",), WEBHOOK_EVENTS)
    libraries = data.get("libraries")
    for name, library in libraries.items() if isinstance(libraries, dict) else ():
        if isinstance(library, dict):
            yield from _library(document, ("libraries", name), library)


def _get(data: Any, path: JsonPath) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _library(document: Document, path: JsonPath, library: dict[str, Any]) -> Iterator[Problem]:
    for key, value in library.items():
        if key == "settings":
            yield from _settings(document, (*path, key), library=True)
        elif key == "plex":
            yield from _plex(document, (*path, key))
        elif key == "webhooks":
            yield from _webhooks(document, (*path, key), ("changes",))
        elif key not in LIBRARY_USED and key not in INLINE_DEFINITIONS and _set(value):
            yield _note(document, (*path, key))
    blocks = library.get("collection_files")
    for index, block in enumerate(blocks if isinstance(blocks, list) else ()):
        for key, value in block.items() if isinstance(block, dict) else ():
            if key not in FILE_BLOCK_USED and _set(value):
                yield _note(document, (*path, "collection_files", index, key))


def _settings(document: Document, path: JsonPath, library: bool) -> Iterator[Problem]:
    node = _get(document.data, path)
    for key, value in node.items() if isinstance(node, dict) else ():
        canonical = SETTINGS_RENAMES.get(key, key)
        if value is None:
            continue
        if library and canonical in GLOBAL_ONLY:
            yield _note(document, (*path, key), "is only read from the global settings; here it is ignored")
        elif canonical not in CONVERTERS and canonical not in KNOWN_EXTRA:
            yield _note(document, (*path, key))


def _plex(document: Document, path: JsonPath) -> Iterator[Problem]:
    node = _get(document.data, path)
    for key, value in node.items() if isinstance(node, dict) else ():
        if value is None or key in PLEX_USED or is_plex_legacy(key):
            continue
        if key in PLEX_UNUSED and value in (False, "false"):
            continue
        yield _note(document, (*path, key))


def _webhooks(document: Document, path: JsonPath, events: tuple[str, ...]) -> Iterator[Problem]:
    node = _get(document.data, path)
    for key, value in node.items() if isinstance(node, dict) else ():
        event = "changes" if key in WEBHOOK_LEGACY else key
        if event not in events:
            if _set(value):
                yield _note(document, (*path, key))
            continue
        targets = value if isinstance(value, list) else [value]
        for target in targets:
            if isinstance(target, str) and target.strip().lower() in WEBHOOK_SERVICES:
                yield _note(
                    document,
                    (*path, key),
                    f"sends to {target.strip().lower()}, which this engine does not yet",
                )
