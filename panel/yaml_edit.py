"""Structured edits of YAML text that keep everything else byte for byte (comments, key order, quotes).

An entry of a top-level section (``collections:``, ``overlays:``, ``templates:``, ``queues:``...) is
edited by splicing text: ruamel finds where the entry starts and ends, and only those lines change.
A JSON definition rewrites only the keys whose values changed (see ``panel.yaml_splice``), in the
file's own indentation and line endings, so anchors, aliases and ``<<:`` merge keys of unchanged keys
stay as written. A definition given as YAML text is put in verbatim (re-indented), comments included,
and may use the file's anchors. Comment and blank lines just before the next entry belong to that next
entry and are never touched. A missing section is appended at the end of the file; an emptied one
becomes ``{}``. Every edit is parsed again before it is returned: if any other entry or top-level key
would read differently, or the entry would not read as requested, it is refused with a ValueError.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from modules.yamlio import plain
from panel.yaml_splice import (
    Style,
    back_off,
    body_at,
    detect_style,
    dump_key,
    indent,
    inherited_only,
    is_trailer,
    make_yaml,
    replace_key,
    same,
    split_lines,
)

COLLECTIONS = "collections"
_NULL = r"(?:\{[ \t]*\}|~|null|Null|NULL)"
Definition = Mapping[str, Any] | str


def load_rt(text: str) -> Any:
    """Parse YAML text into ruamel's round-trip types (a ``CommentedMap`` for a mapping document)."""
    return make_yaml().load(text)


def dump_rt(data: Any) -> str:
    """Dump round-trip data back to YAML text (Kometa's 2-space style)."""
    out = io.StringIO()
    make_yaml().dump(data, out)
    return out.getvalue()


@dataclass(frozen=True)
class Span:
    """Lines ``start`` (the key line) to ``end`` (exclusive, 0-based) of one entry; ``col`` of its key,
    and the ``key`` as loaded (``1917`` is an int, ``~`` is None: the entry's name is its ``str``)."""

    start: int
    end: int
    col: int
    key: Any


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
    """Where each entry of ``section`` (the value of top-level ``key``) is in ``lines``, by name."""
    top = list(doc)
    after = top[top.index(key) + 1 :]
    limit = doc.lc.key(after[0])[0] if after else len(lines)
    names = [k for k, _v in section.non_merged_items()]
    starts = [section.lc.key(k)[0] for k in names]
    spans: dict[str, Span] = {}
    for i, name in enumerate(names):
        col = section.lc.key(name)[1]
        end = starts[i + 1] if i + 1 < len(names) else limit
        spans.setdefault(str(name), Span(starts[i], back_off(lines, starts[i], end, col), col, name))
    return spans


def _in_line_endings(text: str, edit: Callable[[str], str]) -> str:
    """``edit(text)`` done on LF text and given back with CRLF when every line of ``text`` ends so."""
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    if not crlf:
        return edit(text)
    return edit(text.replace("\r\n", "\n")).replace("\n", "\r\n")


def _key_line(name: Any, col: int, style: Style) -> str:
    """``name:`` at column ``col``, quoted as YAML needs."""
    return dump_key(name, None, col, style)[0].rstrip() + "\n"


def _yaml_entry(key_line: str, source: str, pad: int) -> list[str]:
    """``key_line`` followed by the YAML text ``source`` indented by ``pad``, verbatim."""
    body = [" " * pad + line if line.strip() else line for line in split_lines(source.rstrip() + "\n")]
    return [key_line, *body]


def _new_entry(name: str, definition: Definition, col: int, style: Style) -> list[str]:
    if isinstance(definition, str):
        return _yaml_entry(_key_line(name, col, style), definition, col + style.step)
    return dump_key(name, dict(definition), col, style)


