"""A fast yes/no JSON Schema check, compiled once from our schemas into nested Python closures.

jsonschema reports every error with its paths, which the validator needs, but it spends most of its time
on bookkeeping: about a millisecond per collection definition. Most files are valid, so the validator
first asks this checker, and runs jsonschema only for a document the checker rejects.

It implements the assertion keywords our schemas use, with Draft 2020-12 semantics as jsonschema applies
them (booleans are not numbers, 1.0 is an integer, `pattern` is `re.search`, unknown keywords are
annotations). A schema using an assertion keyword it does not know raises `Unsupported` at compile time,
so callers fall back to jsonschema instead of trusting an incomplete check. `tests/unit/validate`
compares its answers with jsonschema's on every document the tests use.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing._core import Resolver

Check = Callable[[Any], bool]

ASSERTIONS = frozenset(Draft202012Validator.VALIDATORS)
_IMPLEMENTED = frozenset(
    {
        *("$ref", "type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum"),
        *("exclusiveMinimum", "exclusiveMaximum", "required", "properties", "patternProperties"),
        *("additionalProperties", "items", "prefixItems", "minItems", "maxItems", "uniqueItems"),
        *("anyOf", "oneOf", "allOf", "not", "if", "then", "else", "minProperties", "maxProperties"),
        *("propertyNames", "dependentRequired"),
    }
)


class Unsupported(Exception):
    """The schema uses an assertion keyword this checker does not implement."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": _is_integer,
}


def equal(one: Any, two: Any) -> bool:
    """JSON equality as jsonschema applies it: true is not 1, 1 is 1.0, containers compare deeply."""
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(equal(one[k], two[k]) for k in one)
    if isinstance(one, list | dict) or isinstance(two, list | dict):
        return False
    return bool(one == two)


def _bounded(test: Callable[[Any, Any], bool], bound: Any) -> Check:
    return lambda value: not _is_number(value) or test(value, bound)


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


