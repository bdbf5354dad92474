"""The ``<<variable>>`` language used by templates: parsing, lookups and substitution.

- ``<<var>>`` anywhere in a string is replaced by ``str(value)``; a string that is exactly one
  ``<<var>>`` becomes the value itself, keeping its type (int, bool, list, dict...).
- ``<<var+N>>`` / ``<<var-N>>`` add to or subtract from a numeric variable (ints, floats, or strings
  holding one); ``<<var_encoded>>`` is the URL-encoded text of ``var``.
- Placeholders nest, innermost first: ``<<use_<<key>>>>`` looks up ``use_genre`` when ``key`` is
  ``genre``.
- Variable values may contain placeholders themselves; they are resolved when used (self-references
  are an error). Text that came out of a substitution is never scanned again.
- A missing variable that is optional drops the enclosing dict entry or list item, and a dict or list
  emptied that way is dropped from its parent too. A missing required variable is a TemplateError.

Everything here is pure: no I/O, no global state.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from modules.yamlio import plain

_ARITHMETIC = re.compile(r"^(?P<base>.+?)(?P<op>[+-])(?P<num>\d+)$")
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+)$")
_ENCODED = "_encoded"


class TemplateError(ValueError):
    """A template call or template that cannot be applied; ``path`` says where in the definition."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class Drop(Exception):
    """Internal signal: the value being built references a missing optional variable."""


to_plain = plain  # one conversion of ruamel's types for the whole engine


def _placeholder_spans(text: str) -> list[tuple[int, int]]:
    """Matched ``<<`` ... ``>>`` spans as (start, end-exclusive); an unmatched ``<<`` stays literal."""
    stack: list[int] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text) - 1:
        pair = text[i : i + 2]
        if pair == "<<":
            stack.append(i)
            i += 2
        elif pair == ">>" and stack:
            spans.append((stack.pop(), i + 2))
            i += 2
        else:
            i += 1
    return sorted(spans)


def _outermost(spans: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans inside [lo, hi) that no other span inside [lo, hi) contains."""
    top: list[tuple[int, int]] = []
    reach = lo
    for start, end in spans:
        if start >= reach and end <= hi:
            top.append((start, end))
            reach = end
    return top


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str) and _INT.match(value.strip()):
        return int(value)
    if isinstance(value, str) and _FLOAT.match(value.strip()):
        return float(value)
    return None


def _written_base(name: str) -> str:
    """The variable a placeholder names, without its ``_encoded`` or ``+N``/``-N`` suffix."""
    if name.endswith(_ENCODED) and len(name) > len(_ENCODED):
        return name[: -len(_ENCODED)]
    match = _ARITHMETIC.match(name)
    return match["base"] if match else name


@dataclass
class Scope:
    """The variables of one template call, resolved lazily; ``path`` is where errors are reported."""

    variables: dict[str, Any]
    optional: set[str] = field(default_factory=set)
    template: str = ""
    path: str = ""
    _cache: dict[str, Any] = field(default_factory=dict)
    _active: list[str] = field(default_factory=list)

    def lookup(self, name: str) -> Any:
        """The value of ``<<name>>``; raises Drop (optional) or TemplateError (required) if missing."""
        if name in self.variables:
            return self._resolved(name)
        base = self._base(name)
        if base not in self.variables:
            wanted = _written_base(name)
            if name in self.optional or wanted in self.optional:
                raise Drop(name)
            raise TemplateError(self._missing_message(wanted), self.path)
        if name.endswith(_ENCODED) and base == name[: -len(_ENCODED)]:
            return quote(str(self._resolved(base)))
        match = _ARITHMETIC.match(name)
        assert match is not None
        number = _number(self._resolved(base))
        if number is None:
            raise TemplateError(
                f"variable '{base}' is not a number, so '<<{name}>>' cannot be computed"
                + (f" in template '{self.template}'" if self.template else ""),
                self.path,
            )
        delta = int(match["num"])
        return number + delta if match["op"] == "+" else number - delta

    def _base(self, name: str) -> str:
        if name in self.variables:
            return name
        if name.endswith(_ENCODED) and name[: -len(_ENCODED)] in self.variables:
            return name[: -len(_ENCODED)]
        match = _ARITHMETIC.match(name)
        if match and match["base"] in self.variables:
            return match["base"]
        return name

    def _missing_message(self, name: str) -> str:
        if self.template:
            return f"variable '{name}' is required by template '{self.template}' but not given"
        return f"variable '{name}' is not defined"

    def _resolved(self, name: str) -> Any:
        if name not in self._cache:
            if name in self._active:
                chain = " -> ".join([*self._active[self._active.index(name) :], name])
                raise TemplateError(f"variables refer to each other in a loop: {chain}", self.path)
            self._active.append(name)
            try:
                self._cache[name] = substitute_in(self.variables[name], self)
            finally:
                self._active.pop()
        value = self._cache[name]
        return copy.deepcopy(value) if isinstance(value, dict | list) else value


def _render(text: str, spans: list[tuple[int, int]], lo: int, hi: int, scope: Scope) -> Any:
    """Substitute the placeholders of ``text[lo:hi]``; a lone placeholder keeps its native value."""
    top = _outermost(spans, lo, hi)
    if len(top) == 1 and top[0] == (lo, hi):
        return scope.lookup(str(_render(text, spans, lo + 2, hi - 2, scope)))
    pieces: list[str] = []
    position = lo
    for start, end in top:
        pieces.append(text[position:start])
        pieces.append(str(scope.lookup(str(_render(text, spans, start + 2, end - 2, scope)))))
        position = end
    pieces.append(text[position:hi])
    return "".join(pieces)


def render_text(text: str, scope: Scope) -> Any:
    """Substitute every placeholder in one string (see the module docstring)."""
    if "<<" not in text:
        return text
    return _render(text, _placeholder_spans(text), 0, len(text), scope)


def render_name(text: str, scope: Scope) -> str | None:
    """``text`` with its placeholders filled in as a string, or None when a variable is missing."""
    try:
        return str(render_text(text, scope))
    except (Drop, TemplateError):
        return None


def substitute_in(value: Any, scope: Scope) -> Any:
    """Substitute recursively in plain data; raises Drop when the whole value must be dropped."""
    if isinstance(value, str):
        return render_text(value, scope)
    if isinstance(value, dict):
        result: dict[Any, Any] = {}
        for key, item in value.items():
            try:
                new_key = str(render_text(key, scope)) if isinstance(key, str) else key
                result[new_key] = substitute_in(item, scope)
            except Drop:
                continue
        if value and not result:
            raise Drop()
        return result
    if isinstance(value, list):
        items: list[Any] = []
        for item in value:
            try:
                items.append(substitute_in(item, scope))
            except Drop:
                continue
        if value and not items:
            raise Drop()
        return items
    return value


def substitute(
    value: Any, variables: Mapping[str, Any], *, optional: Iterable[str] = (), template: str = ""
) -> Any:
    """Fill ``<<var>>`` placeholders in ``value`` (recursively) from ``variables``.

    Variables that are None or listed in ``optional`` may be missing: what references them is
    dropped, and None is returned if that is the whole value. Any other missing variable raises
    TemplateError (naming ``template`` when given).
    """
    plain = {str(k): to_plain(v) for k, v in variables.items()}
    scope = Scope(
        variables={k: v for k, v in plain.items() if v is not None},
        optional={*optional, *(k for k, v in plain.items() if v is None)},
        template=template,
    )
    try:
        return substitute_in(to_plain(value), scope)
    except Drop:
        return None
