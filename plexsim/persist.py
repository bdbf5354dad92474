"""Save and load the whole simulator state (also the `--dataset FILE.json` format).

`library_to_dict` covers every field of every model class (fields still at their default are left out), and
`library_from_dict` rebuilds a library whose `library_to_dict` is identical, tag ids and sequences included.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import gc
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from plexsim.model import Artwork, Item, Library, ManagedHub, Media, Part, Section, Sequences, Stream

FORMAT = "plexsim-state"
VERSION = 1

T = TypeVar("T")
# exact types: `type(v) in kinds` also keeps JSON true/false out of int fields
_SCALARS: dict[str, frozenset[type]] = {
    "int": frozenset({int}),
    "str": frozenset({str}),
    "bool": frozenset({bool}),
    "float": frozenset({int, float}),
}


# ---- generic dataclass <-> plain data


_NO_DEFAULT = object()
_ATOMS = frozenset({str, int, float, bool, type(None)})
_DUMP_PLANS: dict[type, list[tuple[str, object]]] = {}


def _dump_plan(cls: type) -> list[tuple[str, object]]:
    """(field name, default value or _NO_DEFAULT) per field; default factories are called once here."""
    plan = _DUMP_PLANS.get(cls)
    if plan is None:
        plan = []
        for f in dataclasses.fields(cls):
            default: object = _NO_DEFAULT
            if f.default is not dataclasses.MISSING:
                default = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            plan.append((f.name, default))
        _DUMP_PLANS[cls] = plan
    return plan


def _plain(value: Any) -> Any:
    """A JSON-ready copy: dataclasses become objects, sets sorted lists, tuples lists."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {k: v if type(v) in _ATOMS else _plain(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [v if type(v) in _ATOMS else _plain(v) for v in value]
    if kind is set or kind is frozenset:
        return sorted(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _dump(value)
    return value


def _dump(obj: Any) -> dict[str, Any]:
    """The fields of a dataclass instance that differ from their defaults."""
    out: dict[str, Any] = {}
    for name, default in _dump_plan(type(obj)):
        value = getattr(obj, name)
        if default is not _NO_DEFAULT and type(value) is type(default) and value == default:
            continue
        out[name] = value if type(value) in _ATOMS else _plain(value)
    return out


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC during bulk conversion: millions of new containers would trigger full scans."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---- value checks compiled from the model's field annotations


def _union(annotation: str) -> list[str]:
    """Split `a | b[c | d]` at top-level bars only."""
    parts, depth, start = [], 0, 0
    for n, char in enumerate(annotation):
        depth += (char == "[") - (char == "]")
        if char == "|" and depth == 0:
            parts.append(annotation[start:n].strip())
            start = n + 1
    parts.append(annotation[start:].strip())
    return parts


_CHECKERS: dict[str, Callable[[Any], bool]] = {}


def _scalar_check(kinds: frozenset[type]) -> Callable[[Any], bool]:
    return lambda v: type(v) in kinds


def _list_check(inner: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: type(v) is list and all(map(inner, v))


def _dict_check(inner: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: type(v) is dict and all(type(k) is str for k in v) and all(map(inner, v.values()))


def _checker(annotation: str) -> Callable[[Any], bool]:
    """Compile a field annotation (scalars, optionals, list/set/dict of those) into a value check, cached."""
    found = _CHECKERS.get(annotation)
    if found is not None:
        return found
    options = _union(annotation)
    checks: list[Callable[[Any], bool]] = []
    for option in options:
        if option in _SCALARS:
            checks.append(_scalar_check(_SCALARS[option]))
        elif option.startswith(("list[", "set[")):
            checks.append(_list_check(_checker(option[option.index("[") + 1 : -1])))
        elif option.startswith("dict[str, "):
            checks.append(_dict_check(_checker(option[len("dict[str, ") : -1])))
        elif option != "None":
            checks.append(lambda v: True)  # a shape this checker does not know: the converters handle it
    if len(checks) == 1:
        only = checks[0]
        check = (lambda v: v is None or only(v)) if "None" in options else only
    else:
        nullable = "None" in options
        check = lambda v: nullable if v is None else any(c(v) for c in checks)  # noqa: E731
    _CHECKERS[annotation] = check
    return check


def _type_ok(annotation: str, value: Any) -> bool:
    return _checker(annotation)(value)


# ---- plain data -> dataclasses

_Converter = Callable[[Any, str], Any]
# per field: scalar types accepted as they are, converter for nested classes, value check, annotation text
_FieldPlan = tuple[frozenset[type], _Converter | None, Callable[[Any], bool], str]
_PLANS: dict[type, dict[str, _FieldPlan]] = {}


def _plan(cls: type) -> dict[str, _FieldPlan]:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = {}
        for f in dataclasses.fields(cls):
            annotation = str(f.type)
            options = _union(annotation)
            atoms = frozenset(t for o in options for t in _SCALARS.get(o, ()))
            atoms |= {type(None)} if "None" in options else set()
            plan[f.name] = (atoms, _CONVERTERS.get((cls, f.name)), _checker(annotation), annotation)
        _PLANS[cls] = plan
    return plan


def _load(cls: type[T], data: Any, where: str) -> T:
    """Build a `cls` instance from plain data, naming `where` in every error."""
    if type(data) is not dict:
        raise ValueError(f"{where}: expected an object, got {type(data).__name__}")
    plan = _plan(cls)
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        entry = plan.get(name)
        if entry is None:
            raise ValueError(f"{where}: unknown field {name!r}")
        atoms, converter, check, annotation = entry
        if type(value) in atoms:
            kwargs[name] = value
        elif converter is not None:
            kwargs[name] = converter(value, f"{where}.{name}")
        elif check(value):
            kwargs[name] = _plain(value)  # a copy: the library shares nothing with `data`
        else:
            raise ValueError(f"{where}.{name}: expected {annotation}, got {json.dumps(value)[:80]}")
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _list_of(cls: type[T]) -> Callable[[Any, str], list[T]]:
    def convert(value: Any, where: str) -> list[T]:
        if not isinstance(value, list):
            raise ValueError(f"{where}: expected a list, got {type(value).__name__}")
        return [_load(cls, v, f"{where}[{n}]") for n, v in enumerate(value)]

    return convert


def _artwork(value: Any, where: str) -> dict[str, list[Artwork]]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object of artwork lists")
    return {kind: _list_of(Artwork)(rows, f"{where}.{kind}") for kind, rows in value.items()}


def _locked(value: Any, where: str) -> set[str]:
    if not _type_ok("list[str]", value):
        raise ValueError(f"{where}: expected a list of field names")
    return set(value)


def _entries(value: Any, where: str) -> list[tuple[int, int]]:
    if not _type_ok("list[list[int]]", value) or any(len(e) != 2 for e in value):
        raise ValueError(f"{where}: expected a list of [playlistItemID, ratingKey] pairs")
    return [(e[0], e[1]) for e in value]


_CONVERTERS: dict[tuple[type, str], Callable[[Any, str], Any]] = {
    (Item, "media"): _list_of(Media),
    (Media, "parts"): _list_of(Part),
    (Part, "streams"): _list_of(Stream),
    (Item, "artwork"): _artwork,
    (Item, "locked"): _locked,
    (Item, "entries"): _entries,
}


# ---- library


def _parent_first(items: list[Item]) -> list[Item]:
    """Stable order in which every item follows its parent (Library.add builds the children index)."""
    present = {item.rating_key for item in items}
    placed: set[int] = set()
    waiting: dict[int, list[Item]] = {}
    out: list[Item] = []

    def place(item: Item) -> None:
        out.append(item)
        placed.add(item.rating_key)
        for child in waiting.pop(item.rating_key, []):
            place(child)

    for item in items:
        parent = item.parent_rating_key
        if parent is None or parent not in present or parent in placed or parent == item.rating_key:
            place(item)
        else:
            waiting.setdefault(parent, []).append(item)
    while waiting:  # only a parent cycle gets here: keep the remaining order
        for item in waiting.pop(next(iter(waiting))):
            place(item)
    return out


def _state_without_items(lib: Library) -> dict[str, Any]:
    """Everything but the items (call with the lock held)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "machine_identifier": lib.machine_identifier,
        "friendly_name": lib.friendly_name,
        "server_version": lib.version,
        "revision": lib.revision,
        "sequences": dataclasses.asdict(lib.seq),
        "server_prefs": dict(lib.server_prefs),
        "sections": [_dump(section) for section in lib.sections.values()],
        "hubs": [{"section_id": sid, "rows": [_dump(h) for h in rows]} for sid, rows in lib.hubs.items()],
        "tags": [[tag_id, tag_type, name] for tag_id, (tag_type, name) in sorted(lib.tag_by_id.items())],
        "blobs": {key: base64.b64encode(data).decode("ascii") for key, data in lib.blobs.items()},
    }


def library_to_dict(lib: Library) -> dict[str, Any]:
    """The whole state as JSON-ready data, with the `format`/`version` header."""
    with lib.lock, _gc_paused():
        data = _state_without_items(lib)
        data["items"] = [_dump(item) for item in _parent_first(list(lib.items.values()))]
        return data


def _header(data: Any) -> None:
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object with format {FORMAT!r}, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise ValueError(f"not a plexsim state file: format is {data.get('format')!r}, expected {FORMAT!r}")
    if data.get("version") != VERSION:
        raise ValueError(
            f"unsupported plexsim state version {data.get('version')!r} (this build reads {VERSION})"
        )
    for key in ("machine_identifier", "friendly_name", "server_version"):
        if key in data and not isinstance(data[key], str):
            raise ValueError(f"{key}: expected a string")
    if not isinstance(data.get("machine_identifier"), str):
        raise ValueError("machine_identifier: missing")


def _tag_tables(raw: Any) -> tuple[dict[tuple[int, str], int], dict[int, tuple[int, str]]]:
    if not _type_ok("list[list[int | str]]", raw):
        raise ValueError("tags: expected a list of [id, tagType, name] triples")
    ids: dict[tuple[int, str], int] = {}
    by_id: dict[int, tuple[int, str]] = {}
    for n, row in enumerate(raw):
        if (
            len(row) != 3
            or not _type_ok("int", row[0])
            or not _type_ok("int", row[1])
            or not isinstance(row[2], str)
        ):
            raise ValueError(f"tags[{n}]: expected [id, tagType, name], got {row!r}")
        ids[(row[1], row[2])] = row[0]
        by_id[row[0]] = (row[1], row[2])
    return ids, by_id


def _keyed(items: list[T], key: Callable[[T], int], what: str) -> dict[int, T]:
    out: dict[int, T] = {}
    for obj in items:
        if key(obj) in out:
            raise ValueError(f"duplicate {what} {key(obj)}")
        out[key(obj)] = obj
    return out


def _hubs(raw: Any) -> dict[int, list[ManagedHub]]:
    if not isinstance(raw, list):
        raise ValueError("hubs: expected a list of {section_id, rows}")
    hubs: dict[int, list[ManagedHub]] = {}
    for n, entry in enumerate(raw):
        if not isinstance(entry, dict) or not _type_ok("int", entry.get("section_id")):
            raise ValueError(f"hubs[{n}]: expected {{section_id, rows}}")
        hubs[entry["section_id"]] = _list_of(ManagedHub)(entry.get("rows", []), f"hubs[{n}].rows")
    return hubs


def _blobs(raw: Any) -> dict[str, bytes]:
    if not _type_ok("dict[str, str]", raw):
        raise ValueError("blobs: expected an object of base64 strings")
    try:
        return {key: base64.b64decode(value, validate=True) for key, value in raw.items()}
    except binascii.Error as exc:
        raise ValueError(f"blobs: invalid base64: {exc}") from None


def _raise_sequences(lib: Library) -> None:
    """Move counters past every id in use (hand-written dataset files may leave `sequences` out)."""
    items = lib.items.values()
    used = {
        "rating_key": list(lib.items),
        "media": [m.id for i in items for m in i.media],
        "part": [p.id for i in items for m in i.media for p in m.parts],
        "stream": [s.id for i in items for m in i.media for p in m.parts for s in p.streams],
        "tag": list(lib.tag_by_id),
        "playlist_item": [e[0] for i in items for e in i.entries],
    }
    for name, ids in used.items():
        setattr(lib.seq, name, max([getattr(lib.seq, name), *ids]))


def library_from_dict(data: Any) -> Library:
    """Rebuild a library from `library_to_dict` output; raises ValueError naming the bad part."""
    with _gc_paused():
        return _from_dict(data)


def _from_dict(data: Any) -> Library:
    _header(data)
    lib = Library(data["machine_identifier"], data.get("friendly_name", "plexsim"))
    lib.version = data.get("server_version", lib.version)
    saved_seq = _load(Sequences, data["sequences"], "sequences") if "sequences" in data else Sequences()
    lib.seq = dataclasses.replace(saved_seq)
    tag_ids, tag_by_id = _tag_tables(data.get("tags", []))
    lib.tag_ids, lib.tag_by_id = dict(tag_ids), dict(tag_by_id)
    sections = _list_of(Section)(data.get("sections", []), "sections")
    lib.sections = _keyed(sections, lambda s: s.id, "section id")
    items = _list_of(Item)(data.get("items", []), "items")
    _keyed(items, lambda i: i.rating_key, "ratingKey")
    for item in _parent_first(items):
        try:
            lib.add(item)
        except (AttributeError, KeyError, TypeError) as exc:
            raise ValueError(f"item {item.rating_key}: {exc!r}") from None
    lib.hubs = _hubs(data.get("hubs", []))
    lib.blobs = _blobs(data.get("blobs", {}))
    prefs = data.get("server_prefs", {})
    if not _type_ok("dict[str, str]", prefs):
        raise ValueError("server_prefs: expected an object of strings")
    lib.server_prefs = dict(prefs)
    if "tags" in data:
        # Library.add registered tags, allocating ids for any the table lacked: put the saved state back.
        lib.tag_ids, lib.tag_by_id, lib.seq = tag_ids, tag_by_id, saved_seq
    _raise_sequences(lib)
    revision = data.get("revision", 0)
    lib.revision = revision if _type_ok("int", revision) else 0
    return lib


# ---- files


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def save(lib: Library, path: str | os.PathLike[str]) -> None:
    """Write the state as JSON atomically: temp file in the same folder, fsync, rename over `path`."""
    target = Path(path)
    # Snapshot under the lock; items as JSON text right away (far smaller than their dicts at 50k movies).
    with lib.lock, _gc_paused():
        head = _json(_state_without_items(lib))
        items = [_json(_dump(item)) for item in _parent_first(list(lib.items.values()))]
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(head[:-1] + ',"items":[')  # the items array goes last: `{...head..., "items": [...]}`
            for n, item in enumerate(items):
                fh.write("," + item if n else item)
            fh.write("]}")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename durable; not every filesystem allows this
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def load(path: str | os.PathLike[str]) -> Library:
    """Read a state or dataset file; any problem raises ValueError naming the file."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read plexsim state: {exc.strerror or exc}") from exc
    try:
        with _gc_paused():
            data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON: {exc}") from None
    try:
        return library_from_dict(data)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{path}: {exc}") from None
