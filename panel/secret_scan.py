"""Secret scan for config-repository writes: literal credentials in YAML refuse the commit, saying where.

Pure functions, no I/O. `scan_text` composes one YAML text into nodes (ruamel's round-trip loader, so every
scalar keeps its line and column) and checks every scalar value, then its comments. A text that does not
parse gives no findings (syntax errors are the validator's job). Other text files (`.env`, notes, backups)
and YAML comments get `scan_lines`: git keeps whatever is committed, so a token "commented out" or parked
in `config/.env` leaks just the same.

Rules, per string scalar (a scalar gives at most one finding per kind):

- anywhere: GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), AWS access key IDs
  (`AKIA`/`ASIA` + 16), Slack tokens (`xoxb-`...), Slack and Discord webhook URLs (the URL is the secret),
  private key blocks, and `X-Plex-Token=...` inside URLs;
- under a secret-like key (`token`, `apikey`, `client_secret`, `password`, `pin`, `authorization`, ...;
  `key`, `*_key` and `client_id` only inside a service block such as `plex:`, `tmdb:`, `trakt:`), when no
  pattern above matched: a 20-character Plex token under a token key, a 32/64-hex API key, a high-entropy
  value (>= 3.5 bits/char, >= 20 characters, no spaces), or else any credential-looking literal
  (>= 8 characters, not one repeated character).

Never reported: `<<name>>` placeholders (the right way), `env`, empty values, booleans, numbers, anything
under `template_variables`.

In comments and other text files, where there is no YAML structure to go by, a line is reported for the
patterns above, or for `NAME: value` / `NAME=value` with a secret-like NAME (`KOMETA_PLEXTOKEN=...`) whose
value looks generated: a Plex token under a token name, a 32/64-hex key, or a high-entropy value. Prose
(`# token: ask the admin`) is left alone.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from modules.config_parts import placeholder_hint
from modules.yaml_nodes import compose_all

__all__ = ["Finding", "entropy", "scan_files", "scan_lines", "scan_text"]

Path = list[str | int]

_STR_TAG = "tag:yaml.org,2002:str"
MIN_KNOWN_VALUE = 8
SERVICES = frozenset(
    [
        "plex",
        "tmdb",
        "trakt",
        "omdb",
        "mdblist",
        "notifiarr",
        "gotify",
        "ntfy",
        "tautulli",
        "radarr",
        "sonarr",
        "github",
        "mal",
        "anidb",
    ]
)
SKIPPED_KEYS = frozenset({"template_variables"})
_SECRET_WORDS = ("token", "secret", "password", "passwd", "apikey", "api_key", "authorization", "pin")
_NOT_SECRET = frozenset({"token_type"})
_PLACEHOLDER = re.compile(r"<<\s*[A-Za-z0-9_]+\s*>>")
_NUMBER = re.compile(r"[+-]?(\d[\d_]*)?\.?\d+([eE][+-]?\d+)?")
_BOOLISH = frozenset(["true", "false", "yes", "no", "on", "off", "null", "none", "~", "env"])
_PLEX_TOKEN = re.compile(r"[A-Za-z0-9_-]{20}")
_HEX_KEY = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{64}")
_PROPERTIES = re.compile(r"(?:[&!]\S*\s+)*")  # a node's anchor and tag, before its value
_URL_PLEX_TOKEN = re.compile(r"[?&]X-Plex-Token=([^&#\s]+)", re.IGNORECASE)

# kind -> (pattern, what it is)
PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "github_token": (
        re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
        "a GitHub token",
    ),
    "aws_access_key": (
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])"),
        "an AWS access key ID",
    ),
    "slack_token": (re.compile(r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    "webhook_url": (
        re.compile(
            r"https?://(?:hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_]+/[A-Za-z0-9_/]+"
            r"|(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api(?:/v\d+)?/webhooks/\d{5,}/[A-Za-z0-9_-]{20,}"
            r"|notifiarr\.com/api/v\d+/notification/[A-Za-z0-9_]+/[A-Za-z0-9-]{16,})",
            re.IGNORECASE,
        ),
        "a webhook URL (the URL itself is the secret)",
    ),
    "private_key": (re.compile(r"-----BEGIN[A-Z0-9 ]* PRIVATE KEY(?: BLOCK)?-----"), "a private key block"),
}


@dataclass
class Finding:
    """One literal secret; line and column are 1-based (column of the secret inside a one-line value)."""

    file: str
    line: int
    column: int
    pointer: str  # JSON pointer (RFC 6901) of the value, e.g. /plex/token
    key: str  # the nearest mapping key above the value, e.g. token
    kind: str  # plex_token, api_key, high_entropy, secret_value, github_token, webhook_url, ...
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: {file, line, column, pointer, key, kind, message}."""
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: secret[{self.kind}]: {self.message}"


