"""Kometa-compatible command line: build Plex collections from Kometa's config.yml and collection files.

    python kometa.py --run --config config/config.yml [--run-libraries "Movies"] [--dry-run] [--report r.json]
    python kometa.py --validate [--config config/config.yml] [--format text|json] [--strict]

Every flag can also be given as a KOMETA_* environment variable (which wins over the flag); any other
KOMETA_NAME variable fills `<<name>>` placeholders in config.yml. Exit code 0 means no errors, 1 errors.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta

from modules.cli import CliError, Options, collect_secrets, parse_args
from modules.config import load_config
from modules.errors import KometaError
from modules.events import Events, setup_logging
from modules.run import RunOptions, run
from modules.validate import report, validate_config


def run_once(options: Options, env: dict[str, str]) -> int:
    logger = setup_logging(options.config.parent / "logs", trace=options.trace or options.debug)
    events = Events(options.width, options.divider, trace=options.trace)
    for name in options.ignored_env:
        events.warning(f"{name} is set, but this engine does not implement that flag")
    try:
        config = load_config(options.config, collect_secrets(options, env))
    except KometaError as exc:
        logger.error(f"Config error: {exc}")
        return 1
    run_options = RunOptions(
        run_libraries=options.run_libraries,
        run_files=options.run_files,
        ignore_schedules=options.ignore_schedules,
        dry_run=options.dry_run,
        log_requests=options.log_requests,
        timeout=options.timeout,
        verify_ssl=not options.no_verify_ssl,
    )
    if options.dry_run:
        events.info("Dry run: computing the plan, writing nothing to Plex")
    report = run(config, run_options, events)
    summary = report.summary()
    events.separator("Summary")
    events.info(
        f"created {summary.get('created', 0)}, updated {summary.get('updated', 0)}, "
        f"unchanged {summary.get('unchanged', 0)}, deleted {summary.get('deleted', 0)}, "
        f"errors {summary.get('error', 0) + summary['other_errors']}; items +{summary.get('items_added', 0)} -{summary.get('items_removed', 0)}; "
        f"Plex requests: {report.plex_reads} reads, {report.plex_writes} writes; {report.seconds:.1f}s"
    )
    if options.report is not None:
        report.write(options.report)
    return 1 if report.failed else 0


def validate(options: Options, env: dict[str, str]) -> int:
    """--validate: check the config and every file it references; exit 1 if any error was found.

    Without any secret (KOMETA_* variables other than the panel's, --kometa-NAME, --plex-url/--plex-token),
    each `<<name>>` placeholder is a warning naming the variable to set; with secrets, one they do not fill
    is an error.
    """
    secrets = {
        name: value
        for name, value in collect_secrets(options, env).items()
        if not name.lower().startswith("panel_")
    }
    problems = validate_config(options.config, secrets or None, strict=options.strict)
    return report(problems, options.format, sys.stdout)


def next_run(times: list[str], now: datetime) -> datetime:
    """The next moment among the daily `--times` (HH:MM)."""
    candidates = []
    for text in times:
        hour, minute = (int(part) for part in text.split(":"))
        moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        candidates.append(moment if moment > now else moment + timedelta(days=1))
    return min(candidates)


def main(argv: list[str] | None = None) -> int:
    env = dict(os.environ)
    try:
        options = parse_args(sys.argv[1:] if argv is None else argv, env)
    except CliError as exc:
        print(f"kometa.py: {exc}", file=sys.stderr)
        return 1
    if options.validate:
        return validate(options, env)
    if not options.config.is_file():
        print(f"kometa.py: config file {options.config} does not exist (use --config PATH)", file=sys.stderr)
        return 1
    if options.run or options.run_libraries or options.run_files:
        return run_once(options, env)
    while True:
        moment = next_run(options.times, datetime.now())
        print(f"kometa.py: next run at {moment:%Y-%m-%d %H:%M}", flush=True)
        time.sleep(max(0.0, (moment - datetime.now()).total_seconds()))
        run_once(options, env)


if __name__ == "__main__":
    sys.exit(main())
