"""A run: every scheduled library, its collection files and their definitions, into one report."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from modules import artwork, dynamic, webhooks
from modules.collection_run import GuidIndex, RunSettings, delete_collection, run_definition
from modules.config import Config, FileRef, LibraryConfig
from modules.context import LibraryContext
from modules.errors import KometaError, Location, PlexError, UnsupportedError
from modules.events import Events
from modules.files import CollectionFile, load_collection_files, merged_templates
from modules.kometa_defaults import DEFAULTS_DIR
from modules.managed import has_label
from modules.plex import PlexGateway, Section
from modules.report import LibraryReport, RunReport
from modules.schedule import check
from modules.templates import apply_templates
from modules.yamlio import plain, where


@dataclass
class RunOptions:
    run_libraries: list[str] = field(default_factory=list)
    run_files: list[str] = field(default_factory=list)
    ignore_schedules: bool = False
    dry_run: bool = False
    log_requests: bool = False
    timeout: int | None = None
    verify_ssl: bool = True
    now: datetime | None = None
    fetch: Callable[[str], str] | None = None


class Gateways:
    """One Plex connection per (url, token), shared by the libraries that use the same server."""

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self.open: dict[tuple[str, str | None], PlexGateway] = {}
        self.sections: dict[int, list[Section]] = {}

    def get(self, library: LibraryConfig) -> PlexGateway:
        plex = library.plex
        key = (plex.url, plex.token)
        if key not in self.open:
            timeout = self.options.timeout or plex.timeout
            verify = plex.verify_ssl and self.options.verify_ssl
            self.open[key] = PlexGateway(plex.url, plex.token, timeout, verify, self.options.log_requests)
        return self.open[key]

    def section(self, gateway: PlexGateway, title: str) -> Section:
        """The library section named `title`; the server's section list is read once per run."""
        if id(gateway) not in self.sections:
            self.sections[id(gateway)] = gateway.sections()
        for section in self.sections[id(gateway)]:
            if section.title == title:
                return section
        known = ", ".join(s.title for s in self.sections[id(gateway)])
        raise PlexError(f"Plex has no library named {title!r} (it has: {known})")

    def totals(self) -> tuple[int, int]:
        return sum(g.reads for g in self.open.values()), sum(g.writes for g in self.open.values())


def _file_selected(ref: FileRef, wanted: list[str]) -> bool:
    if not wanted:
        return True
    stem = Path(ref.value).name.rsplit(".", 1)[0]
    return stem in wanted or ref.value in wanted


@dataclass
class Planned:
    """One job of a collection file: a collection with its templated definition (a static one, or one
    key of a dynamic entry), or why an entry builds nothing (``error``, or a dynamic entry with no keys)."""

    name: str
    location: Location
    definition: Any = None
    error: Exception | None = None
    dynamic: str | None = None
    """The dynamic_collections entry this collection comes from."""
    no_keys: bool = False
    duplicate: bool = False
    """A dynamic key whose title an earlier definition already builds: Kometa skips it."""
    stale: bool = False
    """A collection labelled with a ``sync: true`` dynamic entry's name that it no longer makes."""

    @property
    def builds(self) -> bool:
        """Whether this plan builds a collection (not an error, empty entry, skipped title or deletion)."""
        return self.error is None and not (self.no_keys or self.duplicate or self.stale)


def _templater(
    context: LibraryContext,
    library_name: str,
    library_variables: dict[str, Any],
    collection_file: CollectionFile,
    config_dir: Path,
    fetch: Callable[[str], str] | None,
    warn: Callable[[str], None],
) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    """How a run applies templates to one file's definitions: the file's own and external templates, with
    the library's and the file block's template variables."""
    templates, external = merged_templates(
        collection_file, config_dir, DEFAULTS_DIR, context.libtype, fetch, warn=warn
    )
    variables = {**library_variables, **collection_file.ref.template_variables}

    def apply(name: str, definition: dict[str, Any]) -> dict[str, Any]:
        return apply_templates(
            name,
            definition,
            templates,
            library_type=context.libtype,
            library_name=library_name,
            config_variables=variables,
            external_variables=external,
            today=context.now.date(),
        )

    return apply


def file_templater(
    context: LibraryContext,
    library: LibraryConfig,
    collection_file: CollectionFile,
    config_dir: Path,
    fetch: Callable[[str], str] | None,
    warn: Callable[[str], None],
) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    """The templater a run uses for ``collection_file`` in ``library`` (the panel's preview uses the same)."""
    return _templater(
        context, library.name, library.template_variables, collection_file, config_dir, fetch, warn
    )


