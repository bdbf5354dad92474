"""Schema checks for the validator: the schemas in schemas/, compiled once, and their errors as Problems.

Each jsonschema error becomes one plain message at the key it is about (unknown keys: at each unknown
key). Errors from `anyOf` / `oneOf` are reduced to one: the branch the value evidently meant (the one
whose errors go deepest into the value, or that failed on more than the type), else one message listing
what the branches accept ("must be one of: append, sync (got 'mirror')"). Hints come from difflib
against the allowed names or values.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from modules.schema_check import Check, Compiler, Unsupported
from modules.validate_document import Document, JsonPath, Problem

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SCHEMA_NAMES = ("common", "config", "collection", "overlay", "playlist", "metadata")
KINDS = ("config", "collection", "overlay", "playlist", "metadata")

TYPE_PHRASES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "empty",
}
SCHEDULE_PHRASE = "a schedule such as daily, weekly(sunday), monthly(1) or range(12/01-12/31)"
# Patterns of the schemas -> (what they accept, in words; the JSON type that phrase stands for).
# None as the phrase: covered by another branch (a placeholder, or an enum written in any letter case).
_PATTERN_PHRASES: list[tuple[re.Pattern[str], str | None, str]] = [
    (re.compile(r"<<\[\^<>\]\+>>"), None, "string"),
    (re.compile(r"^\^\(\?:(?:\[[a-zA-Z]{2}\]|[^\[\]()|]|\|)+\)\$$"), None, "string"),
    (re.compile(r"^\^\\s\*\[-\+\]\?\[0-9\]\+\\s\*\$$"), "a whole number", "integer"),
    (re.compile(r"^\^\\s\*\[-\+\]\?\(\?:\[0-9\]"), "a number", "number"),
    (re.compile(r"%\?"), "a number or a percentage such as 10%", "number"),
    (re.compile(r"\[tT\]\[rR\]\[uU\]\[eE\]"), "true or false", "boolean"),
    (re.compile(r"\[0-9A-Fa-f\]"), "a colour such as #FFFFFF", "string"),
    (re.compile(r"\[dD\]\[aA\]\[iI\]\[lL\]\[yY\]"), SCHEDULE_PHRASE, "string"),
    (re.compile(r"\[Hh\]\[Tt\]\[Tt\]\[Pp\]"), "an http:// or https:// address", "string"),
    (re.compile(r"\[Aa\]\[Ss\]\[Cc\]"), "a sort such as title.asc", "string"),
]
_NAMES_PATTERN = re.compile(r"^\^(?P<names>\(\?:[\w|]+\)|.+?)(?:\(\?:\\\.\(\?:(?P<mods>[\w|]+)\)\)\?)?\$$")
_BRANCH_VALIDATORS = frozenset({"type", "enum", "pattern", "const", "required", "anyOf", "oneOf"})


# --------------------------------------------------------------------------- schemas, compiled once


_SCHEMAS_LOCK = threading.Lock()


def schemas() -> dict[str, dict[str, Any]]:
    """Every schema file by name (common, config, collection, ...): one set of objects per process, also
    when threads ask at once, since the registry, the compiled checks and `_owners` key on their ids."""
    with _SCHEMAS_LOCK:
        return _read_schemas()


@functools.cache
def _read_schemas() -> dict[str, dict[str, Any]]:
    return {
        name: json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8")) for name in SCHEMA_NAMES
    }


@functools.cache
def registry() -> Registry:
    """A `referencing` registry holding every schema under its `$id`."""
    return Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas().values()
    )


@functools.cache
def validator(kind: str) -> Draft202012Validator:
    """The jsonschema validator of one file kind."""
    return Draft202012Validator(schemas()[kind], registry=registry())


@functools.cache
def _compiler() -> Compiler:
    return Compiler(registry())


@functools.cache
def fast_check(kind: str) -> Check | None:
    """The compiled yes/no check of one file kind (None if the schema needs a keyword it lacks)."""
    try:
        return _compiler().compile_uri(schemas()[kind]["$id"])
    except Unsupported:
        return None


@functools.cache
def _owners() -> dict[int, str]:
    """id() of every subschema -> the name of the schema file it belongs to (to resolve its $refs)."""
    owners: dict[int, str] = {}

    def walk(node: Any, name: str) -> None:
        if isinstance(node, dict):
            owners[id(node)] = name
            for value in node.values():
                walk(value, name)
        elif isinstance(node, list):
            for value in node:
                walk(value, name)

    for name, schema in schemas().items():
        walk(schema, name)
    return owners


def _resolve(ref: str, owner: str) -> tuple[Any, str]:
    """A $ref as written in schema file `owner` -> (the schema it names, the file that holds it)."""
    resolved = registry().resolver(base_uri=schemas()[owner]["$id"]).lookup(ref)
    return resolved.contents, _owners().get(id(resolved.contents), owner)


def is_valid(kind: str, data: Any) -> bool:
    """Whether `data` passes the schema of `kind` (the fast check when it exists)."""
    check = fast_check(kind)
    return check(data) if check is not None else validator(kind).is_valid(data)


def schema_problems(document: Document, kind: str, strict: bool = False) -> list[Problem]:
    """Every schema problem of a parsed document, checked as `kind`."""
    if is_valid(kind, document.data):
        return []
    problems: list[Problem] = []
    for error in validator(kind).iter_errors(document.data):
        problems.extend(_convert(error, document, strict))
    return problems


# --------------------------------------------------------------------------- words


def name_of(path: JsonPath) -> str:
    """How a message names the value at `path`: `sync_mode`, `schedule[1]`, or `the file`."""
    if not path:
        return "the file"
    last = path[-1]
    if isinstance(last, int):
        parent = next((str(p) for p in reversed(path) if not isinstance(p, int)), "list")
        return f"`{parent}[{last}]`"
    return f"`{last}`"


def shown(value: Any) -> str:
    """A value for messages: 'text', 5, true, a mapping, a list, nothing."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def join_or(parts: list[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} or {parts[-1]}"


