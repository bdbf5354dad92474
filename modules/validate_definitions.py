"""Checks on the definitions of one collection file, the way the engine will read them.

For each collection (and one sample key of each dynamic collection): the templates it calls exist and
get every variable they need (`modules.templates`), then the templated definition passes the engine's
own checks (`modules.definition`), its `plex_search` / `smart_filter` attributes fit the library type
(`modules.search`) and so do its `filters` (`modules.filters`). A problem is reported where it was
written: the definition's key, the template call, the template variable in config.yml, or the template
body in its own file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from modules import dynamic
from modules.config_settings import Settings
from modules.definition import DefinitionError, parse_definition
from modules.errors import Location
from modules.filters import compile_filters
from modules.run import dynamic_spec
from modules.schedule import ScheduleError, parse_schedule
from modules.search import SearchError, build_query
from modules.search_fields import TYPE_NUMBERS
from modules.templates import TemplateError, apply_templates
from modules.validate_document import Document, JsonPath, Problem, pointer
from modules.validate_schema import did_you_mean, schemas

Report = Callable[[Problem], None]
_HINT = re.compile(r"^(?P<message>.*) \(did you mean '(?P<name>.+)'\?\)$", re.DOTALL)
_SINGLE_PLACEHOLDER = re.compile(r"^<<([^<>]+)>>$")
_MISSING_VARIABLE = re.compile(
    r"variable '(?P<var>.+)' is required by template '(?P<template>.+)' but not given"
)
_LEADING_KEY = re.compile(r"^(?:builder )?(?P<key>[a-z_][a-z_.]*)\b")
# Sample keys for checking a dynamic collection's template once, by dynamic type.
SAMPLE_KEYS = {
    "year": "2000",
    "decade": "1990",
    "content_rating": "PG-13",
    "resolution": "1080",
    "audio_language": "English",
    "subtitle_language": "English",
    "edition": "Director's Cut",
    "network": "HBO",
    "country": "France",
    "studio": "Warner Bros.",
    "genre": "Action",
    "number": "2000",
}
SEARCH_BUILDERS = ("plex_search", "smart_filter")


@dataclass
class LibraryInfo:
    """The library a collection file is checked for."""

    name: str
    libtype: str | None
    """movie, show or artist; None when unknown (attributes must then fit a movie or a show library)."""
    variables: dict[str, Any] = field(default_factory=dict)
    places: dict[str, tuple[Document, JsonPath]] = field(default_factory=dict)
    """Where each of `variables` was written (config.yml), for messages about their values."""

    @property
    def types(self) -> list[str]:
        """The library types to check against."""
        return [self.libtype] if self.libtype else ["movie", "show"]


@dataclass
class TemplateSource:
    """One template available to a file: its body, where it is written, and its external variables."""

    body: Any
    document: Document
    path: JsonPath
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass
class Call:
    """One template call of a definition."""

    name: str
    path: JsonPath
    variables: dict[str, Any]


@dataclass
class Definition:
    """The definition being checked: where it is, as written, and the templates it calls."""

    document: Document
    path: JsonPath
    data: dict[str, Any]
    calls: list[Call]
    written: dict[str, Any]


def template_calls(value: Any, path: JsonPath) -> list[Call]:
    """The template calls of a definition's `template:` value (a mapping, a list, or names)."""
    items = value if isinstance(value, list) else [value] if value is not None else []
    calls = []
    for index, item in enumerate(items):
        call_path = (*path, index) if isinstance(value, list) else tuple(path)
        if isinstance(item, Mapping) and item.get("name") is not None:
            variables = {str(k): v for k, v in item.items() if k != "name"}
            calls.append(Call(str(item["name"]), call_path, variables))
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            calls.append(Call(str(item), call_path, {}))
    return calls