def _add_section(text: str, doc: Any, key: str, name: str, definition: Definition) -> str:
    """Add ``name`` where ``key:`` has no block entries: under an empty ``key:`` line (kept, with its
    comment), or in a new section appended at the end; only a non-empty flow mapping is re-dumped."""
    if doc is not None and not isinstance(doc, CommentedMap):
        raise ValueError("the file is not a YAML mapping")
    style = detect_style(doc)
    if doc is None or key not in doc:
        head = text if not text or text.endswith("\n") else text + "\n"
        gap = "\n" if head.strip() else ""
        return "".join([head, gap, f"{key}:\n", *_new_entry(name, definition, style.step, style)])
    lines = split_lines(text)
    at = doc.lc.key(key)[0]
    found = _empty_header(key, lines[at])
    if found and not doc[key]:
        header = f"{key}:{found['comment'] or ''}\n"
        new = _new_entry(name, definition, style.step, style)
        return "".join([*lines[:at], header, *new, *lines[at + 1 :]])
    section = doc[key]
    if not isinstance(section, CommentedMap):
        raise ValueError(f"'{key}' is not a mapping")
    section.fa.set_block_style()
    section[name] = load_rt(definition) if isinstance(definition, str) else dict(definition)
    return dump_rt(doc)


def _replace_yaml(
    lines: list[str], section: CommentedMap, span: Span, source: str, style: Style
) -> list[str]:
    """The entry at ``span`` with YAML text ``source`` as its value: its key line is kept when the old
    value sat below it, and the text goes at the old value's column (else one step in)."""
    value = section[span.key]
    at = body_at(lines, value, span.start, span.end)
    key_line = lines[span.start] if at is not None else _key_line(span.key, span.col, style)
    deeper = at is not None and isinstance(value, CommentedMap) and at[1] > span.col
    return _yaml_entry(key_line, source, at[1] if at is not None and deeper else span.col + style.step)


def _set(text: str, doc: Any, key: str, name: str, definition: Definition) -> str:
    section = _section(doc, key)
    if section is None:
        return _add_section(text, doc, key, name, definition)
    lines = split_lines(text)
    spans = _spans(doc, key, section, lines)
    style = detect_style(doc)
    span = spans.get(name)
    if span is not None:
        if isinstance(definition, str):
            new = _replace_yaml(lines, section, span, definition, style)
        else:
            new = replace_key(lines, section, span.key, span.start, span.end, definition, style)
        return "".join([*lines[: span.start], *new, *lines[span.end :]])
    if not spans:
        raise ValueError(
            f"{key}: holds no entries of its own to add one beside (only a merge key?); edit the file"
        )
    last = max(spans.values(), key=lambda s: s.start)
    new = _new_entry(name, definition, last.col, style)
    blank = last.start > 0 and is_trailer(lines[last.start - 1], last.col)
    head = lines[: last.end]
    if head and not head[-1].endswith("\n"):
        head[-1] += "\n"
    return "".join([*head, *(["\n"] if blank else []), *new, *lines[last.end :]])


def set_entry(text: str, key: str, name: str, definition: Definition, path: str = "") -> str:
    """Replace (in place) or append entry ``name`` of top-level ``key``; ``definition`` is a mapping
    or YAML text. ValueError (naming ``path`` and the entry) when the result would not be right."""

    def edit(body: str) -> str:
        doc = load_rt(body)
        source = definition.replace("\r\n", "\n") if isinstance(definition, str) else definition
        try:
            out = _set(body, doc, key, name, source)
        except ValueError as exc:
            raise ValueError(f"{_where(path, key, name)}: {exc}") from exc
        check_edit(doc, out, key, name, source, path)
        return out

    return _in_line_endings(text, edit)


def _delete(text: str, doc: Any, key: str, name: str) -> str:
    section = _section(doc, key)
    lines = split_lines(text)
    span = _spans(doc, key, section, lines).get(name) if section is not None else None
    if section is None or span is None:
        raise KeyError(name)
    start = span.start
    while start > 0 and lines[start - 1].strip().startswith("#") and indent(lines[start - 1]) <= span.col:
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


def delete_entry(text: str, key: str, name: str, path: str = "") -> str:
    """Remove entry ``name`` of top-level ``key`` with the comment lines just above it (KeyError if it
    is not there); the last one leaves ``key: {}``, so the section stays a mapping."""

    def edit(body: str) -> str:
        doc = load_rt(body)
        out = _delete(body, doc, key, name)
        check_edit(doc, out, key, name, None, path)
        return out

    return _in_line_endings(text, edit)


