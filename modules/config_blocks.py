"""File blocks: the `- file: ...` / `- default: ...` / `- url: ...` lists in config.yml and
`external_templates:`, parsed into `FileRef` values with their locations."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from modules.errors import ConfigError, Location
from modules.schedule import Schedule, ScheduleError, parse_schedule
from modules.yamlio import plain, where

FileKind = Literal["file", "folder", "default", "url", "git", "repo"]
KINDS: tuple[FileKind, ...] = ("file", "folder", "default", "url", "git", "repo")
YAML_SUFFIXES = (".yml", ".yaml")


@dataclass
class FileRef:
    """One file block: what to load, its template variables and schedule, and where it was written.

    `value` is the text as written; `path` is `value` resolved against the config directory (only
    for `file` and `folder`, and before `.yml` is appended).
    """

    kind: FileKind
    value: str
    template_variables: dict[str, Any] = field(default_factory=dict)
    schedule: Schedule | None = None
    location: Location = field(default_factory=lambda: Location("<unknown>"))
    path: Path | None = None


def file_candidates(path: Path) -> list[Path]:
    """The names to try for a YAML file: `.yml` appended when missing; `.yml` and `.yaml` swap."""
    name = path.name
    if name.lower().endswith(".yml"):
        return [path, path.with_name(name[:-4] + ".yaml")]
    if name.lower().endswith(".yaml"):
        return [path, path.with_name(name[:-5] + ".yml")]
    return [path.with_name(name + ".yml"), path.with_name(name + ".yaml")]


def resolve_path(value: str, config_dir: Path, kind: str = "file") -> Path:
    """`value` against the config directory.

    Kometa resolves paths against its working directory, so configs often say `config/Movies.yml`.
    When that does not exist under the config directory but does next to it (the config directory
    being `config/`), the path next to it is used.
    """
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    primary = config_dir / path

    def exists(candidate: Path) -> bool:
        """Whether the candidate exists as a folder or (with `.yml`/`.yaml`) as a file."""
        if kind == "folder":
            return candidate.is_dir()
        return any(c.is_file() for c in file_candidates(candidate))

    if path.parts and path.parts[0] == config_dir.name and not exists(primary):
        beside = config_dir.parent / path
        if exists(beside):
            return beside
    return primary


def parse_file_blocks(
    parent: Any,
    key: Any,
    source: str,
    path: str,
    config_dir: Path,
    unsupported: list[tuple[str, Location]] | None = None,
) -> list[FileRef]:
    """The file blocks in `parent[key]` (a list, one block, one bare string, or null).

    `path` is the key path used in messages (`libraries.Movies.collection_files`). Keys of a block
    this engine does not use (`asset_directory`, ...) are appended to `unsupported`.
    """
    node = parent[key]
    if node is None:
        return []
    if isinstance(node, str):
        return [_string_ref(node, where(parent, source, key), path, config_dir)]
    if isinstance(node, dict):  # one block written without the list, which Kometa wraps in one
        return [_block(node, source, path, config_dir, unsupported)]
    if not isinstance(node, list):
        raise ConfigError(
            f"{path}: must be a list of file blocks (- file: ..., - default: ...), got {plain(node)!r}",
            where(parent, source, key),
        )
    refs = []
    for index, item in enumerate(node):
        item_path = f"{path}[{index}]"
        if isinstance(item, str):
            refs.append(_string_ref(item, where(node, source, index), item_path, config_dir))
        elif isinstance(item, dict):
            refs.append(_block(item, source, item_path, config_dir, unsupported))
        else:
            raise ConfigError(
                f"{item_path}: a file block must be a mapping such as {{file: path}} or a file path, got {plain(item)!r}",
                where(node, source, index),
            )
    return refs


def _string_ref(value: str, location: Location, path: str, config_dir: Path) -> FileRef:
    """A bare string: a file path."""
    if not value.strip():
        raise ConfigError(f"{path}: empty file path", location)
    return FileRef("file", value, location=location, path=resolve_path(value, config_dir))


def _block(
    item: Any, source: str, path: str, config_dir: Path, unsupported: list[tuple[str, Location]] | None
) -> FileRef:
    """One mapping block: exactly one kind, plus template_variables and schedule."""
    kinds = [k for k in item if k in KINDS or k == "pmm"]
    if not kinds:
        raise ConfigError(
            f"{path}: a file block needs one of {', '.join(KINDS)}; found {_keys(item)}", where(item, source)
        )
    if len(kinds) > 1:
        raise ConfigError(
            f"{path}: a file block takes only one of {', '.join(KINDS)}; found {' and '.join(kinds)}",
            where(item, source, kinds[1]),
        )
    written, value = kinds[0], item[kinds[0]]
    location = where(item, source, written)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}.{written}: must be a non-empty string, got {plain(value)!r}", location)
    kind, value = _kind(written, value.strip(), f"{path}.{written}", location)
    ref = FileRef(kind, value, location=location)
    if kind in ("file", "folder"):
        ref.path = resolve_path(value, config_dir, kind)
    for other in item:
        if other == "template_variables":
            ref.template_variables = template_variables(item, other, source, f"{path}.{other}")
        elif other == "schedule":
            ref.schedule = schedule_at(item, other, source, f"{path}.schedule")
        elif other != written and unsupported is not None:
            unsupported.append((f"{path}.{other}", where(item, source, other)))
    return ref


def legacy_default(written: str, value: str) -> tuple[str, str]:
    """A block's key and value with Kometa's legacy spellings of defaults (`pmm: NAME`, `git: PMM/NAME`,
    `git: PMM/chart/NAME`) as `default`; other blocks as written."""
    if written == "pmm" or (written == "git" and value.startswith("PMM/")):
        return "default", value.removeprefix("PMM/")
    return written, value


def _kind(written: str, value: str, path: str, location: Location) -> tuple[FileKind, str]:
    """The kind and value (legacy default spellings as `default`); a url must be http(s)."""
    written, value = legacy_default(written, value)
    if written == "url" and not value.lower().startswith(("http://", "https://")):
        raise ConfigError(f"{path}: must start with http:// or https://, got {value!r}", location)
    kind: FileKind = next(k for k in KINDS if k == written)
    return kind, value


def _keys(item: dict[Any, Any]) -> str:
    """The keys of a block, for messages."""
    return ", ".join(str(k) for k in item) or "an empty mapping"


def template_variables(parent: Any, key: Any, source: str, path: str) -> dict[str, Any]:
    """`parent[key]` as a plain dict (null is empty); anything but a mapping is an error."""
    value = parent[key]
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(
            f"{path}: must be a mapping of variable: value, got {plain(value)!r}", where(parent, source, key)
        )
    return dict(plain(value))


def schedule_at(parent: Any, key: Any, source: str, path: str) -> Schedule | None:
    """`parent[key]` parsed as a schedule (null is None); a ScheduleError becomes a ConfigError at that key."""
    if parent[key] is None:
        return None
    try:
        return parse_schedule(plain(parent[key]))
    except ScheduleError as exc:
        raise ConfigError(f"{path}: {exc}", where(parent, source, key)) from None
