"""Key-level splicing of a block mapping's lines, in the file's own indentation.

Used by ``panel.yaml_edit``: when a new value replaces a block mapping, only the lines of keys whose
values changed are rewritten; unchanged keys (anchors, aliases and ``<<:`` merge keys included), comment
and blank lines stay byte for byte. A changed key is dumped at its own column with the file's step.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

_LINES = re.compile(r"[^\n]*\n|[^\n]+$")
_MERGE_LINE = re.compile(r"<<[ \t]*:")
_KEPT_STYLES = (SingleQuotedScalarString, DoubleQuotedScalarString, LiteralScalarString, FoldedScalarString)


@dataclass(frozen=True)
class Style:
    """How a file indents: ``step`` spaces per mapping level, ``dash`` columns from a key to the ``-``
    of its block sequence's items."""

    step: int = 2
    dash: int = 2


def make_yaml(style: Style = Style()) -> YAML:
    """ruamel round-trip settings (quotes kept, long lines unwrapped) indenting like ``style``."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=style.step, sequence=style.dash + 2, offset=style.dash)
    yaml.allow_duplicate_keys = False
    return yaml


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, each with its line break (the last may have none)."""
    return _LINES.findall(text)


def indent(line: str) -> int:
    """Leading spaces of ``line``."""
    return len(line) - len(line.lstrip(" "))


def is_trailer(line: str, col: int) -> bool:
    """A blank line, or a comment no deeper than the keys at ``col`` (it belongs to what follows)."""
    stripped = line.strip()
    return not stripped or (stripped.startswith("#") and indent(line) <= col)


def back_off(lines: list[str], start: int, end: int, col: int) -> int:
    """``end`` moved back over the trailer lines that close a span starting at ``start``."""
    while end > start + 1 and is_trailer(lines[end - 1], col):
        end -= 1
    return end


def _blocks(node: Any, seen: set[int]) -> Iterator[tuple[int, int, Any]]:
    """``(key line, key column, value)`` of every key of every block mapping under ``node``."""
    if id(node) in seen or not isinstance(node, CommentedMap | CommentedSeq):
        return
    seen.add(id(node))
    if isinstance(node, CommentedSeq):
        for value in node:
            yield from _blocks(value, seen)
        return
    for key, value in node.non_merged_items():
        line, col = node.lc.key(key)
        yield line, col, value
        yield from _blocks(value, seen)


def detect_style(doc: Any) -> Style:
    """The most common mapping step and sequence dash offset of a loaded document (Kometa's 2/2 when
    it has none)."""
    steps: Counter[int] = Counter()
    dashes: Counter[int] = Counter()
    for line, col, value in _blocks(doc, set()):
        if not isinstance(value, CommentedMap | CommentedSeq) or value.fa.flow_style() or not value:
            continue
        if value.lc.line <= line:
            continue
        if isinstance(value, CommentedMap) and value.lc.col > col:
            steps[value.lc.col - col] += 1
        elif isinstance(value, CommentedSeq) and value.lc.col >= col:
            dashes[value.lc.col - col] += 1
    step = steps.most_common(1)[0][0] if steps else 2
    return Style(step, dashes.most_common(1)[0][0] if dashes else step)