def plan_file(
    context: LibraryContext,
    library_name: str,
    library_variables: dict[str, Any],
    collection_file: CollectionFile,
    config_dir: Path,
    fetch: Callable[[str], str] | None,
    warn: Callable[[str], None],
) -> list[Planned]:
    """The collections one file builds in a library, templated as the run builds them, in file order.

    Reads Plex only through ``context`` (dynamic keys), so the panel can ask what a file builds."""
    from modules.templates import TemplateError

    apply = _templater(context, library_name, library_variables, collection_file, config_dir, fetch, warn)
    variables = {**library_variables, **collection_file.ref.template_variables}
    plans: list[Planned] = []
    for name, data in collection_file.collections.items():
        location = where(collection_file.collections, collection_file.source, name)
        try:
            definition = apply(str(name), plain(data)) if isinstance(data, dict) else data
        except TemplateError as exc:
            plans.append(Planned(str(name), location, error=exc))
            continue
        plans.append(Planned(str(name), location, definition))
    taken = set(context.made) | {str(n) for n in collection_file.collections}
    for name, spec in collection_file.dynamic_collections.items():
        location = where(collection_file.dynamic_collections, collection_file.source, name)
        try:
            generated = dynamic.expand(
                context, str(name), dynamic_spec(plain(spec), variables), location, apply
            )
        except KometaError as exc:
            plans.append(Planned(str(name), location, error=exc))
            continue
        if not generated:
            plans.append(Planned(str(name), location, dynamic=str(name), no_keys=True))
        plans += _dynamic_plans(context, str(name), spec, generated, location, taken)
    return plans


def _dynamic_plans(
    context: LibraryContext,
    name: str,
    spec: Any,
    generated: list[tuple[str, dict[str, Any]]],
    location: Location,
    taken: set[str],
) -> list[Planned]:
    """One dynamic entry's keys as plans: a title already taken is skipped like Kometa does, and with
    ``sync: true`` the collections labelled with the entry's name that it no longer makes are deleted."""
    plans: list[Planned] = []
    for title, definition in generated:
        plex_title = str(definition.get("name") or title)
        if plex_title in taken:
            plans.append(Planned(plex_title, location, dynamic=name, duplicate=True))
            continue
        taken.add(plex_title)
        plans.append(Planned(title, location, definition, dynamic=name))
    if isinstance(spec, dict) and str(spec.get("sync", "")).lower() == "true":
        made = {str(definition.get("name") or title) for title, definition in generated}
        plans += [
            Planned(stale, location, dynamic=name, stale=True)
            for stale in sorted(_labelled(context, name) - made)
        ]
    return plans


def run_file(
    context: LibraryContext,
    library: LibraryConfig,
    collection_file: CollectionFile,
    run: RunSettings,
    events: Events,
    fetch: Callable[[str], str] | None,
) -> list[Any]:
    source = collection_file.source
    plans = plan_file(
        context,
        library.name,
        library.template_variables,
        collection_file,
        run.config_dir,
        fetch,
        lambda message: events.warning(message, library=library.name, file=source),
    )
    jobs: list[Callable[[], Any]] = []
    for plan in plans:
        jobs.append(_job(plan, context, run, events))
    reports = []
    for index, job in enumerate(jobs, 1):
        events.emit("collection_start", library=library.name, file=source, index=index, total=len(jobs))
        report = job()
        reports.append(report)
        events.emit(
            "collection_end",
            library=library.name,
            file=source,
            collection=report.name,
            status=report.status,
            index=index,
            total=len(jobs),
            added=len(report.added),
            removed=len(report.removed),
        )
    return reports


DYNAMIC_VARIABLES = (
    *("exclude", "include", "addons", "data", "key_name_override", "title_override", "title_format"),
    *("remove_prefix", "remove_suffix"),
)


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def dynamic_spec(spec: Any, variables: dict[str, Any]) -> Any:
    """A dynamic_collections entry with the file's template variables applied (Kometa's rule for defaults).

    A variable named like an attribute (exclude, include, addons, data, title_format, ...) replaces it;
    `append_exclude` / `remove_exclude` (and `_include`) add names to or take them from the list;
    `append_addons` / `append_data` merge keys in, `remove_addons` takes values (a mapping) or keys (a
    list) out, `remove_data` takes keys out.
    """
    if not isinstance(spec, dict):
        return spec
    spec = {**spec, **{k: variables[k] for k in DYNAMIC_VARIABLES if k in variables}}
    for key in ("exclude", "include"):
        if f"append_{key}" in variables:
            names = _names(spec.get(key))
            spec[key] = names + [n for n in _names(variables[f"append_{key}"]) if n not in names]
        if f"remove_{key}" in variables:
            gone = set(_names(variables[f"remove_{key}"]))
            spec[key] = [n for n in _names(spec.get(key)) if n not in gone]
    for key in ("addons", "data"):
        added, removed = variables.get(f"append_{key}"), variables.get(f"remove_{key}")
        mapping = spec.get(key) or {}
        if (added is not None or removed is not None) and isinstance(mapping, dict):
            spec[key] = _merged(dict(mapping), added, removed, key == "addons")
    return spec


