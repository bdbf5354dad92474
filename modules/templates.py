"""Applying Kometa-style templates to collection, playlist and overlay definitions.

A definition calls templates with ``template: {name: T, var: value, ...}`` or a list of such calls.
Each called template is copied with its ``<<variables>>`` filled in (see ``modules.template_vars`` for
the placeholder language) and merged into the definition: attributes already on the definition win,
and between templates the first one that sets an attribute wins; an attribute that is already set is
skipped without filling it in, so the variables only it uses are not needed (as in Kometa).
``template`` and ``variables`` are removed from the result.

Variable precedence for one call, highest first:

1. ``config_variables``: the library's or file block's ``template_variables``; they override all.
2. The call's own variables (``template: {name: T, var: value}``).
3. ``external_variables[T]``: the ``template_variables`` of the ``external_templates`` block that
   provided template T.
4. The definition's ``variables:`` (given to every template it calls).
5. The template's ``conditionals:`` (they only decide variables that levels 1-4 did not set).
6. Built-ins: ``collection_name`` (``playlist_name``/``overlay_name`` by kind) and ``mapping_name``,
   ``collection_sort`` (by kind) and ``mapping_sort`` (with ``move_prefix`` applied),
   ``current_year``/``current_month``/``current_day``, ``library_type``, ``library_typeU``,
   ``library_name``.
7. The template's ``default:`` (whose names and values may use other variables).

A ``null`` at levels 1-4 hides every lower level and makes the variable optional for that call.
Template special keys (``default``, ``optional``, ``conditionals``, ``move_prefix`` and its legacy
name ``move_collection_prefix``) never reach the result. Templates calling other templates are
rejected with a TemplateError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from modules.template_vars import (
    Drop,
    Scope,
    TemplateError,
    render_name,
    render_text,
    substitute,
    substitute_in,
    to_plain,
)

__all__ = [
    "TemplateError",
    "apply_templates",
    "builtin_variables",
    "dynamic_key_variables",
    "move_prefix",
    "substitute",
]

SPECIAL_KEYS = frozenset({"default", "optional", "conditionals", "move_prefix", "move_collection_prefix"})
_TESTS = ("not", "exists", "notdefault")


@dataclass
class _Context:
    """Everything about the definition being built that every template call needs."""

    name: str
    kind: str
    library_type: str
    library_name: str
    today: date
    templates: Mapping[str, Mapping[str, Any]]
    config: dict[str, Any] = field(default_factory=dict)
    external: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Variables:
    """The variables of one call: values by name, optional names, and what the levels 1-4 gave."""

    values: dict[str, Any]
    optional: set[str]
    given: dict[str, Any]
    nulls: set[str]
    defaults: dict[str, Any]


def apply_templates(
    name: str,
    definition: Mapping[str, Any],
    templates: Mapping[str, Mapping[str, Any]],
    *,
    kind: str = "collection",
    library_type: str = "movie",
    library_name: str = "",
    config_variables: Mapping[str, Any] | None = None,
    external_variables: Mapping[str, Mapping[str, Any]] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The definition with its templates applied, as plain dicts and lists (see the module docstring)."""
    shared = definition.get("variables") or {}
    if not isinstance(shared, Mapping):
        raise TemplateError("'variables' must be a mapping of variable names to values", "variables")
    context = _Context(
        name=str(name),
        kind=kind,
        library_type=library_type,
        library_name=library_name,
        today=today or date.today(),
        templates=templates,
        config=_plain_vars(config_variables or {}),
        external=external_variables or {},
        shared=_plain_vars(shared),
    )
    result = {k: to_plain(v) for k, v in definition.items() if k not in ("template", "variables")}
    for path, call in _calls(definition.get("template")):
        result.update(_apply_call(path, call, context, set(result)))
    return result


def dynamic_key_variables(key: str, value: str) -> dict[str, str]:
    """The variables a dynamic collection passes to its template for one key."""
    return {"key": key, "value": value, "key_name": value}


def move_prefix(title: str, prefixes: list[str]) -> str:
    """Move a leading word from ``prefixes`` to the end: ("The Matrix", ["The"]) -> "Matrix, The"."""
    for prefix in prefixes:
        if prefix and title.startswith(f"{prefix} ") and len(title) > len(prefix) + 1:
            return f"{title[len(prefix) + 1 :]}, {prefix}"
    return title


