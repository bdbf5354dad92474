"""Reading YAML with ruamel, keeping every mapping's and sequence's line and column for error messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from modules.errors import ConfigError, Location
from modules.yaml_shape import MAX_DEPTH, TOO_DEEP, check_shape, text_size

_FLOW = re.compile(r"[\[\]{}]")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def parse(text: str, source: str) -> Any:
    """Parse YAML text; syntax errors, and shapes past :mod:`modules.yaml_shape`'s limits (an alias bomb,
    runaway nesting), become ConfigError at the line and column where they show."""
    deep = too_deep_at(text)  # ruamel's scanner slows down quadratically with flow nesting
    if deep is not None:
        place = Location(source, deep.line, deep.column)
        raise ConfigError(f"file refused: {TOO_DEEP}", place)
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ConfigError(f"YAML syntax error: {problem}", place) from None
    except RecursionError:
        raise ConfigError(f"file refused: {TOO_DEEP}", Location(source)) from None
    shape = check_shape(data, _data_parts, _data_size)
    if shape is None:
        return data
    if not shape.count:
        raise ConfigError(f"file refused: {shape.message}", where(shape.node, source))
    anchored = shape.node if isinstance(shape.node, Mapping | list) else shape.repeat
    message = f"file refused: {shape.message}; an anchored value appears {shape.count:,} times"
    raise ConfigError(message, where(anchored, source))


def too_deep_at(text: str) -> Location | None:
    """Where ``[`` and ``{`` first nest past ``MAX_DEPTH`` (1-based line and column, no source), counted
    without parsing, so brackets inside quotes count too; None when they never do."""
    depth = 0
    for match in _FLOW.finditer(text):
        depth = depth + 1 if match[0] in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            start = match.start()
            return Location("", text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start))
    return None


def _data_parts(value: Any) -> tuple[list[Any], list[Any]]:
    """A parsed value's child mappings and sequences, and the plain values it holds besides."""
    if isinstance(value, Mapping):
        children = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        children = list(value)
    else:
        return [], []
    containers = [child for child in children if isinstance(child, Mapping | list)]
    if len(containers) == len(children):
        return containers, []
    return containers, [child for child in children if not isinstance(child, Mapping | list)]


def _data_size(value: Any) -> int:
    """The bytes a plain value stands for: its text's, or a word's for numbers, booleans and null."""
    return text_size(value) if isinstance(value, str) else 8


def load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror}", Location(str(path))) from None
    except UnicodeDecodeError:
        raise ConfigError("file is not UTF-8 text", Location(str(path))) from None
    return parse(text, str(path))


def where(node: Any, source: str, key: Any = None) -> Location:
    """Location of `node` (a ruamel mapping or sequence), or of its `key` / index when given."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return Location(source)
    try:
        if key is not None and isinstance(node, CommentedMap) and key in node:
            line, column = lc.key(key)
            return Location(source, line + 1, column + 1)
        if key is not None and isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line, column = lc.item(key)
            return Location(source, line + 1, column + 1)
    except (KeyError, TypeError):
        pass
    return Location(source, lc.line + 1, lc.col + 1)


def plain(value: Any) -> Any:
    """A deep copy with ruamel's types turned into dict, list, str, int, float, bool and None."""
    if isinstance(value, Mapping):
        return {str(k) if not isinstance(k, (int, float, bool)) else k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None:
        return None
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value
