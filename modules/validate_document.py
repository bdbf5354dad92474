"""The validator's YAML documents: JSON-like data plus the position of every key, and `Problem`.

Files are composed once into YAML nodes (with ruamel.yaml.clib's C parser when it is installed, and with
ruamel's pure-Python one, the engine's, when the C parser is missing or refuses the text, or to confirm a
text with tabs, which libyaml takes in places the engine refuses) and turned into plain data the schemas
can check: mapping keys as text,
timestamps as ISO strings, merge keys (`<<: *anchor`) applied. The nodes are kept, so any JSON path
(`("collections", "Action", "sync_mode")`) maps back to the line and column of its key, or of its item
in a list. Syntax errors are reported the way the engine reports them (`modules.yamlio.parse`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from modules.errors import ConfigError
from modules.yaml_nodes import compose
from modules.yaml_shape import TOO_DEEP, check_shape, text_size
from modules.yamlio import parse, too_deep_at

JsonPath = Sequence[str | int]

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + n for n in ("str", "int", "float", "bool", "null"))
_TIMESTAMP, _MERGE = _TAG + "timestamp", _TAG + "merge"
_SAFE: SafeConstructor = YAML(typ="safe", pure=True).constructor
_BUILDING = object()


@dataclass
class Problem:
    """One finding, at a place in a file (line and column are 1-based; None when the file has no place)."""

    file: str
    line: int | None
    column: int | None
    pointer: str
    severity: str  # "error" or "warning"
    code: str
    message: str
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: {file, line, column, pointer, severity, code, message, hint}."""
        return asdict(self)

    def __str__(self) -> str:
        place = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        hint = f" ({self.hint})" if self.hint else ""
        return f"{place}: {self.severity}[{self.code}]: {self.message}{hint}"


def pointer(path: JsonPath) -> str:
    """A JSON pointer (RFC 6901) for a path: ("collections", "A/B", 0) -> /collections/A~1B/0."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _scalar(node: ScalarNode) -> Any:
    """The value of one scalar as JSON sees it: timestamps become ISO text, unknown tags plain text."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _INT:
        text = node.value
        if text.isdigit() and (len(text) == 1 or text[0] != "0"):
            return int(text)
        return _SAFE.construct_yaml_int(node)
    if tag == _FLOAT:
        return _SAFE.construct_yaml_float(node)
    if tag == _BOOL:
        return _SAFE.construct_yaml_bool(node)
    if tag == _NULL:
        return None
    if tag == _TIMESTAMP:
        return _SAFE.construct_yaml_timestamp(node).isoformat()
    return node.value


def _key_text(node: Node) -> str:
    """A mapping key as text, the way the schemas see keys (`603:` is "603")."""
    if isinstance(node, ScalarNode):
        value = _scalar(node)
        return value if isinstance(value, str) else str(value)
    return str(node.value)


