"""Staging an existing Kometa config folder for the config repository: paths and secrets, nothing written.

- **Root.** An upload whose files all sit in one folder with ``config.yml`` in it (``config/config.yml``,
  a zipped folder) is taken from that folder.
- **Paths.** Kometa runs in its config folder's parent (``config/Movies.yml``) or in a container that
  mounts it at ``/config`` (``/config/Movies.yml``). Every ``file:``, ``folder:``, ``file_poster:``,
  ``file_background:`` and ``asset_directory:`` value, and every plain path in a file list, that starts
  with ``config/`` or ``/config/`` and names something in the upload is rewritten to its repository path,
  in the text itself (comments, quotes and layout stay); one that names nothing uploaded is left and noted.
- **Secrets.** :mod:`panel.secret_scan` finds literal credentials (the Plex token, API keys, webhook
  URLs) and the values of stored secrets; each becomes a ``<<name>>`` placeholder in the staged text, and
  one secret per distinct value is proposed with every place it was found.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from modules.errors import KometaError
from modules.yamlio import parse
from panel.import_zip import Upload, UploadError
from panel.secret_scan import Finding, scan_files, scan_values

CONFIG = "config.yml"
PREFIXES = ("/config/", "config/")
PATH_KEYS = frozenset({"file", "folder", "file_poster", "file_background", "asset_directory"})
LIST_KEYS = frozenset(
    {"collection_files", "overlay_files", "metadata_files", "playlist_files", "metadata_path", "overlay_path"}
)
_PLACEHOLDER_NAME = re.compile(r"<<([a-z0-9_]+)>>")
_SECRET_RUN = re.compile(r"[^\s\"'&#,;]+")


@dataclass
class Rewrite:
    """One path value changed in a file's text."""

    file: str
    line: int
    old: str
    new: str


@dataclass
class ProposedSecret:
    """One proposed secret: its placeholder name, its value (never shown), and where it was written."""

    name: str
    value: str
    kind: str
    stored: bool = False
    where: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "placeholder": f"<<{self.name}>>",
            "kind": self.kind,
            "already_stored": self.stored,
            "where": self.where,
        }


@dataclass
class Staged:
    """The files as they would be committed, with the rewrites and secrets that made them so."""

    files: dict[str, str]
    rewrites: list[Rewrite] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[ProposedSecret] = field(default_factory=list)


def stage(upload: Upload, stored: dict[str, str]) -> Staged:
    """The upload's text files with Kometa's paths mapped and literal secrets turned into placeholders."""
    files = _rooted({path: data.decode("utf-8") for path, data in upload.files.items()})
    staged = Staged(files)
    for path in sorted(files):
        if path.lower().endswith((".yml", ".yaml")):
            files[path] = _map_paths(staged, path, files[path], set(files))
    _replace_secrets(staged, stored)
    return staged


def _rooted(files: dict[str, str]) -> dict[str, str]:
    """The files from the folder that holds config.yml (the upload's root, or its one top folder)."""
    if CONFIG in files:
        return files
    tops = {path.split("/", 1)[0] for path in files}
    if len(tops) == 1:
        top = tops.pop()
        if f"{top}/{CONFIG}" in files:
            return {path[len(top) + 1 :]: text for path, text in files.items()}
    raise UploadError("the upload has no config.yml at its root or in its one top folder")


# --------------------------------------------------------------------------- paths


def _map_paths(staged: Staged, path: str, text: str, uploaded: set[str]) -> str:
    """``text`` with every ``config/...`` or ``/config/...`` path that names an uploaded file rewritten."""
    try:
        data = parse(text, path)
    except KometaError:
        return text  # the validator reports the syntax error at its place
    edits: list[tuple[int, int, str, str]] = []
    for line, column, value in _path_values(data, None):
        target = _target(value, uploaded)
        if target is None:
            if value.startswith(PREFIXES):
                note = f"{value} names nothing in the upload; it was left as written"
                staged.notes.append({"file": path, "line": line + 1, "message": note})
            continue
        edits.append((line, column, value, target))
    lines = text.splitlines(keepends=True)
    for line, column, old, new in sorted(edits, reverse=True):
        current = lines[line]
        start = column + 1 if current[column : column + 1] in ("'", '"') else column
        if current.startswith(old, start):
            lines[line] = current[:start] + new + current[start + len(old) :]
            staged.rewrites.append(Rewrite(path, line + 1, old, new))
    staged.rewrites.sort(key=lambda r: (r.file, r.line))
    return "".join(lines)


