"""Parts of config.yml besides settings and file blocks: `<<secret>>` placeholders, `plex:`, `webhooks:`."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from modules.config_settings import convert, int_at_least, is_plex_legacy, to_bool, to_str
from modules.errors import ConfigError, Location
from modules.yamlio import plain, where

PLACEHOLDER_RE = re.compile(r"<<([A-Za-z0-9_]+)>>")
PLEX_UNUSED = ("db_cache", "clean_bundles", "empty_trash", "optimize")
WEBHOOK_EVENTS = ("run_start", "run_end", "error", "changes")
WEBHOOK_LEGACY = ("collection_creation", "collection_addition", "collection_removal", "collection_changes")
WEBHOOK_SERVICES = ("notifiarr", "gotify", "ntfy", "apprise")


# --------------------------------------------------------------------------- secrets


def substitute_secrets(
    node: Any, source: str, secrets: Mapping[str, str], path: str = "", only: Collection[str] | None = None
) -> None:
    """Replace `<<name>>` in every string value under `node`, in place, except under template_variables.

    `only` limits a mapping's direct children to those keys (parts the engine does not use are left alone).
    """
    if isinstance(node, dict):
        keys = [k for k in node if only is None or k in only]
        children: list[tuple[Any, str]] = [(k, f"{path}.{k}" if path else str(k)) for k in keys]
    elif isinstance(node, list):
        children = [(i, f"{path}[{i}]") for i in range(len(node))]
    else:
        return
    for key, child_path in children:
        if key == "template_variables":
            continue
        value = node[key]
        if isinstance(value, str):
            if "<<" in value:
                node[key] = fill_secrets(value, secrets, child_path, where(node, source, key))
        else:
            substitute_secrets(value, source, secrets, child_path)


def placeholder_hint(name: str) -> str:
    """Where the value of ``<<name>>`` comes from, said the same way by the validator, the panel's secret
    scan and the docs: the panel's secret store, or the environment of the engine."""
    flag = name.lower().replace("_", "-")
    return (
        f"store it in the panel's secret store as {name!r} (Secrets, or PUT /api/secrets/{name}), or set "
        f"KOMETA_{name.upper()} (or pass --kometa-{flag}) where the engine runs"
    )


def fill_secrets(text: str, secrets: Mapping[str, str], path: str, location: Location) -> str:
    """`text` with each `<<name>>` replaced by `secrets[name]` (or its lower-case name)."""

    def replace(match: re.Match[str]) -> str:
        """The secret for one placeholder."""
        name = match[1]
        for candidate in (name, name.lower()):
            if candidate in secrets:
                return secrets[candidate]
        raise ConfigError(f"{path} uses <<{name}>>, but KOMETA_{name.upper()} is not set", location)

    return PLACEHOLDER_RE.sub(replace, text)


# --------------------------------------------------------------------------- plex


@dataclass
class PlexConfig:
    """How to reach the Plex server."""

    url: str
    token: str
    timeout: int = 60
    verify_ssl: bool = True


def plex_fields(
    parent: Any,
    key: str,
    source: str,
    secrets: Mapping[str, str],
    unsupported: list[tuple[str, Location]],
    prefix: str = "plex",
) -> dict[str, Any]:
    """The keys set in the `plex:` mapping `parent[key]`, converted; `url: env` / `token: env` use secrets."""
    node = parent.get(key)
    if node is None:
        return {}
    if not isinstance(node, dict):
        raise ConfigError(
            f"{prefix}: must be a mapping with url and token, got {plain(node)!r}", where(parent, source, key)
        )
    fields: dict[str, Any] = {}
    for name, value in node.items():
        path, loc = f"{prefix}.{name}", where(node, source, name)
        if value is None or is_plex_legacy(str(name)):
            continue  # legacy keys are read as settings
        if name in ("url", "token"):
            text = convert(value, to_str, path, loc).strip()
            if text == "env":
                text = _from_env(f"plex_{name}", secrets, path, loc)
            fields[name] = _plex_url(text, path, loc) if name == "url" else text
        elif name == "timeout":
            fields[name] = convert(value, int_at_least(1), path, loc)
        elif name == "verify_ssl":
            fields[name] = convert(value, to_bool, path, loc)
        elif name not in PLEX_UNUSED or value not in (False, "false"):
            unsupported.append((path, loc))
    return fields


def _from_env(name: str, secrets: Mapping[str, str], path: str, location: Location) -> str:
    """The `plex_url` / `plex_token` secret that `env` stands for."""
    if secrets.get(name, "").strip():
        return secrets[name].strip()
    raise ConfigError(f"{path} is env, but KOMETA_{name.upper()} is not set", location)


def _plex_url(text: str, path: str, location: Location) -> str:
    """An http(s) URL without a trailing slash."""
    if not text.lower().startswith(("http://", "https://")):
        raise ConfigError(f"{path}: must start with http:// or https://, got {text!r}", location)
    return text.rstrip("/")


def build_plex(fields: Mapping[str, Any], owner: str, location: Location) -> PlexConfig:
    """A PlexConfig from merged fields; url and token are required."""
    for key in ("url", "token"):
        if not fields.get(key):
            raise ConfigError(f"{owner}: no Plex {key}; set plex.{key} or {owner}.plex.{key}", location)
    return PlexConfig(**fields)


# --------------------------------------------------------------------------- webhooks


@dataclass
class Webhooks:
    """Webhook URLs per event; named services (notifiarr, gotify, ...) are kept in `named` but not run."""

    run_start: list[str] = field(default_factory=list)
    run_end: list[str] = field(default_factory=list)
    error: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    named: dict[str, list[str]] = field(default_factory=dict)


def parse_webhooks(
    parent: Any,
    key: str,
    source: str,
    unsupported: list[tuple[str, Location]],
    prefix: str = "webhooks",
    events: tuple[str, ...] = WEBHOOK_EVENTS,
) -> Webhooks:
    """The `webhooks:` mapping `parent[key]`; legacy collection_* events join `changes`."""
    hooks = Webhooks()
    node = parent.get(key)
    if node is None:
        return hooks
    if not isinstance(node, dict):
        raise ConfigError(
            f"{prefix}: must be a mapping of event: URL, got {plain(node)!r}", where(parent, source, key)
        )
    for name, value in node.items():
        path, loc = f"{prefix}.{name}", where(node, source, name)
        event = "changes" if name in WEBHOOK_LEGACY else str(name)
        if event not in events:
            if value not in (None, [], ""):
                unsupported.append((path, loc))
            continue
        for target in _webhook_targets(value, path, loc):
            if target.lower() in WEBHOOK_SERVICES:
                hooks.named.setdefault(event, []).append(target.lower())
                unsupported.append((f"{path}: {target.lower()}", loc))
            elif target not in getattr(hooks, event):
                getattr(hooks, event).append(target)
    return hooks


def _webhook_targets(value: Any, path: str, location: Location) -> list[str]:
    """A URL, a service name, or a list of them; null is none."""
    items = [] if value is None else value if isinstance(value, list) else [value]
    targets = []
    for item in items:
        if item is None:
            continue
        text = item.strip() if isinstance(item, str) else ""
        if not (text.lower().startswith(("http://", "https://")) or text.lower() in WEBHOOK_SERVICES):
            raise ConfigError(
                f"{path}: must be a URL (http:// or https://) or one of {', '.join(WEBHOOK_SERVICES)}, "
                f"got {plain(item)!r}",
                location,
            )
        targets.append(text)
    return targets