def _merged(mapping: dict[str, Any], added: Any, removed: Any, lists: bool) -> dict[str, Any]:
    """`mapping` with `added` keys merged in (list values extended when `lists`) and `removed` taken out:
    a mapping removes values from those keys' lists, anything else names keys to drop."""
    if isinstance(added, dict):
        for name, value in added.items():
            have = _names(mapping.get(name))
            mapping[name] = have + [v for v in _names(value) if v not in have] if lists else value
    if isinstance(removed, dict) and lists:
        for name, value in removed.items():
            left = [v for v in _names(mapping.get(name)) if v not in set(_names(value))]
            if left:
                mapping[name] = left
            else:
                mapping.pop(name, None)
    elif removed is not None:
        for name in _names(removed):
            mapping.pop(name, None)
    return mapping


def _job(plan: Planned, context: LibraryContext, run: RunSettings, events: Events) -> Callable[[], Any]:
    """What the run does for one plan of a file."""
    if plan.error is not None:
        return partial(_error_report, plan.name, plan.error, plan.location, events)
    if plan.no_keys:
        return partial(_no_keys, plan.name, plan.location, events)
    if plan.duplicate:
        return partial(_duplicate, plan.name, str(plan.dynamic), plan.location, events)
    if plan.stale:
        return partial(_sync_delete, context, plan.name, str(plan.dynamic), plan.location)
    labels = (plan.dynamic,) if plan.dynamic else ()
    return partial(
        run_definition, context, plan.name, plan.definition, plan.location, run, events, labels=labels
    )


def _labelled(context: LibraryContext, label: str) -> set[str]:
    """Titles of the library's collections carrying `label` (a dynamic definition's mapping name)."""
    return {title for title, collection in context.collections.items() if has_label(collection.labels, label)}


def _sync_delete(context: LibraryContext, title: str, name: str, location: Location) -> Any:
    """`sync: true`: a collection labelled with the mapping name that this run no longer makes is deleted."""
    from modules.report import CollectionReport

    report = CollectionReport(name=title, file=location.file, line=location.line)
    delete_collection(
        context, title, report, f"deleted: dynamic collection {name!r} no longer makes it (sync)"
    )
    return report


def _duplicate(title: str, name: str, location: Location, events: Events) -> Any:
    """Kometa skips a dynamic collection whose title an earlier definition of the run already built."""
    from modules.report import CollectionReport

    report = CollectionReport(name=title, file=location.file, line=location.line, status="skipped")
    message = (
        f"{location}: dynamic collection {name!r}: {title!r} is already built by another definition; skipped"
    )
    report.warnings.append(message)
    events.warning(message, collection=title)
    return report


def _no_keys(name: str, location: Location, events: Events) -> Any:
    """A dynamic definition that found nothing to build: reported, not silently empty."""
    from modules.report import CollectionReport

    report = CollectionReport(name=name, file=location.file, line=location.line, status="skipped")
    message = f"{location}: dynamic collection {name!r} found no keys in this library"
    report.warnings.append(message)
    events.warning(message, collection=name)
    return report


def _error_report(name: str, exc: Exception, location: Location, events: Events) -> Any:
    from modules.report import CollectionReport

    report = CollectionReport(name=name, file=location.file, line=location.line)
    path = getattr(exc, "path", "")
    message = getattr(exc, "message", str(exc))
    text = f"{getattr(exc, 'location', None) or location}: {path + ': ' if path else ''}{message}"
    report.fail(text)
    events.error(text, collection=name)
    return report