def split_engine_path(text: str, data: Any) -> list[str | int]:
    """An engine path such as `plex_search.any[1].year.gte` as JSON path parts, using the data's keys."""
    parts: list[str | int] = []
    rest, node = text, data
    while rest:
        if rest.startswith("["):
            end = rest.find("]")
            index = int(rest[1:end]) if end > 1 and rest[1:end].isdigit() else None
            if index is None or not isinstance(node, list) or index >= len(node):
                break
            parts.append(index)
            node, rest = node[index], rest[end + 1 :].removeprefix(".")
            continue
        if not isinstance(node, dict):
            break
        keys = [k for k in node if rest == k or rest.startswith((f"{k}.", f"{k}["))]
        if not keys:
            break
        key = max(keys, key=len)
        parts.append(key)
        node, rest = node[key], rest[len(key) :].removeprefix(".")
    return parts


def _hinted(message: str) -> tuple[str, str | None]:
    """The engine's "... (did you mean 'x'?)" split into a message and a hint."""
    match = _HINT.match(message)
    if match is None:
        return message, None
    return match["message"], f"did you mean `{match['name']}`?"


@functools.cache
def known_definition_keys() -> frozenset[str]:
    """Every key a collection definition may have (the schema's list: Kometa's keys)."""
    return frozenset(schemas()["common"]["$defs"]["collection_definition"]["properties"])


@dataclass
class Templates:
    """The templates one file may call: its own and those of its external_templates."""

    sources: dict[str, TemplateSource]
    complete: bool = True
    """False when some external_templates could not be read (remote, missing): unknown names are not reported."""

    def __post_init__(self) -> None:
        self.bodies = {name: source.body for name, source in self.sources.items()}
        self.external = {name: source.variables for name, source in self.sources.items()}


def search_code(message: str, known_type: bool) -> tuple[str, str]:
    """(severity, code) of a SearchError from plex_search, smart_filter or filters."""
    if "not supported" in message:
        return "warning", "unsupported"
    if "only available in show libraries" in message or "not available" in message:
        return "error", "wrong-library-type" if known_type else "bad-builder-attribute"
    if (
        message.startswith(("unknown", "modifier"))
        or "modifier" in message
        or "belongs at the top" in message
    ):
        return "error", "bad-builder-attribute"
    return "error", "bad-builder-value"


def _variable_with(value: Any, library: LibraryInfo) -> tuple[Document, JsonPath] | None:
    """The config.yml template variable whose value is `value` (a text or a number), if exactly one is."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    found = [library.places[k] for k, v in library.variables.items() if k in library.places and v == value]
    return found[0] if len(found) == 1 else None


def _value_at(data: Any, parts: list[str | int]) -> Any:
    for part in parts:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _query(spec: dict[str, Any], libtype: str, *, root: str, today: date) -> list[tuple[str, str]]:
    """`build_query`, plus the engine's refusal to build collections of seasons or episodes."""
    pairs = build_query(spec, libtype, root=root, today=today)
    if libtype in TYPE_NUMBERS and pairs[0] != ("type", str(TYPE_NUMBERS[libtype])):
        level = spec.get("type")
        raise SearchError(
            f"collections of {level} are not supported by this engine (builder_level)", f"{root}.type"
        )
    return pairs


def has_errors(pointers: set[str], path: JsonPath) -> bool:
    """Whether the schema already reported an error at `path` or inside it."""
    prefix = pointer(path)
    return any(p == prefix or p.startswith(prefix + "/") for p in pointers)


