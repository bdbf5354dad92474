"""One declaration per request body, query and path parameter: pydantic models that both validate the
request (a 400 naming the field, ``changes[1].content``) and give the OpenAPI document its schemas.

Rules a JSON Schema can state (types, required fields, no unknown fields, no nulls, lengths, patterns)
live here, so the document and the server cannot drift apart; what only the server can judge (a base that
names no commit, a path git refuses, YAML that does not validate) is a 422 from the view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from flask import request
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import ErrorDetails

from panel.errors import ApiError

# Python's whitespace (str.isspace), spelled out: regex engines disagree on what \s covers.
WS = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Controls, bidirectional overrides and isolates, BOM and U+FFFD: never in a repository path.
UNSAFE = r"\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd"
_CHAR = rf"[^/\\{UNSAFE}]"
_NO_DOT = rf"[^/.\\{UNSAFE}]"
_SEGMENT = rf"(?:{_NO_DOT}{_CHAR}*|\.{_NO_DOT}{_CHAR}*|\.\.{_CHAR}+)"
PATH_PATTERN = rf"^{_SEGMENT}(?:/{_SEGMENT})*$"
REVISION_PATTERN = r"^(?:[0-9a-fA-F]{4,40}|[A-Za-z0-9][A-Za-z0-9._/-]{0,199})(?:[~^][0-9]{0,4})*$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,4096}$"
MAX_PATH_CHARS = 4096
M = TypeVar("M", bound=BaseModel)
Absent = SkipJsonSchema[None]

RULES: dict[str, str] = {}


def ruled(pattern: str, description: str, **constraints: Any) -> Any:
    """A ``Field`` whose ``pattern`` is explained by ``description`` in the document and in the 400."""
    RULES[pattern] = description
    return Field(pattern=pattern, description=description, **constraints)


RepoPath = Annotated[
    str,
    ruled(
        PATH_PATTERN,
        min_length=1,
        max_length=MAX_PATH_CHARS,
        description="A file path in the repository: '/'-separated, no empty, '.' or '..' parts, no "
        "backslash or control characters (git's own rules are checked by the server: 422)",
    ),
]
Revision = Annotated[
    str,
    ruled(REVISION_PATTERN, "A commit sha (4 to 40 hex digits), main, or a tag, optionally with ~N or ^N"),
]
Base = Annotated[
    str,
    ruled(
        REVISION_PATTERN,
        description="The commit the edit is based on (compare-and-swap): a sha, main or a tag; "
        "one that names no commit is a 422",
    ),
]
Message = Annotated[str, Field(description="The commit message (a default names what changed)")]
Cursor = Annotated[
    str, ruled(CURSOR_PATTERN, "The previous page's next_cursor (opaque: letters, digits, - and _)")
]


class Body(BaseModel):
    """A JSON request body: unknown fields and nulls are refused; strings stay strings. An optional field
    is left out, never null (``X | Absent = None`` keeps null out of the document)."""

    model_config = ConfigDict(extra="forbid", strict=True, hide_input_in_errors=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null (leave the field out instead)")
        return value


class Query(BaseModel):
    """Query parameters: text from the URL, unknown ones ignored."""

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)


def where(loc: tuple[int | str, ...]) -> str:
    """``('changes', 1, 'content')`` → ``changes[1].content``; pydantic's union labels (a tag after an
    index, ``constrained-str``, ``none``) are left out."""
    text = ""
    previous: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not (isinstance(previous, int) and part in _TAGS) and _is_field(part):
            text += f".{part}" if text else part
        previous = part
    return text


def _is_field(part: str) -> bool:
    return part.isidentifier() and part not in _UNION_LABELS


_UNION_LABELS = {"str", "int", "bool", "none", "float", "list", "dict", "datetime"}
_TAGS: set[str] = set()


def tag(name: str) -> str:
    """A union member's tag, left out of field paths in messages."""
    _TAGS.add(name)
    return name


def _say(error: ErrorDetails, field: str) -> str:
    """A sentence for one pydantic error about ``field``."""
    kind = error["type"]
    if kind == "missing":
        return f"'{field}' is required"
    if kind == "extra_forbidden":
        return f"'{field}' is not a known field here"
    if kind == "string_pattern_mismatch":
        rule = (error.get("ctx") or {}).get("pattern", "")
        value = str(error.get("input", ""))
        shown = repr(value if len(value) <= 100 else value[:100] + "...")
        return f"'{field}' {shown} does not fit: {RULES.get(rule, f'pattern {rule}')}"
    if kind == "string_too_short" and (error.get("ctx") or {}).get("min_length") == 1:
        return f"'{field}' must not be empty"
    if kind in _SAID:
        return f"'{field}' {_SAID[kind].format(**(error.get('ctx') or {}))}"
    text = error["msg"].removeprefix("Value error, ")
    if isinstance((error.get("ctx") or {}).get("error"), FieldError) or not field:
        return text if field else f"the request body: {text}"
    return f"'{field}': {text[:1].lower()}{text[1:]}"


_SAID = {
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "string_too_short": "must be at least {min_length} characters",
    "string_too_long": "must be at most {max_length} characters",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} items",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "literal_error": "must be {expected}",
}


class FieldError(ValueError):
    """A model validator's refusal that names the field it is about (a whole-model rule has no place
    of its own in pydantic's errors)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _loc(error: ErrorDetails, prefix: str) -> tuple[int | str, ...]:
    cause = (error.get("ctx") or {}).get("error")
    loc = (*error["loc"], cause.field) if isinstance(cause, FieldError) else error["loc"]
    return (prefix, *loc) if prefix else tuple(loc)


def refusal(exc: ValidationError, prefix: str = "") -> ApiError:
    """400 ``bad_request`` for the first problem, naming its field; when there are more, all of them in
    ``details.errors``."""
    errors = [
        error
        for error in exc.errors(include_url=False, include_input=True, include_context=True)
        if error["type"] != "none_required"  # the left-out branch of an optional field: never sent as null
    ] or exc.errors(include_url=False, include_input=True, include_context=True)
    found = [{"field": where(_loc(e, prefix)), "message": e["msg"]} for e in errors]
    first = errors[0]
    field = found[0]["field"]
    details: dict[str, Any] = {"field": field, **({"errors": found} if len(found) > 1 else {})}
    return ApiError(400, "bad_request", _say(first, field), details)


def parse_body(model: type[M], raw: bytes, data: Mapping[str, Any]) -> M:
    """The request body as ``model``; JSON text is read again in pydantic's JSON mode (times, strictness)."""
    try:
        return model.model_validate_json(raw) if raw else model.model_validate(data)
    except ValidationError as exc:
        raise refusal(exc) from None


def parse_query(model: type[M]) -> M:
    """``request.args`` (first value of each) as ``model``."""
    try:
        return model.model_validate(request.args.to_dict(flat=True))
    except ValidationError as exc:
        raise refusal(exc) from None


def parse_path(adapters: Mapping[str, TypeAdapter[Any]], values: dict[str, Any]) -> None:
    """Check each declared path parameter; 400 naming it."""
    for name, adapter in adapters.items():
        if name in values:
            try:
                adapter.validate_python(values[name], strict=True)
            except ValidationError as exc:
                raise refusal(exc, name) from None


def read_body(model: type[M], optional: bool) -> M:
    """The request's JSON body (415, 413 and malformed JSON refused as before) as ``model``."""
    from panel.api.envelope import json_body  # the API package imports this module's users

    data = json_body(optional=optional)
    return parse_body(model, request.get_data(cache=True) if data else b"", data)
