"""Where a collection's or overlay's ``yaml`` text that does not parse goes wrong in its file.

The text is placed in the file exactly as a write would place it (under the entry's key, indented), and
the file is validated like ``PUT /api/files``: the answer is the same 422 ``validation_failed`` with the
file's line and column, not the snippet's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ruamel.yaml.error import YAMLError

from panel.api.common import check_tree
from panel.api.envelope import ApiError
from panel.yaml_edit import set_entry
from panel.yaml_splice import indent, split_lines

if TYPE_CHECKING:
    from panel.api.entries import Section

MARK = "kometa_panel_mark__: 0"


def placed(text: str, key: str, name: str, source: str, path: str) -> tuple[str, int, int] | None:
    """``text`` with entry ``name`` set to the raw YAML ``source``, the 0-based line its first line lands
    on and its indent; None when the file cannot take an entry there."""
    try:
        marked = set_entry(text, key, name, MARK, path)
    except (YAMLError, ValueError):
        return None
    lines = split_lines(marked)
    at = next((i for i, line in enumerate(lines) if line.strip() == MARK), None)
    if at is None:
        return None
    pad = indent(lines[at])
    body = [" " * pad + line if line.strip() else line for line in split_lines(source.rstrip() + "\n")]
    return "".join([*lines[:at], *body, *lines[at + 1 :]]), at, pad


def yaml_in_file(
    section: Section, source: str, exc: YAMLError, path: str, text: str, name: str, base: str
) -> ApiError:
    """422 for ``yaml`` that does not parse, at its place in ``path``: the files API's validation of the
    file with the text in it, or (when that file already had this error) the place computed here."""
    spot = placed(text, section.key, name, source, path)
    if spot is not None:
        try:
            check_tree({path: spot[0].encode("utf-8")}, base=base)
        except ApiError as refused:
            if refused.status == 422:
                return refused
    mark = getattr(exc, "problem_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if spot is not None:
        blank = not (split_lines(source)[line - 1 : line] or [""])[0].strip()
        line, column = line + spot[1], column + (0 if blank else spot[2])
    problem = (getattr(exc, "problem", None) or "").splitlines()[:1]
    why = f": {problem[0]}" if problem else ""
    message = f"'yaml' is not valid YAML at {path}:{line}:{column}{why}"
    place = {"field": "yaml", "file": path, "line": line, "column": column}
    return ApiError(422, "validation_failed", message, place)
