"""Structured edits of YAML text that keep everything else byte for byte (comments, key order, quotes).

An entry of a top-level section (``collections:``, ``overlays:``, ``templates:``, ``queues:``...) is
edited by splicing text: ruamel finds where the entry starts and ends, the new entry is dumped with
the same settings (at the same nesting, so it is indented like the rest of the file), and only those
lines are replaced. Comment and blank lines just before the next entry belong to that next entry and
are never touched. A missing section is appended at the end of the file; an emptied one becomes ``{}``.

When a JSON definition replaces an existing one it is merged into the loaded entry first, so values
that did not change keep their comments, quotes and flow style. A definition given as YAML text is
put in verbatim (re-indented), comments included.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from modules.yamlio import plain

COLLECTIONS = "collections"
_LINES = re.compile(r"[^\n]*\n|[^\n]+$")
_NULL = r"(?:\{[ \t]*\}|~|null|Null|NULL)"


def _yaml() -> YAML:
    """ruamel round-trip settings matching the Kometa style of ``config-repo/`` and ``defaults/``."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_duplicate_keys = False
    return yaml


def load_rt(text: str) -> Any:
    """Parse YAML text into ruamel's round-trip types (a ``CommentedMap`` for a mapping document)."""
    return _yaml().load(text)


def dump_rt(data: Any) -> str:
    """Dump round-trip data back to YAML text."""
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


@dataclass(frozen=True)
class Span:
    """Lines ``start`` (the key line) to ``end`` (exclusive, 0-based) of one entry; ``col`` of its key."""

    start: int
    end: int
    col: int


def _lines(text: str) -> list[str]:
    return _LINES.findall(text)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_trailer(line: str, col: int) -> bool:
    """A blank line, or a comment no deeper than the entry keys (it belongs to what follows)."""
    stripped = line.strip()
    return not stripped or (stripped.startswith("#") and _indent(line) <= col)


def _back_off(lines: list[str], start: int, end: int, col: int) -> int:
    while end > start + 1 and _is_trailer(lines[end - 1], col):
        end -= 1
    return end


def _empty_header(key: str, line: str) -> re.Match[str] | None:
    """``key:`` with no value (or ``{}`` / ``null``) and maybe a comment: an empty section's key line."""
    pattern = rf"{re.escape(key)}[ \t]*:(?:[ \t]+{_NULL})?(?P<comment>[ \t]+#[^\n]*)?[ \t]*\n?"
    return re.fullmatch(pattern, line)


def _section(doc: Any, key: str) -> CommentedMap | None:
    """The top-level ``key:`` mapping of a loaded document, if it is a non-empty block mapping."""
    if not isinstance(doc, CommentedMap):
        return None
    section = doc.get(key)
    if isinstance(section, CommentedMap) and len(section) and not section.fa.flow_style():
        return section
    return None


def _spans(doc: CommentedMap, key: str, section: CommentedMap, lines: list[str]) -> dict[str, Span]:
    """Where each entry of ``section`` (the value of top-level ``key``) is in ``lines``."""
    top = list(doc)
    after = top[top.index(key) + 1 :]
    limit = doc.lc.key(after[0])[0] if after else len(lines)
    names = list(section)
    starts = [section.lc.key(k)[0] for k in names]
    spans: dict[str, Span] = {}
    for i, name in enumerate(names):
        col = section.lc.key(name)[1]
        end = starts[i + 1] if i + 1 < len(names) else limit
        spans[str(name)] = Span(starts[i], _back_off(lines, starts[i], end, col), col)
    return spans


def _same(a: Any, b: Any) -> bool:
    return json.dumps(plain(a), sort_keys=True) == json.dumps(plain(b), sort_keys=True)


def merge(old: Any, new: Any) -> Any:
    """``new`` with as much of ``old`` (comments, quotes, flow style, key order) kept as still applies."""
    if isinstance(old, CommentedMap) and isinstance(new, Mapping):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = merge(old[key], value) if key in old else value
        return old
    if _same(old, new):
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        seq = CommentedSeq(new)
        if old.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    return new


def _entry_text(name: str, value: Any, key_ca: Any = None) -> list[str]:
    """The lines of ``name: value`` dumped at the nesting of an entry of a top-level section."""
    entry = CommentedMap([(name, value)])
    if key_ca is not None:  # the key's own comments, without those before it (they are not in the span)
        entry.ca.items[name] = [None, None, *key_ca[2:]]
    text = dump_rt(CommentedMap([("section", entry)]))
    lines = _lines(text)[1:]  # without "section:"
    while lines and not lines[0].strip():
        lines.pop(0)
    col = _indent(lines[0]) if lines else 0
    return lines[: _back_off(lines, 0, len(lines), col)]


def _own(lines: list[str], span: Span, section: CommentedMap, name: str) -> tuple[Any, Any]:
    """The entry's value and key comments parsed from its own lines, so no comment of what follows
    it (held by its last key in the whole document) moves when keys are added after that key."""
    try:
        own = load_rt("".join(lines[span.start : span.end]))
    except YAMLError:  # e.g. an alias to an anchor outside the entry
        own = None
    if isinstance(own, CommentedMap) and len(own) == 1:
        key = next(iter(own))
        return own[key], own.ca.items.get(key)
    return section[name], section.ca.items.get(name)


def _yaml_entry(name: str, source: str, col: int) -> list[str]:
    """``name:`` followed by the YAML text ``source`` (a mapping or list) indented under it, verbatim."""
    if not isinstance(load_rt(source), Mapping | list):
        raise ValueError("the definition must be a YAML mapping or list")
    key = _entry_text(name, None)[0].rstrip("\n").rstrip()
    pad = " " * (col + 2)
    body = [pad + line if line.strip() else line for line in _lines(source.rstrip() + "\n")]
    return [" " * col + key.lstrip() + "\n", *body]