def canon(value: Any) -> Any:
    """A comparable form of loaded or JSON data: keys as strings, scalars tagged with their kind."""
    if isinstance(value, Mapping):
        return sorted((str(k), canon(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return [canon(v) for v in value]
    if value is None:
        return ("null", "")
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":
        return ("bool", str(bool(value)))
    if isinstance(value, int | float):
        return ("num", repr(float(value)))
    return (type(value).__name__ if not isinstance(value, str) else "str", str(value))


def same(a: Any, b: Any) -> bool:
    """Equal as data, whatever the ruamel types, comments or styles."""
    return bool(canon(a) == canon(b))


def merge(old: Any, new: Any) -> Any:
    """``new`` with as much of ``old`` (comments, quotes, flow style, key order) kept as still applies."""
    if isinstance(old, CommentedMap) and isinstance(new, Mapping):
        for key in [k for k in old if str(k) not in {str(n) for n in new}]:
            del old[key]
        keys = {str(k): k for k in old}
        for key, value in new.items():
            mine = keys.get(str(key), key)
            old[mine] = merge(old[mine], value) if mine in old else value
        return old
    if same(old, new):
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        seq = CommentedSeq(new)
        if old.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    if isinstance(old, _KEPT_STYLES) and isinstance(new, str):
        return type(old)(new)
    return new


def dump_key(key: Any, value: Any, col: int, style: Style, key_ca: Any = None) -> list[str]:
    """The lines of ``key: value`` with the key at column ``col``, without trailing comment or blank
    lines; ``key_ca`` are the key's own comments in its parent (those before it are dropped)."""
    entry = CommentedMap([(key, value)])
    if key_ca is not None:
        entry.ca.items[key] = [None, None, *key_ca[2:]]
    depth, shift = (col // style.step, 0) if col % style.step == 0 else (0, col)
    doc = entry
    for _ in range(depth):  # nest so comments kept from the file land at their own columns
        doc = CommentedMap([("_", doc)])
    out = io.StringIO()
    make_yaml(style).dump(doc, out)
    lines = [" " * shift + line if line.strip() else line for line in split_lines(out.getvalue())[depth:]]
    while len(lines) > 1 and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    return lines


def _tail(lines: list[str], start: int, end: int) -> list[str]:
    """The comment and blank lines closing ``lines[start:end]`` after its last line of data."""
    cut = end
    while cut > start + 1 and (not lines[cut - 1].strip() or lines[cut - 1].lstrip().startswith("#")):
        cut -= 1
    return lines[cut:end]


def _inherited(node: CommentedMap) -> set[str]:
    """Names of the keys ``node`` gets from its ``<<:`` merge keys (some may be overridden)."""
    return {str(k) for source in getattr(node, "merge", []) for k in source}


def inherited_only(value: Any) -> list[str]:
    """Names of the keys of a loaded mapping that come only from its ``<<:`` merge keys, in order."""
    if not isinstance(value, CommentedMap):
        return []
    own = {k for k, _v in value.non_merged_items()}
    return [str(k) for k in value if k not in own]


def _boundaries(
    lines: list[str], node: CommentedMap, start: int, col: int, end: int
) -> list[tuple[int, Any]]:
    """``(line, own key)`` of each key of ``node`` in file order; ``<<:`` lines come with key None."""
    found = [(node.lc.key(k)[0], k) for k, _v in node.non_merged_items()]
    merges = [
        (i, None) for i in range(start, end) if indent(lines[i]) == col and _MERGE_LINE.match(lines[i], col)
    ]
    return sorted([*found, *merges], key=lambda pair: pair[0])


def body_at(lines: list[str], node: Any, line: int, stop: int) -> tuple[int, int] | None:
    """``(first line, column)`` of the block collection ``node`` when it is written below its key (on
    ``line``) within ``lines[:stop]``; None when it is not (flow, empty, or an alias of one elsewhere)."""
    if not isinstance(node, CommentedMap | CommentedSeq) or node.fa.flow_style() or not node:
        return None
    if isinstance(node, CommentedSeq):
        first = node.lc.item(0)[0]
    else:
        own = [node.lc.key(k)[0] for k, _v in node.non_merged_items()]
        first = min(own) if own else node.lc.line
    if not line < first < stop:
        return None
    start = next(
        i for i in range(line + 1, stop) if lines[i].strip() and not lines[i].lstrip().startswith("#")
    )
    return start, indent(lines[start])


def splice_block(
    lines: list[str], node: CommentedMap, at: tuple[int, int], end: int, new: Mapping[str, Any], style: Style
) -> list[str]:
    """Replacement for ``lines[start:end]`` (the block mapping ``node``, its keys at ``at`` = ``(start,
    col)``) holding ``new``: only keys whose value changed are rewritten, new keys go after the last
    one; ValueError when a key to remove comes from a ``<<:`` merge key."""
    start, col = at
    wanted = {str(k): v for k, v in new.items()}
    inherited = _inherited(node)
    for name in sorted({str(k) for k in node} - set(wanted)):
        if name in inherited:
            raise ValueError(
                f"'{name}' comes from a '<<' merge key, so leaving it out of the definition cannot "
                "remove it; give it a value to override it, or edit the merged mapping"
            )
    marks = _boundaries(lines, node, start, col, end)
    out = lines[start : marks[0][0]] if marks else []
    for i, (line, key) in enumerate(marks):
        limit = marks[i + 1][0] if i + 1 < len(marks) else end
        stop = back_off(lines, line, limit, col)
        if key is None or (str(key) in wanted and same(node[key], wanted[str(key)])):
            out.extend(lines[line:stop])
        elif str(key) in wanted:
            out.extend(replace_key(lines, node, key, line, stop, wanted[str(key)], style))
        if i + 1 < len(marks):
            out.extend(lines[stop:limit])
    own = {str(k) for k, _v in node.non_merged_items()}
    added = [(k, v) for k, v in wanted.items() if k not in own and not (k in node and same(node[k], v))]
    last = back_off(lines, marks[-1][0], end, col) if marks else start
    if added and out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    for key, value in added:
        out.extend(dump_key(key, value, col, style))
    out.extend(lines[last:end])
    return out


def replace_key(
    lines: list[str], node: CommentedMap, key: Any, line: int, stop: int, value: Any, style: Style
) -> list[str]:
    """The lines of own key ``key`` (``lines[line:stop]``) set to ``value``: a block mapping written
    below the key is spliced key by key, anything else is dumped again."""
    old = node[key]
    at = body_at(lines, old, line, stop)
    if at is not None and isinstance(old, CommentedMap) and isinstance(value, Mapping):
        return [*lines[line : at[0]], *splice_block(lines, old, at, stop, value, style)]
    col = node.lc.key(key)[1]
    dumped = dump_key(key, merge(old, value), col, style, node.ca.items.get(key))
    return [*dumped, *_tail(lines, line, stop)]
