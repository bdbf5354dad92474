"""Reading YAML with ruamel, keeping every mapping's and sequence's line and column for error messages."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from modules.errors import ConfigError, Location


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def parse(text: str, source: str) -> Any:
    """Parse YAML text; syntax errors become ConfigError at the line and column the parser stopped."""
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ConfigError(f"YAML syntax error: {problem}", where) from None


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