def _new_entry(name: str, definition: Mapping[str, Any] | str, col: int) -> list[str]:
    if isinstance(definition, str):
        return _yaml_entry(name, definition, col)
    return _entry_text(name, dict(definition))


def _add_section(text: str, doc: Any, key: str, name: str, definition: Mapping[str, Any] | str) -> str:
    """Add ``name`` where ``key:`` has no block entries: under an empty ``key:`` line (kept, with its
    comment), or in a new section appended at the end; only a non-empty flow mapping is re-dumped."""
    if doc is not None and not isinstance(doc, CommentedMap):
        raise ValueError("the file is not a YAML mapping")
    if doc is None or key not in doc:
        head = text if not text or text.endswith("\n") else text + "\n"
        gap = "\n" if head.strip() else ""
        return "".join([head, gap, f"{key}:\n", *_new_entry(name, definition, 2)])
    lines = _lines(text)
    at = doc.lc.key(key)[0]
    found = _empty_header(key, lines[at])
    if found and not doc[key]:
        header = f"{key}:{found['comment'] or ''}\n"
        return "".join([*lines[:at], header, *_new_entry(name, definition, 2), *lines[at + 1 :]])
    section = doc[key]
    if not isinstance(section, CommentedMap):
        raise ValueError(f"'{key}' is not a mapping")
    section.fa.set_block_style()
    section[name] = load_rt(definition) if isinstance(definition, str) else dict(definition)
    return dump_rt(doc)


def set_entry(text: str, key: str, name: str, definition: Mapping[str, Any] | str) -> str:
    """Replace (in place) or append entry ``name`` of top-level ``key``; ``definition`` is a mapping
    or YAML text."""
    doc = load_rt(text)
    section = _section(doc, key)
    if section is None:
        return _add_section(text, doc, key, name, definition)
    lines = _lines(text)
    spans = _spans(doc, key, section, lines)
    if name in spans:
        span = spans[name]
        if isinstance(definition, str):
            new = _yaml_entry(name, definition, span.col)
        else:
            value, key_ca = _own(lines, span, section, name)
            new = _entry_text(name, merge(value, definition), key_ca)
        return "".join([*lines[: span.start], *new, *lines[span.end :]])
    last = spans[str(list(section)[-1])]
    new = _new_entry(name, definition, last.col)
    blank = last.start > 0 and _is_trailer(lines[last.start - 1], last.col)
    head = lines[: last.end]
    if head and not head[-1].endswith("\n"):
        head[-1] += "\n"
    return "".join([*head, *(["\n"] if blank else []), *new, *lines[last.end :]])


def delete_entry(text: str, key: str, name: str) -> str:
    """Remove entry ``name`` of top-level ``key`` with the comment lines just above it (KeyError if it
    is not there); the last one leaves ``key: {}``, so the section stays a mapping."""
    doc = load_rt(text)
    section = _section(doc, key)
    if section is None or name not in section:
        raise KeyError(name)
    lines = _lines(text)
    span = _spans(doc, key, section, lines)[name]
    start = span.start
    while start > 0 and lines[start - 1].strip().startswith("#") and _indent(lines[start - 1]) <= span.col:
        start -= 1
    end = span.end
    emptied = len(section) == 1
    if start > 0 and not lines[start - 1].strip():
        while start > 0 and not lines[start - 1].strip():
            start -= 1
    elif not emptied:
        while end < len(lines) and not lines[end].strip():
            end += 1
    if emptied:
        at = doc.lc.key(key)[0]
        found = _empty_header(key, lines[at])
        if found:
            lines[at] = f"{key}: {{}}{found['comment'] or ''}\n"
    return "".join([*lines[:start], *lines[end:]])


def list_entries(text: str, path: str, key: str) -> list[dict[str, Any]]:
    """Every entry of top-level ``key`` as ``{id, file, name, line, definition, yaml}`` in file order."""
    doc = load_rt(text)
    section = _section(doc, key)
    if section is None:
        return []
    lines = _lines(text)
    items = []
    for name, span in _spans(doc, key, section, lines).items():
        value = section[name]
        items.append(
            {
                "id": f"{path}::{name}",
                "file": path,
                "name": name,
                "line": span.start + 1,
                "definition": plain(value),
                "yaml": _definition_yaml(lines, span, value),
            }
        )
    return items


def _definition_yaml(lines: list[str], span: Span, value: Any) -> str:
    """The source text of an entry's value, dedented; a fresh dump when it sits on the key line."""
    body = lines[span.start + 1 : span.end]
    if not isinstance(value, CommentedMap | CommentedSeq) or value.fa.flow_style() or not body:
        return dump_rt(value)
    width = min(_indent(line) for line in body if line.strip())
    text = "".join(line[min(width, _indent(line)) :] if line.strip() else line for line in body)
    return text if text.endswith("\n") else text + "\n"


def set_collection(text: str, name: str, definition: Mapping[str, Any] | str) -> str:
    """:func:`set_entry` under ``collections:``."""
    return set_entry(text, COLLECTIONS, name, definition)


def delete_collection(text: str, name: str) -> str:
    """:func:`delete_entry` under ``collections:``."""
    return delete_entry(text, COLLECTIONS, name)


def list_collections(text: str, path: str) -> list[dict[str, Any]]:
    """:func:`list_entries` under ``collections:``."""
    return list_entries(text, path, COLLECTIONS)
