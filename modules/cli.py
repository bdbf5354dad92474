"""Command-line flags and KOMETA_* environment variables, resolved the way Kometa does.

Every flag also reads ``KOMETA_<NAME>`` (the long name upper-cased, dashes as underscores; long aliases
too), with ``PMM_<NAME>`` as a fallback, and the environment variable wins over the flag. An empty
variable counts as unset. Every other ``KOMETA_<NAME>`` variable is a secret for ``<<name>>``
placeholders in config.yml (see :func:`secrets_from_env`).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

ENV_PREFIXES = ("KOMETA_", "PMM_")
TRUE_WORDS = frozenset({"t", "true", "1", "yes"})
FALSE_WORDS = frozenset({"f", "false", "0", "no"})
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$", re.ASCII)
_SECRET_FLAG_RE = re.compile(r"^--(?:kometa|pmm)-([A-Za-z0-9_-]+)(?:=(.*))?$", re.DOTALL)


class CliError(ValueError):
    """A flag or environment variable with a value that cannot be used; the message names it."""


@dataclass
class Options:
    """The resolved run options."""

    config: Path = Path("config/config.yml")
    run: bool = False
    times: list[str] = field(default_factory=lambda: ["05:00"])
    run_libraries: list[str] = field(default_factory=list)
    run_files: list[str] = field(default_factory=list)
    collections_only: bool = False
    operations_only: bool = False
    overlays_only: bool = False
    metadata_only: bool = False
    playlists_only: bool = False
    ignore_schedules: bool = False
    read_only_config: bool = False
    trace: bool = False
    debug: bool = False
    log_requests: bool = False
    timeout: int = 180
    width: int = 100
    divider: str = "="
    no_verify_ssl: bool = False
    dry_run: bool = False
    report: Path | None = None
    validate: bool = False
    format: str = "text"
    strict: bool = False
    secrets: dict[str, str] = field(default_factory=dict)
    """Secrets given on the command line: ``--kometa-<name> VALUE``, ``--plex-url``, ``--plex-token``."""
    ignored_env: list[str] = field(default_factory=list)
    """Set environment variables of Kometa flags this engine does not implement."""


# --------------------------------------------------------------------------- value parsers


def _bool(text: str) -> bool:
    """A boolean word: t/true/1/yes or f/false/0/no."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"must be true or false (t/true/1/yes or f/false/0/no), got {text!r}")


def _int_between(low: int, high: int | None) -> Callable[[str], int]:
    """A parser for an integer in [low, high] (no upper bound when high is None)."""

    def parse(text: str) -> int:
        """The integer, or ValueError naming the allowed range."""
        span = f"between {low} and {high}" if high is not None else f"at least {low}"
        try:
            value = int(text.strip())
        except ValueError:
            raise ValueError(f"must be an integer {span}, got {text!r}") from None
        if value < low or (high is not None and value > high):
            raise ValueError(f"must be an integer {span}, got {text!r}")
        return value

    return parse


def _times(text: str) -> list[str]:
    """`HH:MM` times separated by `|` or `,`, zero-padded."""
    times = []
    for piece in re.split(r"[|,]", text):
        piece = piece.strip()
        match = _TIME_RE.match(piece)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(f"{piece!r} is not a time of day; use HH:MM (00:00-23:59), separated by | or ,")
        times.append(f"{int(match[1]):02d}:{match[2]}")
    return times


def _names(text: str) -> list[str]:
    """Pipe-separated names, blanks dropped."""
    return [p.strip() for p in text.split("|") if p.strip()]


def _file_names(text: str) -> list[str]:
    """Pipe-separated file names without `.yml`/`.yaml`."""
    return [re.sub(r"\.ya?ml$", "", name, flags=re.IGNORECASE) for name in _names(text)]


def _divider(text: str) -> str:
    """One character."""
    if len(text) != 1:
        raise ValueError(f"must be a single character, got {text!r}")
    return text


def _format(text: str) -> str:
    """`text` or `json`."""
    if text.strip().lower() not in ("text", "json"):
        raise ValueError(f"must be text or json, got {text!r}")
    return text.strip().lower()


def _path(text: str) -> Path:
    """A non-empty path."""
    if not text.strip():
        raise ValueError("must not be empty")
    return Path(text)


# --------------------------------------------------------------------------- the flags


@dataclass(frozen=True)
class Flag:
    """One flag: its option strings (primary long name first) and how its text becomes a value."""

    dest: str
    options: tuple[str, ...]
    parse: Callable[[str], Any] | None = None  # None: a boolean switch
    help: str = ""

    @property
    def env_names(self) -> tuple[str, ...]:
        """KOMETA_ names: the primary long name, then every alias longer than two characters."""
        names = [o.lstrip("-") for o in self.options]
        return tuple(f"KOMETA_{n.upper().replace('-', '_')}" for n in names if len(n) > 2)

    @property
    def label(self) -> str:
        """The primary option string, used in messages."""
        return self.options[0]