class Document:
    """One parsed YAML file: `data` (JSON-like), positions by JSON path, and the problems found parsing."""

    def __init__(self, source: str, root: Node | None, problems: list[Problem] | None = None) -> None:
        self.source = source
        self.root = root
        self.problems: list[Problem] = problems if problems is not None else []
        self._pairs: dict[int, dict[str, tuple[Node, Node]]] = {}
        self._built: dict[int, Any] = {}
        self.data: Any = self._build(root, []) if root is not None else None
        self._built.clear()

    # ------------------------------------------------------------------ building

    def _build(self, node: Node, path: list[str | int]) -> Any:
        if isinstance(node, ScalarNode):
            return _scalar(node)
        done = self._built.get(id(node))
        if done is not None:
            return None if done is _BUILDING else done
        self._built[id(node)] = _BUILDING
        if isinstance(node, SequenceNode):
            value: Any = []
            for index, item in enumerate(node.value):
                path.append(index)
                value.append(self._build(item, path))
                path.pop()
        elif isinstance(node, MappingNode):
            value = self._mapping(node, path)
        else:
            value = None
        self._built[id(node)] = value
        return value

    def _mapping(self, node: MappingNode, path: list[str | int]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = _key_text(key_node)
            path.append(key)
            if key in result:
                self._duplicate(key, key_node, path)
            result[key] = self._build(value_node, path)
            path.pop()
        for source in merges:
            for merged in source.value if isinstance(source, SequenceNode) else [source]:
                built = self._build(merged, path)
                if isinstance(built, dict):
                    for key, value in built.items():
                        result.setdefault(key, value)
        return result

    def _duplicate(self, key: str, node: Node, path: list[str | int]) -> None:
        parent = path[:-1]
        code = "duplicate-library" if parent == ["libraries"] else "duplicate-key"
        what = f"library `{key}`" if code == "duplicate-library" else f"key `{key}`"
        self.problems.append(
            Problem(
                self.source,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                pointer(path),
                "error",
                code,
                f"{what} appears twice in the same mapping; the engine refuses duplicate keys",
                "remove or rename one of them",
            )
        )

    # ------------------------------------------------------------------ positions

    def _index(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        pairs = self._pairs.get(id(node))
        if pairs is None:
            pairs = {}
            merges = []
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    merges.append(value_node)
                else:
                    pairs.setdefault(_key_text(key_node), (key_node, value_node))
            for source in merges:
                for merged in source.value if isinstance(source, SequenceNode) else [source]:
                    if isinstance(merged, MappingNode):
                        for key, pair in self._index(merged).items():
                            pairs.setdefault(key, pair)
            self._pairs[id(node)] = pairs
        return pairs

    def walk(self, path: JsonPath) -> tuple[int, int, int]:
        """(how many parts of `path` exist, line, column) of the deepest key or item found along `path`."""
        node = self.root
        if node is None:
            return 0, 1, 1
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        for depth, part in enumerate(path):
            if isinstance(node, MappingNode):
                pair = self._index(node).get(str(part))
                if pair is None:
                    return depth, line, column
                key_node, node = pair
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line, column = node.start_mark.line + 1, node.start_mark.column + 1
            else:
                return depth, line, column
        return len(path), line, column

    def position(self, path: JsonPath) -> tuple[int, int]:
        """Line and column of the key (or list item) at `path`, or of the deepest part of it that exists."""
        _, line, column = self.walk(path)
        return line, column

    def has(self, path: JsonPath) -> bool:
        """Whether every part of `path` exists in the file as written."""
        return self.walk(path)[0] == len(path)

    def problem(
        self, path: JsonPath, severity: str, code: str, message: str, hint: str | None = None
    ) -> Problem:
        """A Problem at the key or item `path` names."""
        line, column = self.position(path)
        return Problem(self.source, line, column, pointer(path), severity, code, message, hint)


def load_document(text: str, source: str) -> Document:
    """Parse `text`; a syntax error, or a shape past :mod:`modules.yaml_shape`'s limits, gives a Document
    with no data and one problem (`yaml-syntax`, `yaml-limits`)."""
    deep = too_deep_at(text)
    if deep is not None:
        return Document(source, None, [_limits_problem(source, TOO_DEEP, deep.line, deep.column)])
    try:
        root = _compose(text)
    except YAMLError as exc:
        return Document(source, None, [_syntax_problem(text, source, exc)])
    except RecursionError:
        return Document(source, None, [_limits_problem(source, TOO_DEEP)])
    shape = check_shape(root, _node_parts, _node_size) if root is not None else None
    if shape is None:
        return Document(source, root)
    mark = shape.node.start_mark
    line, column, message = mark.line + 1, mark.column + 1, shape.message
    if shape.count:
        message += f"; the value anchored at line {line}, column {column} appears {shape.count:,} times"
        alias = _first_alias(text, shape.node)
        if alias is not None:
            line, column = alias
            message += ", first through the alias here"
    return Document(source, None, [_limits_problem(source, message, line, column)])


def _first_alias(text: str, node: Node) -> tuple[int, int] | None:
    """1-based line and column of the first alias of the anchored ``node``, read from the parser's events
    (composed nodes keep no trace of their aliases)."""
    start = (node.start_mark.line, node.start_mark.column)
    anchor = None
    try:
        for event in _parse(text):
            if anchor is None and not isinstance(event, AliasEvent):
                if (
                    getattr(event, "anchor", None)
                    and (event.start_mark.line, event.start_mark.column) == start
                ):
                    anchor = event.anchor
            elif isinstance(event, AliasEvent) and event.anchor == anchor:
                return event.start_mark.line + 1, event.start_mark.column + 1
    except YAMLError:
        return None
    return None


def _parse(text: str) -> Iterator[Any]:
    """The parser events of ``text`` from the parser :func:`_compose` used for it."""
    if "\t" not in text:
        try:
            return iter(list(YAML(typ="safe").parse(text)))
        except YAMLError:
            pass
    return YAML(typ="safe", pure=True).parse(text)


def _compose(text: str) -> Node | None:
    """The nodes of `text`: by libyaml's C parser where it agrees with the engine's, else by ruamel's pure
    one (the engine's own): libyaml takes tabs the engine refuses, and follows YAML 1.1 in places
    (`[a, https://b]`)."""
    return compose(text)


def _node_parts(node: Node) -> tuple[list[Node], list[Node]]:
    """A node's child mappings and sequences, and the scalars it holds besides (keys included)."""
    if isinstance(node, MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, SequenceNode):
        children = list(node.value)
    else:
        return [], []
    containers = [child for child in children if not isinstance(child, ScalarNode)]
    if not containers:
        return [], children
    return containers, [child for child in children if isinstance(child, ScalarNode)]


def _node_size(node: ScalarNode) -> int:
    """The bytes of a scalar's value."""
    return text_size(node.value)


def _limits_problem(source: str, message: str, line: int | None = 1, column: int | None = 1) -> Problem:
    return Problem(
        source,
        line,
        column,
        "",
        "error",
        "yaml-limits",
        f"this file is refused: {message}",
        "Kometa files never need that; look for an anchor used inside itself or a runaway edit",
    )


def _syntax_problem(text: str, source: str, exc: YAMLError) -> Problem:
    """The engine's own message and place for a syntax error (its parser is ruamel's round-trip one)."""
    try:
        parse(text, source)
    except ConfigError as error:
        where = error.location
        if where is not None:
            return Problem(source, where.line, where.column, "", "error", "yaml-syntax", error.message)
    except YAMLError:
        pass
    line = column = None
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            line, column = mark.line + 1, mark.column + 1
    return Problem(source, line, column, "", "error", "yaml-syntax", f"YAML syntax error: {exc}")