def _top(doc: Any, key: str) -> dict[str, Any]:
    """The top-level values of a document other than ``key``, by name."""
    if isinstance(doc, Mapping):
        return {str(k): v for k, v in doc.items() if str(k) != key}
    return {} if doc is None else {"": doc}


def _entries(doc: Any, key: str) -> dict[str, Any]:
    """The entries of top-level ``key``, by name (none when it is missing or not a mapping)."""
    section = doc.get(key) if isinstance(doc, Mapping) else None
    found: dict[str, Any] = {}
    for name, value in section.items() if isinstance(section, Mapping) else []:
        found.setdefault(str(name), value)
    return found


def _changed(before: dict[str, Any], after: dict[str, Any], skip: str | None = None) -> list[str]:
    return [
        k
        for k in {**before, **after}
        if k != skip and (k not in before or k not in after or not same(before[k], after[k]))
    ]


def _where(path: str, key: str, name: str) -> str:
    return f"{path or 'the file'}: {key} entry '{name}'"


def check_edit(
    before: Any, text: str, key: str, name: str, definition: Definition | None, path: str = ""
) -> None:
    """ValueError unless ``text`` (``before`` edited) parses with every other top-level key and entry of
    ``key`` unchanged, and entry ``name`` as ``definition`` (gone when None; a mapping or list for text)."""
    where = _where(path, key, name)
    try:
        after = load_rt(text)
    except YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValueError(
            f"{where}: the edited file would not parse ({problem}); nothing was changed"
        ) from exc
    if changed := _changed(_top(before, key), _top(after, key)):
        raise ValueError(f"{where}: the edit would change top-level {', '.join(map(repr, changed))}; refused")
    old, new = _entries(before, key), _entries(after, key)
    if changed := _changed(old, new, skip=name):
        raise ValueError(
            f"{where}: the edit would change other entries ({', '.join(map(repr, changed))}); refused"
        )
    if definition is None:
        if name in new:
            raise ValueError(f"{where}: the entry is still there after deleting it; refused")
    elif isinstance(definition, str):
        if not isinstance(new.get(name), Mapping | list):
            raise ValueError(f"{where}: the definition must be a YAML mapping or list")
    elif name not in new or not same(new[name], definition):
        raise ValueError(f"{where}: the written entry would not read back as the definition given; refused")


def list_entries(text: str, path: str, key: str) -> list[dict[str, Any]]:
    """Every entry of top-level ``key`` as ``{id, file, name, line, definition, inherited, yaml}`` in
    file order; ``inherited`` names the keys of ``definition`` that only ``<<:`` merge keys give."""
    doc = load_rt(text)
    section = _section(doc, key)
    if section is None:
        return []
    lines = split_lines(text)
    items = []
    for name, span in _spans(doc, key, section, lines).items():
        value = section[span.key]
        items.append(
            {
                "id": f"{path}::{name}",
                "file": path,
                "name": name,
                "line": span.start + 1,
                "definition": plain(value),
                "inherited": inherited_only(value),
                "yaml": _definition_yaml(lines, span, value),
            }
        )
    return items


def _definition_yaml(lines: list[str], span: Span, value: Any) -> str:
    """The source text of an entry's value, dedented; a fresh dump when it sits on the key line."""
    body = lines[span.start + 1 : span.end]
    if not isinstance(value, CommentedMap | CommentedSeq) or value.fa.flow_style() or not body:
        return dump_rt(value)
    width = min(indent(line) for line in body if line.strip())
    text = "".join(line[min(width, indent(line)) :] if line.strip() else line for line in body)
    return text if text.endswith("\n") else text + "\n"


def set_collection(text: str, name: str, definition: Definition, path: str = "") -> str:
    """:func:`set_entry` under ``collections:``."""
    return set_entry(text, COLLECTIONS, name, definition, path)


def delete_collection(text: str, name: str, path: str = "") -> str:
    """:func:`delete_entry` under ``collections:``."""
    return delete_entry(text, COLLECTIONS, name, path)


def list_collections(text: str, path: str) -> list[dict[str, Any]]:
    """:func:`list_entries` under ``collections:``."""
    return list_entries(text, path, COLLECTIONS)