FLAGS: tuple[Flag, ...] = (
    Flag("config", ("--config", "-c"), _path, help="the config.yml to read (default config/config.yml)"),
    Flag(
        "times",
        ("--times", "-t", "--time"),
        _times,
        help="without --run: the daily times of the runs, HH:MM separated by , or | (default 05:00)",
    ),
    Flag("run", ("--run", "-r"), help="run once now, then exit"),
    Flag(
        "run_libraries",
        ("--run-libraries", "-rl", "-l", "--library", "--libraries", "--run-library"),
        _names,
        help="only these libraries (names separated by |)",
    ),
    Flag(
        "run_files",
        (
            "--run-files",
            "-rf",
            "-rm",
            "-m",
            "--run-file",
            "--metadata",
            "--metadata-files",
            "--run-metadata-files",
        ),
        _file_names,
        help="only these collection/metadata files (names separated by |)",
    ),
    Flag(
        "collections_only",
        ("--collections-only", "-co", "--collection-only"),
        help="accepted as Kometa does; this engine ignores it",
    ),
    Flag(
        "operations_only",
        (
            "--operations-only",
            "-op",
            "--operation",
            "--operations",
            "-lo",
            "--library-only",
            "--libraries-only",
            "--operation-only",
        ),
        help="accepted as Kometa does; this engine ignores it",
    ),
    Flag(
        "overlays_only",
        ("--overlays-only", "-ov", "--overlay", "--overlays", "--overlay-only"),
        help="accepted as Kometa does; this engine ignores it",
    ),
    Flag(
        "metadata_only",
        ("--metadata-only", "-mo", "--metadatas-only"),
        help="accepted as Kometa does; this engine ignores it",
    ),
    Flag(
        "playlists_only",
        ("--playlists-only", "-po", "--playlist-only"),
        help="accepted as Kometa does; this engine ignores it",
    ),
    Flag(
        "ignore_schedules",
        ("--ignore-schedules", "-is"),
        help="run every collection, whatever its schedule says",
    ),
    Flag(
        "read_only_config",
        ("--read-only-config", "-ro"),
        help="accepted as Kometa does; this engine never writes config.yml",
    ),
    Flag("trace", ("--trace", "-tr"), help="the most detail: every step, in the log file and on screen"),
    Flag("debug", ("--debug", "-db"), help="more detail in the log file"),
    Flag("log_requests", ("--log-requests", "-lr", "--log-request"), help="log every request to Plex"),
    Flag(
        "timeout",
        ("--timeout", "-ti"),
        _int_between(1, None),
        help="seconds to wait for Plex on each request (default 180)",
    ),
    Flag(
        "width",
        ("--width", "-w"),
        _int_between(90, 300),
        help="width of the log's boxes, 90 to 300 characters (default 100)",
    ),
    Flag(
        "divider",
        ("--divider", "-d"),
        _divider,
        help="the character the log's separators are drawn with (default =)",
    ),
    Flag("no_verify_ssl", ("--no-verify-ssl", "-nv"), help="do not check Plex's TLS certificate"),
    Flag("dry_run", ("--dry-run",), help="compute what would change and report it, writing nothing to Plex"),
    Flag("report", ("--report",), _path, help="write the run's report as JSON to this file"),
    Flag(
        "validate",
        ("--validate",),
        help="check config.yml and every file it uses, without Plex; exit 1 on errors",
    ),
    Flag("format", ("--format",), _format, help="--validate's output: text or json (default text)"),
    Flag("strict", ("--strict",), help="--validate: warnings count as errors"),
)

# Kometa flags this engine does not implement (their variables are not secrets either) and
# variables Kometa reads for itself.
KOMETA_ONLY_ENV: frozenset[str] = frozenset(
    f"KOMETA_{n}"
    for n in (
        *("TESTS", "TEST", "RUN_TEST", "RUN_TESTS", "RUN_COLLECTIONS", "COLLECTION", "COLLECTIONS"),
        *("RUN_COLLECTION", "IGNORE_GHOST", "DELETE_COLLECTIONS", "DELETE", "DELETE_COLLECTION"),
        *("DELETE_LABELS", "DELETE_LABEL", "RESUME", "NO_COUNTDOWN", "NO_MISSING", "NO_REPORT"),
        *("LOW_PRIORITY", "VALIDATE_CONFIG", "VALIDATE_LEVEL", "VALIDATE_SCHEMA", "VALIDATE_SCHEMAS"),
        *("SCHEMA_PATH", "VALIDATE_FILE", "VALIDATE_FILES", "VALIDATE_DIR", "VALIDATE_DIRECTORY"),
        *("DOCKER", "LINUXSERVER"),
    )
)
FLAG_ENV: frozenset[str] = frozenset(name for flag in FLAGS for name in flag.env_names)


class _Parser(argparse.ArgumentParser):
    """argparse that raises CliError instead of exiting."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing usage and exiting."""
        raise CliError(message)