def did_you_mean(word: str, candidates: list[str]) -> str | None:
    """ "did you mean `x`?" for the closest candidate, if one is close enough."""
    lowered = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"did you mean `{lowered[close[0]]}`?" if close else None


def json_type(value: Any) -> str:
    """The JSON type name of a value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


# --------------------------------------------------------------------------- what branches accept


@dataclass
class Accepts:
    """What a schema (with its anyOf / oneOf / $ref branches) accepts, in words."""

    enums: list[Any] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    required: list[str] = field(default_factory=list)

    def phrase(self, text: str | None, json_type_name: str) -> None:
        if text is not None and text not in self.phrases:
            self.phrases.append(text)
        if text is not None:
            self.types.add(json_type_name)

    def describe(self, schema: Any, owner: str, depth: int = 0) -> None:
        """Add what `schema` accepts (`owner`: the schema file it is in)."""
        if not isinstance(schema, dict) or depth > 8:
            return
        if "$ref" in schema:
            target, target_owner = _resolve(schema["$ref"], owner)
            self.describe(target, target_owner, depth + 1)
        self.enums.extend(v for v in schema.get("enum", ()) if v not in self.enums)
        for keyword in ("anyOf", "oneOf"):
            for branch in schema.get(keyword, ()):
                self.describe(branch, owner, depth + 1)
        if "required" in schema and not {"type", "enum", "anyOf", "$ref"} & set(schema):
            self.required.extend(r for r in schema["required"] if r not in self.required)
        self._types(schema, owner, depth)

    def _types(self, schema: dict[str, Any], owner: str, depth: int) -> None:
        if "pattern" in schema:
            for pattern, text, type_name in _PATTERN_PHRASES:
                if pattern.search(schema["pattern"]):
                    self.phrase(text, type_name)
                    return
            self.phrase("text in the expected form", "string")
            return
        names = schema.get("type", [])
        for name in names if isinstance(names, list) else [names]:
            if name == "string" and "then" in schema:
                self.describe(schema["then"], owner, depth + 1)
            else:
                self.phrase(TYPE_PHRASES[name], name)


# --------------------------------------------------------------------------- errors -> problems


def _convert(error: ValidationError, document: Document, strict: bool) -> list[Problem]:
    """The problem(s) one jsonschema error stands for."""
    if error.validator in ("anyOf", "oneOf"):
        chosen = _meant_branch(error)
        if chosen is not None:
            return _convert(chosen, document, strict)
        return [_alternatives(error, document)]
    if error.validator == "additionalProperties":
        return list(_unknown_keys(error, document, strict))
    return [_single(error, document)]


def _meant_branch(error: ValidationError) -> ValidationError | None:
    """The error of the branch the value evidently meant, if any.

    A branch whose errors reach deeper into the value than the anyOf itself matched its shape; so did
    one that failed on something other than type, enum, pattern or required (a range, an unknown key).
    """
    own = len(error.absolute_path)
    context = list(error.context or ())
    deepest = max((len(e.absolute_path) for e in context), default=own)
    if deepest > own:
        deep = [e for e in context if len(e.absolute_path) == deepest]
        return min(deep, key=_rank)
    structural = [e for e in context if e.validator not in _BRANCH_VALIDATORS]
    return min(structural, key=_rank) if structural else None


def _rank(error: ValidationError) -> tuple[int, int]:
    """Order among candidate errors: unknown keys last (they are warnings), then schema order."""
    index = error.relative_schema_path[0] if error.relative_schema_path else 0
    return (error.validator == "additionalProperties", index if isinstance(index, int) else 0)


def _alternatives(error: ValidationError, document: Document) -> Problem:
    """One message for an anyOf / oneOf none of whose branches fits."""
    path, value = list(error.absolute_path), error.instance
    name = name_of(path)
    if error.validator == "oneOf" and not error.context:
        return _one_of_many(error, document)
    accepts = Accepts()
    owner = _owners().get(id(error.schema), "common")
    for branch in error.validator_value:
        accepts.describe(branch, owner)
    if accepts.required and not accepts.phrases and not accepts.enums:
        keys = ", ".join(f"`{r}`" for r in accepts.required)
        message = f"{name} needs one of the keys {keys}"
        return document.problem(path, "error", "schema-required", message)
    parts = [f"one of: {', '.join(str(e) for e in accepts.enums)}"] if accepts.enums else []
    phrases = [p for p in accepts.phrases if p != "text"] or (["text"] if "text" in accepts.phrases else [])
    if any(p.startswith("a number") for p in phrases):
        phrases = [p for p in phrases if p != "a whole number"]
    parts += phrases
    message = f"{name} must be {join_or(parts)} (got {shown(value)})"
    hint = None
    if SCHEDULE_PHRASE in accepts.phrases and isinstance(value, str):
        code = "bad-schedule"
    elif accepts.enums and json_type(value) not in accepts.types - {"string"}:
        code = "schema-enum"
        hint = did_you_mean(str(value), [str(e) for e in accepts.enums]) if value is not None else None
    elif json_type(value) not in accepts.types and not (
        json_type(value) == "integer" and "number" in accepts.types
    ):
        code = "schema-type"
    else:
        code = "schema-value"
    return document.problem(path, "error", code, message, hint)


def _one_of_many(error: ValidationError, document: Document) -> Problem:
    """A value valid under several oneOf branches: in our schemas, a file block with two sources."""
    path, value = list(error.absolute_path), error.instance
    accepts = Accepts()
    for branch in error.validator_value:
        accepts.describe(branch, _owners().get(id(error.schema), "common"))
    given = [k for k in accepts.required if isinstance(value, dict) and k in value]
    if len(given) > 1:
        keys = " and ".join(f"`{k}`" for k in given)
        message = f"{name_of(path)} takes only one of {', '.join(accepts.required)}; found {keys}"
        return document.problem([*path, given[1]], "error", "schema-value", message, "keep one of them")
    return document.problem(path, "error", "schema-value", f"{name_of(path)}: {error.message}")


def _unknown_keys(error: ValidationError, document: Document, strict: bool) -> Iterator[Problem]:
    """One problem per key that the schema does not know (a warning unless strict)."""
    path, value, schema = list(error.absolute_path), error.instance, error.schema
    if not isinstance(value, dict) or not isinstance(schema, dict):
        yield document.problem(path, "error", "schema-value", error.message)
        return
    known = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    severity = "error" if strict else "warning"
    where = f" in {name_of(path)}" if path else ""
    for key in value:
        if key in known or any(re.search(p, key) for p in patterns):
            continue
        candidates = [*known, *_pattern_names(patterns, key)]
        message = f"unknown key `{key}`{where}"
        yield document.problem([*path, key], severity, "unknown-key", message, did_you_mean(key, candidates))


def _pattern_names(patterns: list[str], key: str) -> list[str]:
    """Names a patternProperties pattern of the form ^(?:a|b)(?:\\.(?:m|n))?$ accepts, for hints."""
    base = key.partition(".")[0]
    names: list[str] = []
    for pattern in patterns:
        match = _NAMES_PATTERN.match(pattern)
        if match is None:
            continue
        group = match["names"]
        stems = group[3:-1].split("|") if group.startswith("(?:") and "[" not in group else [base]
        names.extend(stems)
        names.extend(f"{s}.{m}" for s in stems for m in (match["mods"] or "").split("|") if m)
    return names


def _single(error: ValidationError, document: Document) -> Problem:
    """Every other keyword: type, enum, required, not, ranges, lengths, patterns."""
    path, value, expected = list(error.absolute_path), error.instance, error.validator_value
    name, keyword = name_of(path), error.validator
    if keyword == "type":
        types = expected if isinstance(expected, list) else [expected]
        if value is None:
            return document.problem(path, "error", "schema-type", f"{name} must not be empty")
        wanted = join_or([TYPE_PHRASES.get(str(t), str(t)) for t in types])
        return document.problem(path, "error", "schema-type", f"{name} must be {wanted} (got {shown(value)})")
    if keyword == "required":
        missing = [r for r in expected if isinstance(value, dict) and r not in value]
        keys = ", ".join(f"`{m}`" for m in missing)
        return document.problem(path, "error", "schema-required", f"{name} needs the key {keys}")
    if keyword == "enum":
        message = f"{name} must be one of: {', '.join(map(str, expected))} (got {shown(value)})"
        hint = did_you_mean(str(value), [str(e) for e in expected])
        return document.problem(path, "error", "schema-enum", message, hint)
    if keyword == "not":
        description = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
        message = f"{name} is not allowed here" + (f": {description}" if description else "")
        return document.problem(path, "error", "not-allowed", message)
    if keyword == "pattern":
        accepts = Accepts()
        accepts.describe({"pattern": expected}, "common")
        code = "bad-schedule" if SCHEDULE_PHRASE in accepts.phrases else "schema-value"
        message = f"{name} must be {join_or(accepts.phrases)} (got {shown(value)})"
        return document.problem(path, "error", code, message)
    return document.problem(path, "error", "schema-value", f"{name} {_range_words(keyword, expected, value)}")


def _range_words(keyword: str, expected: Any, value: Any) -> str:
    words = {
        "minimum": f"must be at least {expected}",
        "maximum": f"must be at most {expected}",
        "exclusiveMinimum": f"must be more than {expected}",
        "exclusiveMaximum": f"must be less than {expected}",
        "minLength": "must not be empty" if expected == 1 else f"needs at least {expected} characters",
        "minItems": f"needs at least {expected} entries",
        "uniqueItems": "lists the same value twice",
    }
    return words.get(keyword, f"fails the schema's {keyword} rule") + f" (got {shown(value)})"
