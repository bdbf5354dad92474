"""`kometa.py --validate`: check config.yml and every file it references without running anything.

    validate_text(text, source, kind=None)      one file on its own (kind auto-detected from its keys)
    validate_config(path, secrets=None)          config.yml and every collection file / default it uses

Each finding is a `Problem` {file, line, column, pointer, severity, code, message, hint}, at the key it is
about. Codes:

- `yaml-syntax`, `duplicate-key`, `duplicate-library`, `empty-file`: the file cannot be read as written;
- `schema-type`, `schema-enum`, `schema-required`, `schema-value`, `not-allowed`: the schemas in schemas/;
- `unknown-key`: a key no schema knows; a warning, an error with `strict`;
- `missing-file`, `unknown-default`, `remote` (a url, not fetched; warning);
- `unknown-template`, `missing-template-variable`, `template-error`;
- `bad-schedule`, `bad-builder-attribute`, `bad-builder-value`, `wrong-library-type`, `no-builder`,
  `invalid-definition`: what the engine would refuse when it builds the collection;
- `placeholder` (warning: a `<<name>>` the environment must fill), `undeclared-secret` (error: the given
  secrets do not fill it);
- `unsupported`: warnings for what Kometa accepts but this engine does not run yet;
- `ignored`: warnings for what Kometa skips (a blank attribute, definition settings inside a search).

Problems are sorted by file (config.yml first), line and column; a warning at the place of an error, and an
`unsupported` note at the place of an unknown key, are left out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from modules.validate_definitions import DefinitionChecker, LibraryInfo, Templates, TemplateSource
from modules.validate_document import Problem, load_document
from modules.validate_files import DEFAULTS_DIR, Session, detect_kind
from modules.validate_notes import config_notes
from modules.validate_schema import KINDS, schema_problems

__all__ = ["KINDS", "Problem", "detect_kind", "finish", "report", "validate_config", "validate_text"]

_SEVERITY_ORDER = {"error": 0, "warning": 1}


def validate_text(text: str, source: str, kind: str | None = None, *, strict: bool = False) -> list[Problem]:
    """Problems of one file on its own: syntax, schema, and what can be checked without its config.

    `kind` is config, collection, overlay, playlist or metadata; None detects it from the top-level keys.
    Templates are not applied (their variables may come from config.yml); template names are checked when
    the file has no external_templates.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    document = load_document(text, source)
    problems = list(document.problems)
    if document.data is None:
        if not problems:
            problems.append(Problem(source, 1, 1, "", "error", "empty-file", "the file is empty"))
        return finish(problems)
    kind = kind or detect_kind(document.data)
    found = schema_problems(document, kind, strict)
    problems.extend(found)
    errors = {p.pointer for p in found if p.severity == "error"}
    if kind == "config":
        problems.extend(config_notes(document, None, errors))
    elif kind == "collection" and isinstance(document.data, dict):
        own = document.data.get("templates")
        sources = {
            str(name): TemplateSource(body, document, ("templates", name))
            for name, body in (own.items() if isinstance(own, dict) else ())
        }
        templates = Templates(sources, complete=not document.data.get("external_templates"))
        checker = DefinitionChecker(problems.append, apply=False)
        checker.check_file(document, templates, LibraryInfo("", None), errors)
    return finish(problems)


def validate_config(
    path: Path | str,
    secrets: Mapping[str, str] | None = None,
    strict: bool = False,
    *,
    library_types: Mapping[str, str] | None = None,
    defaults_dir: Path = DEFAULTS_DIR,
) -> list[Problem]:
    """Problems of config.yml and of every file it references (url files are not fetched).

    `secrets`: the names `<<name>>` placeholders may use; None reports each placeholder as a warning
    naming its environment variable. `library_types` ({"Movies": "movie"}) overrides the library types
    guessed from names and defaults.
    """
    session = Session(strict=strict, secrets=secrets, defaults_dir=defaults_dir, library_types=library_types)
    path = Path(path)
    if not path.is_file():
        message = f"config file {path} does not exist"
        return [Problem(str(path), None, None, "", "error", "missing-file", message, "use --config PATH")]
    session.check_config(path)
    return finish(session.problems, list(session.documents))


def finish(problems: list[Problem], files: list[str] | None = None) -> list[Problem]:
    """Problems without duplicates or shadowed notes, sorted by file, line and column.

    Files come in the order of `files` (the order they were read: config.yml first), then in order of
    appearance.
    """
    unique = list({_key(p): p for p in problems}.values())
    errors = {(p.file, p.line, p.column) for p in unique if p.severity == "error"}
    unknown = {(p.file, p.line, p.column) for p in unique if p.code == "unknown-key"}
    kept = [
        p
        for p in unique
        if p.severity == "error"
        or (
            (p.file, p.line, p.column) not in errors
            and not (p.code == "unsupported" and (p.file, p.line, p.column) in unknown)
        )
    ]
    rank = {f: i for i, f in enumerate(dict.fromkeys([*(files or []), *(p.file for p in kept)]))}
    return sorted(
        kept,
        key=lambda p: (
            rank[p.file],
            p.line or 0,
            p.column or 0,
            _SEVERITY_ORDER.get(p.severity, 2),
            p.code,
            p.message,
        ),
    )


def _key(problem: Problem) -> tuple[object, ...]:
    return (problem.file, problem.line, problem.column, problem.severity, problem.code, problem.message)


def report(problems: list[Problem], output_format: str, out: TextIO) -> int:
    """Write problems as text (one per line and a summary) or as a JSON list; 1 if any is an error."""
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if output_format == "json":
        json.dump([p.to_dict() for p in problems], out, indent=2)
        out.write("\n")
    else:
        for problem in problems:
            out.write(f"{problem}\n")
        files = len({p.file for p in problems})
        where = f" in {files} file{'s' if files != 1 else ''}" if problems else ""
        out.write(
            f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}{where}\n"
        )
    return 1 if errors else 0