def _path_values(node: Any, key: Any) -> Iterator[tuple[int, int, str]]:
    """(0-based line, column, value) of every path value in a parsed YAML document."""
    if isinstance(node, dict):
        for child_key, child in node.items():
            if isinstance(child, str) and child_key in PATH_KEYS:
                line, column = getattr(node, "lc").value(child_key)  # noqa: B009 - ruamel's marks
                yield line, column, child
            else:
                yield from _path_values(child, child_key)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            if isinstance(child, str) and key in LIST_KEYS:
                line, column = getattr(node, "lc").item(index)  # noqa: B009 - ruamel's marks
                yield line, column, child
            else:
                yield from _path_values(child, key)


def _target(value: str, uploaded: set[str]) -> str | None:
    """The repository path a ``config/``- or ``/config/``-prefixed value stands for, if it was uploaded."""
    prefix = next((p for p in PREFIXES if value.startswith(p)), None)
    if prefix is None:
        return None
    inside = posixpath.normpath(value[len(prefix) :])
    if inside.startswith("..") or inside == ".":
        return None
    stem = inside[: -len(posixpath.splitext(inside)[1])] if inside.endswith((".yml", ".yaml")) else inside
    names = {inside, f"{stem}.yml", f"{stem}.yaml"}
    if names & uploaded or any(p.startswith(f"{inside}/") for p in uploaded):
        return inside + ("/" if value.endswith("/") else "")
    return None


# --------------------------------------------------------------------------- secrets


def _replace_secrets(staged: Staged, stored: dict[str, str]) -> None:
    """Every literal secret replaced by its placeholder, one proposal per distinct value."""
    files = staged.files
    findings = scan_files(files) + scan_values(files, stored)
    by_value: dict[str, ProposedSecret] = {}
    edits: dict[str, list[tuple[int, int, str, str]]] = {}
    for finding in sorted(findings, key=lambda f: (f.file, f.line, f.column)):
        column, value = _secret_text(files[finding.file], finding)
        if not value:
            continue
        secret = by_value.get(value)
        if secret is None:
            secret = _proposal(finding, value, stored, {s.name for s in by_value.values()})
            by_value[value] = secret
        place = {
            "file": finding.file,
            "line": finding.line,
            "column": finding.column,
            "pointer": finding.pointer,
        }
        if place not in secret.where:
            secret.where.append(place)
            edits.setdefault(finding.file, []).append((finding.line, column, value, secret.name))
    for path, changes in edits.items():
        lines = files[path].splitlines(keepends=True)
        for line, column, value, name in sorted(set(changes), reverse=True):
            current = lines[line - 1]
            if current.startswith(value, column - 1):
                lines[line - 1] = current[: column - 1] + f"<<{name}>>" + current[column - 1 + len(value) :]
        files[path] = "".join(lines)
    staged.secrets = sorted(by_value.values(), key=lambda s: s.name)


def _secret_text(text: str, finding: Finding) -> tuple[int, str]:
    """The 1-based column and text of the literal at the finding's place (past an opening quote)."""
    lines = text.splitlines()
    if not 0 < finding.line <= len(lines):
        return finding.column, ""
    column = finding.column
    rest = lines[finding.line - 1][column - 1 :]
    if rest[:1] in ("'", '"'):
        column, rest = column + 1, rest[1:]
    match = _SECRET_RUN.match(rest)
    return column, match.group(0) if match else ""


def _proposal(finding: Finding, value: str, stored: dict[str, str], taken: set[str]) -> ProposedSecret:
    """A secret for a newly found value: a stored secret of the same value keeps its name."""
    same = next((name for name, known in stored.items() if known.strip() == value), None)
    if same is not None:
        return ProposedSecret(same, value, finding.kind, stored=True)
    found = _PLACEHOLDER_NAME.search(finding.message)
    base = found.group(1) if found else "secret"
    name, number = base, 2
    while name in taken or name in stored:
        name, number = f"{base}_{number}", number + 1
    return ProposedSecret(name, value, finding.kind)