class Compiler:
    """Compiles schemas of one registry; each subschema is compiled once (recursive $refs included).

    One compiler is shared by every thread of a process. While a schema compiles, its cache entry is a
    placeholder that only works once the compile finishes, so compiles run one at a time under a lock
    and a compile that fails takes its placeholders back out: no thread ever gets an unfinished check.
    """

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._cache: dict[int, Check] = {}
        self._lock = threading.RLock()

    def compile_uri(self, uri: str) -> Check:
        """The check for the schema registered under `uri` (e.g. `/schemas/collection.json`)."""
        resolver = self.registry.resolver(base_uri=uri)
        resolved = resolver.lookup(uri)
        return self.compile(resolved.contents, resolved.resolver)

    def compile(self, schema: Any, resolver: Resolver[Any]) -> Check:
        """The check for one (sub)schema; `resolver` resolves its $refs."""
        with self._lock:
            known = set(self._cache)
            try:
                return self._compile(schema, resolver)
            except BaseException:
                for key in set(self._cache) - known:
                    del self._cache[key]
                raise

    def _compile(self, schema: Any, resolver: Resolver[Any]) -> Check:
        """`compile` with the lock held: a placeholder first (for recursive $refs), then the check."""
        if schema is True or schema == {}:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, Mapping):
            raise Unsupported(f"not a schema: {schema!r}")
        key = id(schema)
        if key in self._cache:
            return self._cache[key]
        cell: list[Check] = []
        self._cache[key] = lambda value: cell[0](value)
        unknown = set(schema) & (ASSERTIONS - _IMPLEMENTED)
        if unknown:
            raise Unsupported(", ".join(sorted(unknown)))
        checks = [
            *self._generic(schema, resolver),
            *self._strings(schema),
            *self._numbers(schema),
            *self._objects(schema, resolver),
            *self._arrays(schema, resolver),
        ]
        check = _all(checks)
        cell.append(check)
        self._cache[key] = check
        return check

    # ------------------------------------------------------------------ keyword groups

    def _ref(self, ref: str, resolver: Resolver[Any]) -> Check:
        resolved = resolver.lookup(ref)
        return self._compile(resolved.contents, resolved.resolver)

    def _generic(self, schema: Mapping[str, Any], resolver: Resolver[Any]) -> list[Check]:
        checks: list[Check] = []
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            tests = [TYPES[name] for name in names]
            checks.append(lambda v: any(test(v) for test in tests))
        if "enum" in schema:
            checks.append(self._enum(list(schema["enum"])))
        if "const" in schema:
            const = schema["const"]
            checks.append(lambda v: equal(v, const))
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"], resolver))
        checks.extend(self._combinators(schema, resolver))
        return checks

    @staticmethod
    def _enum(values: list[Any]) -> Check:
        if all(isinstance(v, str) for v in values):
            allowed = frozenset(values)
            return lambda v: isinstance(v, str) and v in allowed
        return lambda v: any(equal(v, e) for e in values)

    def _combinators(self, schema: Mapping[str, Any], resolver: Resolver[Any]) -> list[Check]:
        checks: list[Check] = []
        if "allOf" in schema:
            checks.append(_all([self._compile(s, resolver) for s in schema["allOf"]]))
        if "anyOf" in schema:
            any_of = [self._compile(s, resolver) for s in schema["anyOf"]]
            checks.append(lambda v: any(c(v) for c in any_of))
        if "oneOf" in schema:
            one_of = [self._compile(s, resolver) for s in schema["oneOf"]]
            checks.append(lambda v: sum(1 for c in one_of if c(v)) == 1)
        if "not" in schema:
            negated = self._compile(schema["not"], resolver)
            checks.append(lambda v: not negated(v))
        if "if" in schema:
            condition = self._compile(schema["if"], resolver)
            then = self._compile(schema.get("then", True), resolver)
            otherwise = self._compile(schema.get("else", True), resolver)
            checks.append(lambda v: then(v) if condition(v) else otherwise(v))
        return checks

    @staticmethod
    def _strings(schema: Mapping[str, Any]) -> list[Check]:
        checks: list[Check] = []
        if "pattern" in schema:
            search = re.compile(schema["pattern"]).search
            checks.append(lambda v: not isinstance(v, str) or search(v) is not None)
        low, high = schema.get("minLength"), schema.get("maxLength")
        if low is not None:
            checks.append(lambda v: not isinstance(v, str) or len(v) >= low)
        if high is not None:
            checks.append(lambda v: not isinstance(v, str) or len(v) <= high)
        return checks

    @staticmethod
    def _numbers(schema: Mapping[str, Any]) -> list[Check]:
        checks: list[Check] = []
        tests: dict[str, Callable[[Any, Any], bool]] = {
            "minimum": lambda v, b: v >= b,
            "maximum": lambda v, b: v <= b,
            "exclusiveMinimum": lambda v, b: v > b,
            "exclusiveMaximum": lambda v, b: v < b,
        }
        for keyword, test in tests.items():
            if keyword in schema:
                checks.append(_bounded(test, schema[keyword]))
        return checks

    def _objects(self, schema: Mapping[str, Any], resolver: Resolver[Any]) -> list[Check]:
        checks: list[Check] = []
        required = list(schema.get("required", ()))
        if required:
            checks.append(lambda v: not isinstance(v, dict) or all(k in v for k in required))
        if any(k in schema for k in ("properties", "patternProperties", "additionalProperties")):
            checks.append(self._members(schema, resolver))
        low, high = schema.get("minProperties"), schema.get("maxProperties")
        if low is not None:
            checks.append(lambda v: not isinstance(v, dict) or len(v) >= low)
        if high is not None:
            checks.append(lambda v: not isinstance(v, dict) or len(v) <= high)
        if "propertyNames" in schema:
            names = self._compile(schema["propertyNames"], resolver)
            checks.append(lambda v: not isinstance(v, dict) or all(names(k) for k in v))
        if "dependentRequired" in schema:
            depends = {k: list(v) for k, v in schema["dependentRequired"].items()}
            checks.append(
                lambda v: (
                    not isinstance(v, dict)
                    or all(all(d in v for d in deps) for k, deps in depends.items() if k in v)
                )
            )
        return checks

    def _members(self, schema: Mapping[str, Any], resolver: Resolver[Any]) -> Check:
        """properties, patternProperties and additionalProperties together."""
        properties = {k: self._compile(s, resolver) for k, s in schema.get("properties", {}).items()}
        patterns = [
            (re.compile(p).search, self._compile(s, resolver))
            for p, s in schema.get("patternProperties", {}).items()
        ]
        extra_schema = schema.get("additionalProperties", True)
        extra = None if extra_schema is True else self._compile(extra_schema, resolver)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for key, item in value.items():
                known = properties.get(key)
                matched = known is not None
                if matched and not known(item):  # type: ignore[misc]
                    return False
                for search, pattern_check in patterns:
                    if search(key) is not None:
                        matched = True
                        if not pattern_check(item):
                            return False
                if not matched and extra is not None and not extra(item):
                    return False
            return True

        return check

    def _arrays(self, schema: Mapping[str, Any], resolver: Resolver[Any]) -> list[Check]:
        checks: list[Check] = []
        prefix = [self._compile(s, resolver) for s in schema.get("prefixItems", ())]
        items = self._compile(schema["items"], resolver) if "items" in schema else None
        if prefix or items is not None:

            def check_items(value: Any) -> bool:
                if not isinstance(value, list):
                    return True
                for index, item in enumerate(value):
                    check = prefix[index] if index < len(prefix) else items
                    if check is not None and not check(item):
                        return False
                return True

            checks.append(check_items)
        low, high = schema.get("minItems"), schema.get("maxItems")
        if low is not None:
            checks.append(lambda v: not isinstance(v, list) or len(v) >= low)
        if high is not None:
            checks.append(lambda v: not isinstance(v, list) or len(v) <= high)
        if schema.get("uniqueItems"):
            checks.append(
                lambda v: (
                    not isinstance(v, list)
                    or all(not equal(a, b) for i, a in enumerate(v) for b in v[i + 1 :])
                )
            )
        return checks