def run_library(
    config: Config,
    library: LibraryConfig,
    gateways: Gateways,
    options: RunOptions,
    events: Events,
    now: datetime,
) -> LibraryReport:
    report = LibraryReport(name=library.name)
    started = time.monotonic()
    for key, location in library.unsupported:
        report.warnings.append(f"{location}: {key} is not yet supported and was skipped")
        events.warning(f"{location}: libraries.{library.name}.{key} is not yet supported and was skipped")
    if library.schedule is not None and not options.run_libraries:
        decision = check(library.schedule, now, ignore_schedules=options.ignore_schedules)
        if not decision.run:
            report.status = "not_scheduled"
            report.warnings.append(decision.reason)
            events.info(f"Library {library.name} not scheduled: {decision.reason}")
            return report
    try:
        gateway = gateways.get(library)
        reads, writes = gateway.reads, gateway.writes
        report.server_name = str(gateway.server.friendlyName or "")
        section = gateways.section(gateway, library.library_name)
        context = LibraryContext.load(gateway, section, now, options.dry_run)
    except PlexError as exc:
        report.status = "error"
        report.errors.append(str(exc))
        events.error(f"{library.name}: {exc}")
        return report
    guids = GuidIndex(gateway, section, context.libtype)
    try:
        context.ignore_ids = guids.rating_keys(library.settings.ignore_ids, library.settings.ignore_imdb_ids)
    except PlexError as exc:
        report.status = "error"
        report.errors.append(str(exc))
        events.error(f"{library.name}: {exc}")
        return report
    cache = artwork.ArtworkCache(
        config.directory / f"{config.path.stem}.cache" if library.settings.cache else None
    )
    run = RunSettings(
        library.settings, config.directory, options.ignore_schedules, options.dry_run, cache, guids
    )
    try:
        _run_files(context, library, run, options, events, report, now)
    finally:
        cache.close()
    report.plex_reads, report.plex_writes = gateway.reads - reads, gateway.writes - writes
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _run_files(
    context: LibraryContext,
    library: LibraryConfig,
    run: RunSettings,
    options: RunOptions,
    events: Events,
    report: LibraryReport,
    now: datetime,
) -> None:
    for ref in library.collection_files:
        if not _file_selected(ref, options.run_files):
            continue
        if ref.schedule is not None:
            decision = check(ref.schedule, now, ignore_schedules=options.ignore_schedules)
            if not decision.run:
                events.info(f"{ref.location}: {ref.value} not scheduled: {decision.reason}")
                continue
        try:
            files = load_collection_files(ref, run.config_dir, DEFAULTS_DIR, context.libtype, options.fetch)
        except UnsupportedError as exc:
            report.warnings.append(str(exc))
            events.warning(str(exc), library=library.name)
            continue
        except KometaError as exc:
            report.errors.append(str(exc))
            events.error(str(exc), library=library.name)
            continue
        for collection_file in files:
            events.emit("file_start", library=library.name, file=collection_file.source)
            try:
                report.collections.extend(
                    run_file(context, library, collection_file, run, events, options.fetch)
                )
            except KometaError as exc:
                report.errors.append(str(exc))
                events.error(str(exc), library=library.name, file=collection_file.source)
            events.emit("file_end", library=library.name, file=collection_file.source)


def run(config: Config, options: RunOptions, events: Events) -> RunReport:
    now = options.now or datetime.now()
    started = time.monotonic()
    report = RunReport(started_at=now.isoformat(timespec="seconds"), dry_run=options.dry_run)
    gateways = Gateways(options)
    events.emit("run_start", dry_run=options.dry_run, libraries=list(config.libraries))
    webhooks.send(config.webhooks.run_start, webhooks.run_start_payload(now), events)
    for key, location in config.unsupported:
        events.warning(f"{location}: {key} is not used by this engine")
    chosen = [
        lib
        for name, lib in config.libraries.items()
        if not options.run_libraries or name in options.run_libraries
    ]
    for missing in set(options.run_libraries) - set(config.libraries):
        report.errors.append(f"--run-libraries names {missing!r}, which config.yml does not define")
    for index, library in enumerate(chosen, 1):
        events.separator(f"{library.name} Library ({index} of {len(chosen)})")
        events.emit("library_start", library=library.name, index=index, total=len(chosen))
        library_report = run_library(config, library, gateways, options, events, now)
        report.libraries.append(library_report)
        events.emit("library_end", library=library.name, summary=library_report.counts())
    report.plex_reads, report.plex_writes = gateways.totals()
    report.seconds = round(time.monotonic() - started, 3)
    _notify(config, report, now, events)
    events.emit("run_end", summary=report.summary(), seconds=report.seconds, failed=report.failed)
    return report


def _notify(config: Config, report: RunReport, started: datetime, events: Events) -> None:
    """changes (a library's own `webhooks.changes` replace the global ones; none in a dry run, where
    nothing changed), error, then run_end."""
    for lib in report.libraries:
        library = config.libraries.get(lib.name)
        urls = (library.changes_webhooks if library else []) or config.webhooks.changes
        for collection in lib.collections:
            changed = collection.status in ("created", "deleted") or (
                collection.status == "updated" and (collection.added or collection.removed)
            )
            if urls and changed and not report.dry_run:
                webhooks.send(urls, webhooks.changes_payload(lib, collection), events)
    if config.webhooks.error:
        for payload in webhooks.error_payloads(report):
            webhooks.send(config.webhooks.error, payload, events)
    webhooks.send(config.webhooks.run_end, webhooks.run_end_payload(report, started, report.seconds), events)