def entropy(text: str) -> float:
    """Shannon entropy of `text` in bits per character (0.0 for an empty text)."""
    if not text:
        return 0.0
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in Counter(text).values())


def scan_files(files: Mapping[str, str], stored: Mapping[str, str] | None = None) -> list[Finding]:
    """Findings over several files (path -> text): YAML files value by value and comment by comment,
    every other text file line by line; and wherever the value of a stored secret (name -> value) is
    written, literally or as a YAML value that reads as it (see :func:`scan_text`)."""
    findings: list[Finding] = []
    for name, text in files.items():
        if name.lower().endswith((".yml", ".yaml")):
            findings.extend(scan_text(text, name, stored))
        else:
            findings.extend(scan_lines(text, name) + scan_values({name: text}, stored or {}))
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.kind))


def scan_values(files: Mapping[str, str], values: Mapping[str, str]) -> list[Finding]:
    """Where the value of a stored secret (name -> value) is written literally; values shorter than
    ``MIN_KNOWN_VALUE`` characters are ignored, as they match ordinary words."""
    findings: list[Finding] = []
    for source, text in files.items():
        for name, value in _known(values):
            start = text.find(value)
            while start >= 0:
                line = text.count("\n", 0, start) + 1
                column = start - text.rfind("\n", 0, start)
                findings.append(Finding(source, line, column, "", "", "stored_secret", _stored_message(name)))
                start = text.find(value, start + len(value))
    return findings