class DefinitionChecker:
    """Checks the definitions of collection files; every problem goes to `report`.

    With `apply=False` (a file checked on its own, without its config) templates are not applied:
    only what is written literally is checked.
    """

    def __init__(self, report: Report, *, apply: bool = True, today: date | None = None) -> None:
        self.report = report
        self.apply = apply
        self.today = today or date.today()
        self.settings = Settings()

    def check_file(
        self, document: Document, templates: Templates, library: LibraryInfo, skip: set[str]
    ) -> None:
        """Every collection and dynamic collection of a file; `skip`: pointers with schema errors."""
        data = document.data
        if not isinstance(data, dict):
            return
        for section, check in (("collections", self._collection), ("dynamic_collections", self._dynamic)):
            entries = data.get(section)
            if not isinstance(entries, dict):
                continue
            for name, value in entries.items():
                path = (section, name)
                if isinstance(value, dict) and not has_errors(skip, path):
                    check(document, path, value, templates, library)

    # ------------------------------------------------------------------ collections

    def _collection(
        self,
        document: Document,
        path: JsonPath,
        value: dict[str, Any],
        templates: Templates,
        library: LibraryInfo,
    ) -> None:
        calls = template_calls(value.get("template"), (*path, "template"))
        definition = Definition(document, path, value, calls, value)
        if not self._calls_exist(definition, templates):
            return
        if self.apply:
            applied = self._apply(definition, templates, library)
            if applied is not None:
                self._built(definition, applied, templates, library)
            return
        if calls:  # its templates may take variables from config.yml: check only what is written
            self._schedule(document, path, value)
        else:
            self._built(definition, value, templates, library)

    def _calls_exist(self, definition: Definition, templates: Templates) -> bool:
        """Report calls of templates that do not exist; False if there are any (or some may not)."""
        missing = [call for call in definition.calls if call.name not in templates.sources]
        if missing and not templates.complete:
            return False
        for call in missing:
            where = (*call.path, "name") if definition.document.has((*call.path, "name")) else call.path
            message = f"template `{call.name}` does not exist"
            known = ", ".join(sorted(templates.sources)) or "none"
            hint = did_you_mean(call.name, list(templates.sources)) or f"known templates: {known}"
            self.report(definition.document.problem(where, "error", "unknown-template", message, hint))
        return not missing

    def _apply(
        self, definition: Definition, templates: Templates, library: LibraryInfo
    ) -> dict[str, Any] | None:
        try:
            return apply_templates(
                str(definition.path[-1]),
                definition.data,
                templates.bodies,
                library_type=library.libtype or "movie",
                library_name=library.name,
                config_variables=library.variables,
                external_variables=templates.external,
                today=self.today,
            )
        except TemplateError as exc:
            self._template_error(definition, exc, templates)
            return None

    def _template_error(self, definition: Definition, exc: TemplateError, templates: Templates) -> None:
        document, message = definition.document, exc.message
        if exc.path.startswith("templates."):
            document, where = self._in_template(exc.path, templates, definition)
        else:
            where = (*definition.path, *split_engine_path(exc.path, definition.data))
        missing = _MISSING_VARIABLE.search(message)
        if missing is not None:
            text = (
                f"template `{missing['template']}` needs the variable `{missing['var']}`, which is not given"
            )
            hint = f"add `{missing['var']}: ...` to the template call or to template_variables"
            problem = document.problem(where, "error", "missing-template-variable", text, hint)
        elif "calls another template" in message:
            problem = document.problem(where, "warning", "unsupported", f"{message}; not checked")
        else:
            problem = document.problem(where, "error", "template-error", message)
        self.report(problem)

    def _in_template(
        self, text: str, templates: Templates, definition: Definition
    ) -> tuple[Document, JsonPath]:
        rest = text.removeprefix("templates.")
        for name in sorted(templates.sources, key=lambda n: -len(n)):
            if rest == name or rest.startswith(f"{name}."):
                source = templates.sources[name]
                inner = split_engine_path(rest[len(name) :].removeprefix("."), source.body)
                return source.document, (*source.path, *inner)
        return definition.document, definition.path

    # ------------------------------------------------------------------ the templated definition

    def _built(
        self, definition: Definition, applied: dict[str, Any], templates: Templates, library: LibraryInfo
    ) -> None:
        self._engine_checks(definition, applied, templates, library)
        self._searches(definition, applied, templates, library)

    def _searches(
        self, definition: Definition, data: dict[str, Any], templates: Templates, library: LibraryInfo
    ) -> None:
        for builder in SEARCH_BUILDERS:
            value = data.get(builder)
            entries = value if builder == "plex_search" and isinstance(value, list) else [value]
            for index, entry in enumerate(entries):
                root = f"{builder}[{index}]" if entries is value else builder
                if isinstance(entry, dict) and "<<" not in repr(entry):
                    query = functools.partial(_query, entry, root=root, today=self.today)
                    self._attempt(definition, data, templates, library, query)
        spec = data.get("filters")
        if spec is not None and "<<" not in repr(spec):
            self._attempt(
                definition, data, templates, library, lambda t: compile_filters(spec, t, today=self.today)
            )

    def _attempt(
        self,
        definition: Definition,
        data: dict[str, Any],
        templates: Templates,
        library: LibraryInfo,
        check: Callable[[str], Any],
    ) -> None:
        """Run a search/filter check for the library type(s); report if it fails for every one."""
        failures: list[SearchError] = []
        for libtype in library.types:
            try:
                check(libtype)
                return
            except SearchError as exc:
                failures.append(exc)
        known = library.libtype is not None
        error = failures[0]
        if not known:  # it fits neither a movie nor a show library: merely unsupported in one of them?
            unsupported = [f for f in failures if search_code(f.message, False)[1] == "unsupported"]
            typeless = [f for f in failures if "available" not in f.message]
            error = (unsupported or typeless or failures)[0]
        message, hint = _hinted(error.message)
        severity, code = search_code(message, known)
        parts = split_engine_path(error.path, data)
        document, where = self._place(definition, parts, templates, library, _value_at(data, parts))
        self.report(document.problem(where, severity, code, f"{error.path}: {message}", hint))

    def _engine_checks(
        self, definition: Definition, applied: dict[str, Any], templates: Templates, library: LibraryInfo
    ) -> None:
        """The engine's own checks of a definition (modules.definition); its warnings are `unsupported`."""
        document, path = definition.document, definition.path
        line, column = document.position(path)
        try:
            parsed = parse_definition(
                str(path[-1]), applied, Location(document.source, line, column), self.settings
            )
        except DefinitionError as exc:
            self._definition_error(definition, exc.message, applied, templates, library)
            return
        for warning in parsed.warnings:
            match = re.search(r"attribute '(.+?)' is not supported", warning)
            if match is None or match[1] not in known_definition_keys():
                continue
            doc, where = self._place(definition, [match[1]], templates, library)
            text = f"`{match[1]}` is not used by this engine yet; it is ignored"
            self.report(doc.problem(where, "warning", "unsupported", text))

    def _definition_error(
        self,
        definition: Definition,
        message: str,
        applied: dict[str, Any],
        templates: Templates,
        library: LibraryInfo,
    ) -> None:
        match = _LEADING_KEY.match(message)
        key = match["key"] if match is not None and match["key"] in applied else None
        document, where = self._place(
            definition, [key] if key else [], templates, library, applied.get(key) if key else None
        )
        severity = "error"
        blank = str(applied.get("blank_collection")).lower() == "true"
        if "is not supported by this engine" in message or ("has no builder" in message and blank):
            severity, code = "warning", "unsupported"
        elif "has no builder" in message:
            code = "no-builder"
        elif key is not None and (key == "schedule" or key.startswith("visible_")) and ":" in message:
            code = "bad-schedule"
        else:
            code = "invalid-definition"
        self.report(document.problem(where, severity, code, message))

    def _place(
        self,
        definition: Definition,
        parts: list[str | int],
        templates: Templates,
        library: LibraryInfo,
        value: Any = None,
    ) -> tuple[Document, JsonPath]:
        """Where the attribute at `parts` of the templated definition (now `value`) was written.

        In the definition itself; else in the template that set it, or at the call or the config.yml
        template variable that gave the template its value.
        """
        document, path = definition.document, definition.path
        if not parts or parts[0] in definition.written:
            return document, (*path, *parts)
        for call in definition.calls:
            source = templates.sources.get(call.name)
            if source is None or not isinstance(source.body, dict) or parts[0] not in source.body:
                continue
            raw = source.body[parts[0]]
            match = _SINGLE_PLACEHOLDER.match(raw) if isinstance(raw, str) else None
            if match is not None and match[1] in library.places:
                return library.places[match[1]]
            if match is not None and match[1] in call.variables:
                return document, (*call.path, match[1])
            given = _variable_with(value, library) if "<<" in repr(raw) else None
            return given or (source.document, (*source.path, *parts))
        return document, path

    def _schedule(self, document: Document, path: JsonPath, value: dict[str, Any]) -> None:
        schedule = value.get("schedule")
        if schedule is None or "<<" in repr(schedule):
            return
        try:
            parse_schedule(schedule)
        except ScheduleError as exc:
            self.report(document.problem((*path, "schedule"), "error", "bad-schedule", f"`schedule`: {exc}"))

    # ------------------------------------------------------------------ dynamic collections

    def _dynamic(
        self,
        document: Document,
        path: JsonPath,
        value: dict[str, Any],
        templates: Templates,
        library: LibraryInfo,
    ) -> None:
        spec = dynamic_spec(value, library.variables)
        kind = self._dynamic_kind(document, path, spec, library)
        calls = [Call(c.name, c.path, {}) for c in template_calls(value.get("template"), (*path, "template"))]
        written = Definition(document, path, value, calls, value)
        if kind is None or not self._calls_exist(written, templates) or not calls or not self.apply:
            return
        key = self._sample_key(kind, spec)
        variables: dict[str, Any] = {kind: key, "key": key, "value": key, "key_name": key}
        for name, per_key in (spec.get("template_variables") or {}).items():
            if isinstance(per_key, dict) and (key in per_key or "default" in per_key):
                variables[str(name)] = per_key[key] if key in per_key else per_key["default"]
        data = {"template": [{"name": call.name, **variables} for call in calls]}
        sample = Definition(document, path, data, [Call(c.name, c.path, variables) for c in calls], value)
        applied = self._apply(sample, templates, library)
        if applied is not None:
            self._built(sample, applied, templates, library)

    def _dynamic_kind(
        self, document: Document, path: JsonPath, spec: dict[str, Any], library: LibraryInfo
    ) -> str | None:
        line, column = document.position(path)
        failures: list[str] = []
        for libtype in library.types:
            try:
                return dynamic.check_spec(
                    str(path[-1]), spec, Location(document.source, line, column), libtype
                )
            except DefinitionError as exc:
                failures.append(exc.message)
        message = failures[0]
        where: JsonPath = (*path, "type")
        if "does not apply to a" in message:
            severity, code = "error", "wrong-library-type" if library.libtype else "bad-builder-attribute"
        elif "not supported by this engine" in message or "unknown type" in message:
            severity, code = "warning", "unsupported"
        elif "unknown attribute" in message:
            severity, code, where = "warning", "unsupported", path
        else:
            severity, code, where = "error", "invalid-definition", path
        self.report(document.problem(where, severity, code, message))
        return None

    @staticmethod
    def _sample_key(kind: str, spec: dict[str, Any]) -> str:
        """A key to check a dynamic collection's templates with: an included key, a data key, or a typical one."""
        include = spec.get("include")
        if isinstance(include, list) and include:
            return str(include[0])
        data = spec.get("data")
        if kind == "custom" and isinstance(data, dict) and data:
            return str(next(iter(data)))
        if kind in dynamic.PEOPLE_TYPES:
            return "Sample Person"
        return SAMPLE_KEYS.get(kind, "Sample")