def builtin_variables(
    name: str, *, kind: str, library_type: str, library_name: str, today: date, prefixes: list[str]
) -> dict[str, Any]:
    """The variables every template gets without being given them."""
    sort = move_prefix(name, prefixes)
    return {
        f"{kind}_name": name,
        f"{kind}_sort": sort,
        "mapping_name": name,
        "mapping_sort": sort,
        "current_year": today.year,
        "current_month": today.month,
        "current_day": today.day,
        "library_type": library_type,
        "library_typeU": library_type.capitalize(),
        "library_name": library_name,
    }


def _plain_vars(variables: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k): to_plain(v) for k, v in variables.items()}


def _calls(template: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """The template calls of a definition, each with its path for error messages."""
    if template is None:
        return []
    if isinstance(template, Mapping):
        return [("template", template)]
    if not isinstance(template, list):
        raise TemplateError("'template' must be a mapping with a 'name' or a list of them", "template")
    calls: list[tuple[str, Mapping[str, Any]]] = []
    for index, call in enumerate(template):
        if not isinstance(call, Mapping):
            raise TemplateError("each template call must be a mapping with a 'name'", f"template[{index}]")
        calls.append((f"template[{index}]", call))
    return calls


def _find_template(path: str, call: Mapping[str, Any], context: _Context) -> tuple[str, dict[str, Any]]:
    """The called template's name and (plain) body, checked."""
    if call.get("name") is None:
        raise TemplateError("template call has no 'name'", path)
    template_name = str(call["name"])
    if template_name not in context.templates:
        known = ", ".join(sorted(str(k) for k in context.templates)) or "none"
        raise TemplateError(f"template '{template_name}' does not exist (known: {known})", f"{path}.name")
    body = context.templates[template_name]
    if not isinstance(body, Mapping):
        raise TemplateError(
            f"template '{template_name}' must be a mapping of attributes, not {type(body).__name__}",
            f"templates.{template_name}",
        )
    if "template" in body:
        raise TemplateError(
            f"template '{template_name}' calls another template, which is not supported",
            f"templates.{template_name}.template",
        )
    return template_name, to_plain(body)


def _apply_call(path: str, call: Mapping[str, Any], context: _Context, taken: set[Any]) -> dict[str, Any]:
    """One called template with its variables substituted, except the attributes in `taken` (set by the
    definition or an earlier template), which are skipped unfilled, as Kometa skips them."""
    template_name, body = _find_template(path, call, context)
    own = _plain_vars({k: v for k, v in call.items() if k != "name"})
    external = _plain_vars(context.external.get(template_name) or {})
    variables = _collect(template_name, body, [context.config, own, external, context.shared], context)
    scope = Scope(variables.values, variables.optional, template_name, path)
    result: dict[str, Any] = {}
    for key, value in body.items():
        if key in SPECIAL_KEYS:
            continue
        try:
            new_key = str(render_text(key, scope)) if isinstance(key, str) else key
            if new_key not in taken:
                result[new_key] = substitute_in(value, scope)
        except Drop:
            continue
    return result


def _merge_given(sources: list[dict[str, Any]]) -> tuple[dict[str, Any], set[str]]:
    """Merge variable sources, highest precedence first; a None hides the lower sources."""
    given: dict[str, Any] = {}
    nulls: set[str] = set()
    for source in sources:
        for key, value in source.items():
            if key in given or key in nulls:
                continue
            if value is None:
                nulls.add(key)
            else:
                given[key] = value
    return given, nulls


def _names(value: Any) -> list[str]:
    """A name list given as a list or as one comma-separated string."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _collect(
    template_name: str, body: dict[str, Any], sources: list[dict[str, Any]], context: _Context
) -> _Variables:
    """All variables of one call, by the precedence in the module docstring."""
    given, nulls = _merge_given(sources)
    prefixes = _names(body.get("move_prefix", body.get("move_collection_prefix")))
    builtins = builtin_variables(
        context.name,
        kind=context.kind,
        library_type=context.library_type,
        library_name=context.library_name,
        today=context.today,
        prefixes=prefixes,
    )
    probe = Scope({**builtins, **given}, set(nulls), template_name)
    defaults = _defaults(template_name, body.get("default"), probe)
    merged = {**defaults, **builtins, **given}
    values = {k: v for k, v in merged.items() if k not in nulls and v is not None}
    optional = nulls | {k for k, v in merged.items() if v is None}
    for name in _names(body.get("optional")):
        optional.add(render_name(name, probe) or name)
    variables = _Variables(values, optional, given, nulls, defaults)
    _apply_conditionals(template_name, body.get("conditionals"), variables)
    return variables


def _defaults(template_name: str, default: Any, probe: Scope) -> dict[str, Any]:
    """The template's ``default:`` with placeholders in its names filled in (unresolvable ones skipped).

    A default of null makes the variable optional.
    """
    if default is None:
        return {}
    if not isinstance(default, dict):
        raise TemplateError(
            f"'default' of template '{template_name}' must be a mapping", f"templates.{template_name}.default"
        )
    defaults: dict[str, Any] = {}
    for key, value in default.items():
        name = render_name(str(key), probe)
        if name is not None:
            defaults.setdefault(name, value)
    return defaults


def _apply_conditionals(template_name: str, conditionals: Any, variables: _Variables) -> None:
    """Set each conditional variable from its first matching block, its default, or make it optional."""
    if conditionals is None:
        return
    where = f"templates.{template_name}.conditionals"
    if not isinstance(conditionals, dict):
        raise TemplateError(f"'conditionals' of template '{template_name}' must be a mapping", where)
    for raw_name, spec in conditionals.items():
        probe = Scope(variables.values, set(variables.optional), template_name)
        name = render_name(str(raw_name), probe) or str(raw_name)
        if name in variables.given or name in variables.nulls:
            continue
        if not isinstance(spec, dict):
            raise TemplateError(f"conditional '{name}' must be a mapping", f"{where}.{raw_name}")
        found, chosen = _first_match(template_name, f"{where}.{raw_name}", spec, probe, variables)
        if not found:
            if "default" not in spec and name in variables.defaults:
                continue
            chosen = spec.get("default")
        if chosen is None:
            variables.values.pop(name, None)
            variables.optional.add(name)
        else:
            variables.values[name] = chosen


def _first_match(
    template_name: str, where: str, spec: dict[str, Any], probe: Scope, variables: _Variables
) -> tuple[bool, Any]:
    """The ``value`` of the first block in ``conditions`` whose every test holds."""
    blocks = spec.get("conditions") or []
    if not isinstance(blocks, list):
        raise TemplateError("'conditions' must be a list of mappings", f"{where}.conditions")
    for index, block in enumerate(blocks):
        if not isinstance(block, dict) or "value" not in block:
            raise TemplateError(
                f"condition {index + 1} of template '{template_name}' must be a mapping with a 'value'",
                f"{where}.conditions[{index}]",
            )
        tests = [(str(k), v) for k, v in block.items() if k != "value"]
        if all(_holds(key, expected, probe, variables) for key, expected in tests):
            return True, block["value"]
    return False, None


def _holds(key: str, expected: Any, probe: Scope, variables: _Variables) -> bool:
    """Whether one test of a conditions block holds: ``var``, ``var.not``, ``.exists``, ``.notdefault``."""
    name, test = key, ""
    base, dot, suffix = key.rpartition(".")
    if dot and suffix in _TESTS:
        name, test = base, suffix
    name = render_name(name, probe) or name
    found, value = _probe(name, probe)
    if test == "exists":
        return found == _truthy(expected)
    if test == "notdefault":
        differs = name in variables.given and (
            name not in variables.defaults or _norm(variables.given[name]) != _norm(variables.defaults[name])
        )
        return differs == _truthy(expected)
    wanted = expected if isinstance(expected, list) else [expected]
    matches = found and _norm(value) in {_norm(v) for v in wanted}
    return not matches if test == "not" else matches


def _probe(name: str, probe: Scope) -> tuple[bool, Any]:
    try:
        return True, probe.lookup(name)
    except (Drop, TemplateError):
        return False, None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value)


def _norm(value: Any) -> str:
    """Comparable text of a value: booleans as true/false (any case), everything else as ``str()``."""
    if isinstance(value, list):
        return ", ".join(_norm(v) for v in value)
    text = str(value)
    return text.lower() if text.lower() in ("true", "false") else text