def _known(values: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(name, value)`` of the stored secrets long enough to look for."""
    stripped = ((name, value.strip()) for name, value in values.items())
    return [(name, value) for name, value in stripped if len(value) >= MIN_KNOWN_VALUE]


def _stored_message(name: str, parsed: bool = False) -> str:
    how = " (as YAML reads this value: escapes, folding or quotes spell it differently)" if parsed else ""
    return f"the value of the stored secret {name!r} is written here{how}; use <<{name}>> instead"


def _parsed_values(
    text: str, source: str, scalars: list[ScalarNode], values: Mapping[str, str]
) -> list[Finding]:
    """Stored secret values that YAML yields from a scalar (``"\\x5a..."``, a folded or quoted text) but that
    are not written literally inside it: found at the scalar's line and column."""
    known = _known(values)
    if not known:
        return []
    raw = {
        name: [(f.line - 1, f.column - 1) for f in scan_values({source: text}, {name: value})]
        for name, value in known
    }
    lines = text.splitlines()
    found: list[Finding] = []
    for node in {id(node): node for node in scalars}.values():
        if not isinstance(node.value, str):
            continue
        span = ((node.start_mark.line, node.start_mark.column), (node.end_mark.line, node.end_mark.column))
        for name, value in known:
            if value in node.value and not any(span[0] <= hit < span[1] for hit in raw[name]):
                line, column = _value_start(node, lines)
                found.append(
                    Finding(source, line, column, "", "", "stored_secret", _stored_message(name, True))
                )
    return found


def scan_text(text: str, source: str, stored: Mapping[str, str] | None = None) -> list[Finding]:
    """Findings in one YAML text (all its documents); with ``stored`` (name -> value), also where a stored
    secret's value is written, literally or as any scalar YAML reads as it. A text that is not valid YAML
    is only searched literally."""
    literal = scan_values({source: text}, stored) if stored else []
    try:
        roots = compose_all(text)
    except (YAMLError, RecursionError):
        return literal
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    lines = text.splitlines()
    scalars: list[ScalarNode] = []
    secret_lines: dict[int, str] = {}
    for root in roots:
        stack: list[tuple[Node, Path]] = [(root, [])] if root is not None else []
        while stack:
            node, path = stack.pop()
            # An alias is scanned once where its anchor is, except a scalar reached under another key:
            # `tok: &t <token>` is harmless until `token: *t` uses it.
            mark = (id(node), _last_key(path)) if isinstance(node, ScalarNode) else (id(node), "")
            if mark in seen:
                continue
            seen.add(mark)
            if isinstance(node, ScalarNode):
                scalars.append(node)
                findings.extend(_check_scalar(node, path, source, lines))
                key = _last_key(path)
                if _is_secret_key(key, path):
                    secret_lines[node.end_mark.line] = key
            elif isinstance(node, SequenceNode):
                stack.extend((item, [*path, i]) for i, item in reversed(list(enumerate(node.value))))
            elif isinstance(node, MappingNode):
                children = []
                for key_node, value_node in node.value:
                    key = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
                    if key not in SKIPPED_KEYS:
                        children.append((value_node, [*path, key]))
                stack.extend(reversed(children))
            if isinstance(node, MappingNode):
                scalars.extend(k for k, _ in node.value if isinstance(k, ScalarNode))
    findings.extend(_scan_comments(lines, scalars, secret_lines, source))
    if stored:
        findings.extend(literal + _parsed_values(text, source, scalars, stored))
    return sorted(findings, key=lambda f: (f.line, f.column, f.kind))


def scan_lines(text: str, source: str) -> list[Finding]:
    """Findings in a text that is not YAML (``.env``, notes, a backup), line by line."""
    found: list[Finding] = []
    for number, line in enumerate(text.splitlines(), 1):
        found.extend(_check_line(line, 0, number, source, "this line has"))
    return found


# --------------------------------------------------------------------------- rules


def _check_scalar(node: ScalarNode, path: Path, source: str, lines: list[str]) -> list[Finding]:
    if node.tag != _STR_TAG or not isinstance(node.value, str):
        return []  # numbers, booleans, nulls, timestamps
    value: str = node.value
    key = _last_key(path)
    found: list[Finding] = []

    def add(kind: str, what: str, offset: int = -1, plex: bool = False) -> None:
        line, column = _position(node, lines, offset)
        name = "plextoken" if plex else _placeholder_name(path)
        message = f"{_dotted(path)} {what}; replace it with <<{name}>> and {placeholder_hint(name)}"
        found.append(Finding(source, line, column, _pointer(path), key, kind, message))

    for kind, (pattern, what) in PATTERNS.items():
        match = pattern.search(value)
        if match:
            add(kind, f"contains {what}", match.start())
    for match in _URL_PLEX_TOKEN.finditer(value):
        if _credential_like(match[1]):
            add("plex_token", "has a Plex token in its URL (X-Plex-Token=...)", match.start(1), plex=True)
            break
    if found or not _is_secret_key(key, path):
        return found

    bare = _PLACEHOLDER.sub("", value).strip()
    if not _credential_like(bare):
        return found
    if "<<" in bare or ">>" in bare:
        add(
            "secret_value",
            "looks like a placeholder with a typo; write it as <<name>>, two brackets each side",
        )
        return found
    token_key = "token" in key.lower()
    if token_key and _PLEX_TOKEN.fullmatch(bare):
        add("plex_token", "looks like a Plex token", plex=_in_plex(path, key))
    elif _HEX_KEY.fullmatch(bare):
        add("api_key", f"looks like an API key ({len(bare)} hex characters)")
    elif len(bare) >= 20 and not any(c.isspace() for c in bare) and entropy(bare) >= 3.5:
        add("high_entropy", f"looks like a secret (a random-looking value of {len(bare)} characters)")
    else:
        add("secret_value", f"is a secret-like key with a literal value ({len(bare)} characters)")
    return found


def _last_key(path: Path) -> str:
    """The nearest mapping key above a value (``token`` for ``/plex/token``, ``urls`` for ``/urls/0``)."""
    return next((str(p) for p in reversed(path) if isinstance(p, str)), "")


def _credential_like(value: str) -> bool:
    """Long enough, not a placeholder/env/boolean/number, not one repeated character."""
    text = value.strip()
    if len(text) < 8 or len(set(text)) == 1 or _PLACEHOLDER.fullmatch(text):
        return False
    return text.lower() not in _BOOLISH and not _NUMBER.fullmatch(text)


def _is_secret_key(key: str, path: Path) -> bool:
    """Whether a value under `key` (at `path`) should hold a secret."""
    kind = _key_kind(key)
    if kind == "service":
        return any(isinstance(p, str) and p.lower() in SERVICES for p in path[:-1])
    return kind == "secret"


@functools.lru_cache(maxsize=4096)
def _key_kind(key: str) -> str:
    """``secret`` for a secret-like key name, ``service`` for one that is secret inside a service block
    (``key``, ``*_key``, ``client_id``), else ``plain``; cached, as files repeat the same few keys."""
    name = key.lower().replace("-", "_")
    if not name or name in _NOT_SECRET:
        return "plain"
    parts = [p for p in re.split(r"[^a-z0-9]+", name) if p]
    compact = "".join(parts)
    for word in _SECRET_WORDS:
        if word == "pin":
            if "pin" in parts:
                return "secret"
        elif word in name or word.replace("_", "") in compact:
            return "secret"
    if name == "key" or name.endswith("_key") or name == "client_id":
        return "service"
    return "plain"


def _in_plex(path: Path, key: str) -> bool:
    return "plex" in key.lower() or any(isinstance(p, str) and p.lower() == "plex" for p in path)


_ASSIGNMENT = re.compile(r"(?<![\w.-])(?P<key>[A-Za-z_][\w.-]*)[\"']?\s*[:=]\s*[\"']?(?P<value>[^\s\"'#,;]+)")


def _scan_comments(
    lines: list[str], scalars: list[ScalarNode], secret_lines: dict[int, str], source: str
) -> list[Finding]:
    """The loose rules over every comment: a ``#`` at a line's start or after a blank that no scalar spans.
    A comment beside a secret-like key's value (``token: <<t>>  # was ...``) has its words read as values
    of that key."""
    hashes = {number for number, line in enumerate(lines) if "#" in line}
    if not hashes:
        return []
    inside: dict[int, list[tuple[int, int]]] = {}
    for node in scalars:
        start, end = node.start_mark, node.end_mark
        for number in hashes.intersection(range(start.line, end.line + 1)):
            first = start.column if number == start.line else 0
            last = end.column if number == end.line else len(lines[number]) if number < len(lines) else 0
            inside.setdefault(number, []).append((first, last))
    found: list[Finding] = []
    for number in sorted(hashes):
        line = lines[number]
        for match in re.finditer(r"(?:^|(?<=\s))#", line):
            column = match.start()
            if any(first <= column < last for first, last in inside.get(number, [])):
                continue
            hits = _check_line(line[column:], column, number + 1, source, "this comment has")
            key = secret_lines.get(number, "")
            for word in re.finditer(r"[^\s\"'#,;]+", line[column:]) if key and not hits else ():
                shape = _generated_shape(key, word[0])
                if shape:
                    message = f"the comment beside {key} has {shape[1]}; remove it (git keeps it for good)"
                    hits = [
                        Finding(source, number + 1, column + word.start() + 1, "", key, shape[0], message)
                    ]
                    break
            found.extend(hits)
            break
    return found


def _generated_shape(key: str, value: str) -> tuple[str, str] | None:
    """``(kind, what)`` when ``value`` under a secret-like ``key`` looks generated rather than written."""
    if not _credential_like(value):
        return None
    if "token" in key.lower() and _PLEX_TOKEN.fullmatch(value):
        return "plex_token", "what looks like a Plex token"
    if _HEX_KEY.fullmatch(value):
        return "api_key", f"what looks like an API key ({len(value)} hex characters)"
    if len(value) >= 20 and entropy(value) >= 3.5:
        return "high_entropy", f"a random-looking value of {len(value)} characters"
    return None


def _check_line(text: str, offset: int, line: int, source: str, where: str) -> list[Finding]:
    """The loose rules over one line (or comment) of text starting at 0-based column ``offset``."""

    def finding(kind: str, what: str, start: int, key: str = "", name: str = "secret") -> Finding:
        message = (
            f"{where} {what}; remove it (git keeps it for good), use <<{name}>> and {placeholder_hint(name)}"
        )
        return Finding(source, line, offset + start + 1, "", key, kind, message)

    for kind, (pattern, what) in PATTERNS.items():
        match = pattern.search(text)
        if match:
            return [finding(kind, what, match.start())]
    for match in _URL_PLEX_TOKEN.finditer(text):
        if _credential_like(match[1]):
            what = "a Plex token in a URL (X-Plex-Token=...)"
            return [finding("plex_token", what, match.start(1), name="plextoken")]
    for match in _ASSIGNMENT.finditer(text):
        key = match["key"]
        shape = _generated_shape(key, match["value"]) if _is_secret_key(key, []) else None
        if shape:
            name = re.sub(r"^kometa_", "", re.sub(r"[^a-z0-9]+", "_", key.lower())).strip("_") or "secret"
            return [finding(shape[0], f"{shape[1]} under {key}", match.start("value"), key, name)]
    return []


# --------------------------------------------------------------------------- places and names


def _position(node: ScalarNode, lines: list[str], offset: int) -> tuple[int, int]:
    """1-based line and column of the value (past any anchor or tag), or of `offset` inside a one-line value."""
    start, end = node.start_mark, node.end_mark
    line, column = start.line + 1, start.column + 1
    if start.line != end.line or start.line >= len(lines):
        return line, column  # block and multi-line scalars: where the value starts
    raw = lines[start.line][start.column : end.column]
    style = node.style or None  # libyaml's parser gives "" for a plain scalar, ruamel's None
    quote = style if style in ("'", '"') else ""
    shown = f"{quote}{node.value}{quote}"
    if style not in (None, "'", '"') or not raw.endswith(shown):
        return line, column  # escapes or folding: the source text differs from the value
    column += len(raw) - len(shown)
    return line, column + (len(quote) + offset if offset >= 0 else 0)


def _value_start(node: ScalarNode, lines: list[str]) -> tuple[int, int]:
    """1-based line and column where a scalar's own text starts: past its anchor and tag, at its quote."""
    start = node.start_mark
    written = lines[start.line][start.column :] if start.line < len(lines) else ""
    return start.line + 1, start.column + 1 + _PROPERTIES.match(written).end()  # type: ignore[union-attr]


def _pointer(path: Path) -> str:
    """A JSON pointer (RFC 6901): ("libraries", "A/B", 0) -> /libraries/A~1B/0."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _dotted(path: Path) -> str:
    """The path as the engine's messages write it: libraries.Movies.plex.token, collection_files[0].url."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the document"


def _placeholder_name(path: Path) -> str:
    """A `<<name>>` to suggest: the service block and key (tmdb_apikey), else the last two keys."""
    keys = [str(p) for p in path if isinstance(p, str)]
    if not keys:
        return "secret"
    service = next((k for k in reversed(keys[:-1]) if k.lower() in SERVICES), None)
    if service and service.lower() == "plex" and "token" in keys[-1].lower():
        return "plextoken"  # the starter config's name, whatever the token looks like
    if service and service.lower() != keys[-1].lower():
        parts = [service, keys[-1]]
    else:
        parts = keys[-2:]
    name = re.sub(r"[^a-z0-9]+", "_", "_".join(parts).lower()).strip("_")
    return name or "secret"