def _build_parser() -> _Parser:
    """The argparse parser for every flag (values stay text until resolved)."""
    parser = _Parser(
        prog="kometa.py",
        allow_abbrev=False,
        description="Kometa-compatible collection engine",
        epilog="An environment variable wins over its flag. --kometa-NAME VALUE (or KOMETA_NAME) fills "
        "<<NAME>> placeholders in config.yml.",
    )
    for flag in FLAGS:
        if flag.parse is None:
            parser.add_argument(
                *flag.options, dest=flag.dest, action="store_true", default=None, help=_help(flag)
            )
        else:
            parser.add_argument(
                *flag.options, dest=flag.dest, default=None, metavar=flag.dest.upper(), help=_help(flag)
            )
    parser.add_argument(
        "--plex-url",
        "-pu",
        dest="plex_url",
        default=None,
        help="the Plex URL, for `url: env` in the plex block and <<plex_url>>",
    )
    parser.add_argument(
        "--plex-token",
        "-pt",
        dest="plex_token",
        default=None,
        help="the Plex token, for `token: env` in the plex block and <<plex_token>>",
    )
    return parser


def _help(flag: Flag) -> str:
    """A flag's description for --help, with the environment variables that set it too."""
    return f"{flag.help} [env: {', '.join(flag.env_names)}]"


# --------------------------------------------------------------------------- resolving


def env_value(env: Mapping[str, str], names: Iterable[str]) -> tuple[str, str] | None:
    """The first non-empty variable among `names` (then their PMM_ forms) as (name, value)."""
    names = tuple(names)
    for candidate in (*names, *(f"PMM_{n.removeprefix('KOMETA_')}" for n in names)):
        value = env.get(candidate)
        if value is not None and value.strip() != "":
            return candidate, value
    return None


def _resolve(flag: Flag, cli_value: Any, env: Mapping[str, str]) -> tuple[bool, Any]:
    """(given?, value) for one flag: the environment wins over the command line."""
    found = env_value(env, flag.env_names)
    if found is not None:
        source, text = found
    elif cli_value is None:
        return False, None
    elif flag.parse is None:
        return True, True
    else:
        source, text = flag.label, cli_value
    parse = flag.parse or _bool
    try:
        return True, parse(text)
    except ValueError as exc:
        raise CliError(f"{source}: {exc}") from None


def _cli_secrets(extra: list[str]) -> dict[str, str]:
    """Secrets from leftover ``--kometa-<name> VALUE`` / ``--kometa-<name>=VALUE`` arguments."""
    secrets: dict[str, str] = {}
    i = 0
    while i < len(extra):
        match = _SECRET_FLAG_RE.match(extra[i])
        if match is None:
            raise CliError(f"unrecognized arguments: {' '.join(extra[i:])}")
        value = match[2]
        if value is None:
            if i + 1 >= len(extra):
                raise CliError(f"{extra[i]}: expected a value")
            value = extra[i + 1]
            i += 1
        name = match[1].replace("-", "_")
        secrets[name] = value
        secrets[name.lower()] = value
        i += 1
    return secrets


def parse_args(argv: list[str], env: Mapping[str, str]) -> Options:
    """Resolve `argv` and `env` into Options; a bad value raises CliError naming the flag or variable."""
    namespace, extra = _build_parser().parse_known_args(argv)
    options = Options(secrets=_cli_secrets(extra))
    for flag in FLAGS:
        given, value = _resolve(flag, getattr(namespace, flag.dest), env)
        if given:
            setattr(options, flag.dest, value)
    for name in ("plex_url", "plex_token"):
        if getattr(namespace, name) is not None:
            options.secrets[name] = getattr(namespace, name)
    if options.run_libraries or options.run_files:
        options.run = True
    options.ignored_env = sorted(k for k in env if k in KOMETA_ONLY_ENV and env[k].strip())
    return options


def secrets_from_env(
    env: Mapping[str, str], flags: Iterable[str] = FLAG_ENV | KOMETA_ONLY_ENV
) -> dict[str, str]:
    """Every KOMETA_<NAME> (or PMM_<NAME>) variable that is not in `flags`, as secrets.

    Each is stored under ``name`` (lower case) and under ``NAME`` as written; KOMETA_ wins over PMM_.
    ``flags`` holds variable names (``KOMETA_RUN``); their PMM_ forms are excluded as well.
    """
    excluded = {f.removeprefix("KOMETA_") for f in flags}
    secrets: dict[str, str] = {}
    for prefix in reversed(ENV_PREFIXES):
        for key, value in env.items():
            name = key.removeprefix(prefix)
            if not key.startswith(prefix) or not name or name in excluded:
                continue
            secrets[name] = value
            secrets[name.lower()] = value
    return secrets


def collect_secrets(options: Options, env: Mapping[str, str]) -> dict[str, str]:
    """Command-line secrets overlaid by environment secrets (the environment wins, as for flags)."""
    return {**options.secrets, **secrets_from_env(env)}
