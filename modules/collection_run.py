"""Running one collection definition: templates, schedule, builders, minimum, plan, writes and report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from modules import artwork, search
from modules.builders import BuildResult, build
from modules.config import Settings
from modules.context import LibraryContext
from modules.definition import CollectionDefinition, parse_definition
from modules.errors import KometaError, Location
from modules.events import Events
from modules.item_details import apply_items, plan_items, track_items
from modules.managed import is_managed
from modules.plex import LIBTYPES, PlexCollection, PlexGateway, Section
from modules.report import CollectionReport, ItemRef
from modules.schedule import check
from modules.sync import (
    Plan,
    apply_plan,
    plan_details,
    plan_members,
    plan_visibility,
    planned,
    track_deletion,
    track_plan,
)
from modules.templates import TemplateError


class GuidIndex:
    """External ids (tmdb://, tvdb://, imdb:// guids) -> rating keys, for `ignore_ids` / `ignore_imdb_ids`.

    The run's listing keeps no guids, so the section is read once more with them, and only when some
    library or definition names ids to ignore.
    """

    def __init__(self, gateway: PlexGateway, section: Section, libtype: str) -> None:
        self.gateway, self.section, self.libtype = gateway, section, libtype
        self._keys: dict[str, set[int]] | None = None

    def rating_keys(self, ids: list[int], imdb_ids: list[str]) -> set[int]:
        """Rating keys of the items with one of the TMDb/TVDb `ids` or IMDb `imdb_ids`."""
        wanted = [f"{scheme}://{i}" for i in ids for scheme in ("tmdb", "tvdb")]
        wanted += [f"imdb://{i}" for i in imdb_ids]
        if not wanted:
            return set()
        if self._keys is None:
            self._keys = {}
            params = [("type", str(LIBTYPES[self.libtype])), ("includeGuids", "1")]
            for node in self.gateway.paged(f"/library/sections/{self.section.key}/all", params):
                for child in node:
                    if child.tag == "Guid":
                        guid = child.attrib.get("id", "")
                        self._keys.setdefault(guid, set()).add(int(node.attrib["ratingKey"]))
        return {key for guid in wanted for key in self._keys.get(guid, ())}


@dataclass
class RunSettings:
    """What a definition run needs from the library and the command line."""

    settings: Settings
    config_dir: Path
    ignore_schedules: bool
    dry_run: bool
    cache: artwork.ArtworkCache
    guids: GuidIndex | None = None


def _fail(report: CollectionReport, message: str, where: Location | None, events: Events) -> CollectionReport:
    text = f"{where}: {message}" if where else message
    report.fail(text)
    events.error(text, collection=report.name)
    return report


def run_definition(
    context: LibraryContext,
    name: str,
    data: Any,
    where: Location,
    run: RunSettings,
    events: Events,
    labels: tuple[str, ...] = (),
) -> CollectionReport:
    """Build one collection; any problem fails this collection only, with its file:line. `labels` are
    labels of the engine's own besides `Kometa` (a dynamic collection's mapping name)."""
    started = time.monotonic()
    report = CollectionReport(name=name, file=where.file, line=where.line)
    try:
        definition = parse_definition(name, data, where, run.settings)
        definition.own_labels += [
            x for x in labels if x.lower() not in {o.lower() for o in definition.own_labels}
        ]
        report.name = definition.name
        report.smart = definition.smart
        for warning in definition.warnings:
            report.warnings.append(f"{where}: {warning}")
            events.warning(f"{where}: {definition.name}: {warning}", collection=definition.name)
        _run(context, definition, run, report, events)
        context.made.add(definition.name)
    except (KometaError, TemplateError, search.SearchError) as exc:
        location = getattr(exc, "location", None) or where
        message = getattr(exc, "message", str(exc))
        path = getattr(exc, "path", None)
        _fail(report, f"{path}: {message}" if path and path not in message else message, location, events)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _delete(
    context: LibraryContext, definition: CollectionDefinition, report: CollectionReport, why: str
) -> None:
    delete_collection(context, definition.name, report, why)


def delete_collection(context: LibraryContext, title: str, report: CollectionReport, why: str) -> None:
    """Delete a collection (only plan it in a dry run) and record it in `report`."""
    existing = context.collections.get(title)
    if existing is None:
        return
    if not context.dry_run and not planned(existing):
        context.gateway.delete_collection(existing)
    del context.collections[title]
    track_deletion(context, title)
    report.status = "deleted"
    report.changes.append(why)


def _run(
    context: LibraryContext,
    definition: CollectionDefinition,
    run: RunSettings,
    report: CollectionReport,
    events: Events,
) -> None:
    existing = context.collections.get(definition.name)
    if definition.schedule is not None:
        decision = check(
            definition.schedule,
            context.now,
            exists=existing is not None,
            ignore_schedules=run.ignore_schedules,
        )
        if not decision.run:
            report.status = "not_scheduled"
            report.changes.append(decision.reason)
            if definition.delete_not_scheduled and decision.kind != "non_existing":
                if existing is not None and not planned(existing) and not is_managed(existing.labels):
                    # Kometa deletes only the collections it owns: those with its label
                    report.changes.append("not deleted: not scheduled, but not labelled Kometa (not managed)")
                else:
                    _delete(context, definition, report, "deleted: not scheduled")
            return
    if definition.blank_collection:
        # Kometa's separators: created empty, never below the minimum, members left as they are
        result = BuildResult(keys=context.members(definition.name) if existing else [])
    else:
        result = build_members(context, definition, run)
    found = _found(context, definition, result, existing)
    if found is not None and found < definition.minimum_items:
        message = f"Minimum {definition.minimum_items} not met: the builders found {found} item(s)"
        report.status = "skipped"
        report.warnings.append(f"{definition.location}: {message}")
        events.warning(f"{definition.location}: {definition.name}: {message}", collection=definition.name)
        if definition.delete_below_minimum:
            _delete(context, definition, report, "deleted: below minimum")
        return
    if not definition.build_collection:
        report.status = "skipped"
        report.changes.append("build_collection: false")
        return
    plan = plan_members(context, definition, result, existing)
    plan_details(definition, existing, plan)
    plan_visibility(context, definition, existing, plan)
    pending_art = artwork.pending(
        context, run.cache, existing, artwork.sources(definition.details, run.config_dir, definition.location)
    )
    _record(context, plan, report, pending_art)
    collection = existing
    if not context.dry_run and not (plan.empty and not pending_art):
        collection = apply_plan(context, definition, plan, existing)
        if collection is not None and pending_art:
            artwork.upload(context, run.cache, collection, pending_art)
    track_plan(context, definition.name, plan, collection)
    if definition.item_details:
        _item_details(context, definition, result, report, events)


def _members_after(
    context: LibraryContext, definition: CollectionDefinition, result: BuildResult
) -> list[int]:
    """The collection's members once its plan is applied (a smart filter's are one search away)."""
    if result.label is not None:
        label = result.label.lower()
        return [
            k for k in context.order if label in {x.lower() for x in context.items[k].tags.get("label", [])}
        ]
    if result.smart_query is not None:
        return context.gateway.search_keys(context.section, parse_qsl(result.smart_query))
    return context.members(definition.name)


def _item_details(
    context: LibraryContext,
    definition: CollectionDefinition,
    result: BuildResult,
    report: CollectionReport,
    events: Events,
) -> None:
    """Kometa's item updates on every member: planned, written (not in a dry run), reported."""
    members = [k for k in _members_after(context, definition, result) if k in context.items]
    plan = plan_items(context, definition.item_details, members)
    for warning in plan.warnings:
        report.warnings.append(f"{definition.location}: {warning}")
        events.warning(f"{definition.location}: {definition.name}: {warning}", collection=definition.name)
    if not plan.writes:
        return
    if not context.dry_run:
        apply_items(context, plan)
    track_items(context, plan)
    report.changes.extend(plan.changes)
    if report.status == "unchanged":
        report.status = "updated"


def _found(
    context: LibraryContext,
    definition: CollectionDefinition,
    result: BuildResult,
    existing: PlexCollection | None,
) -> int | None:
    """How many items count against minimum_items: the builders' for regular collections; a new smart
    filter's matches (one search, only at creation, as Kometa creates a smart collection only when its
    filter finds at least minimum_items); None when there is nothing to check."""
    if definition.blank_collection:
        return None
    if not definition.smart:
        return len(result.keys)
    if (
        existing is None
        and result.smart_query is not None
        and result.label is None
        and definition.minimum_items
    ):
        return len(context.gateway.search_keys(context.section, parse_qsl(result.smart_query)))
    return None


def build_members(context: LibraryContext, definition: CollectionDefinition, run: RunSettings) -> BuildResult:
    """Run the builders; a definition's own ignore_ids / ignore_imdb_ids add to the library's."""
    if not (definition.ignore_ids or definition.ignore_imdb_ids) or run.guids is None:
        return build(context, definition)
    library_ignored = context.ignore_ids
    context.ignore_ids = library_ignored | run.guids.rating_keys(
        definition.ignore_ids, definition.ignore_imdb_ids
    )
    try:
        return build(context, definition)
    finally:
        context.ignore_ids = library_ignored


def _record(
    context: LibraryContext, plan: Plan, report: CollectionReport, pending_art: list[artwork.ArtworkSource]
) -> None:
    report.added = [ItemRef(k, context.title_of(k)) for k in plan.add]
    report.removed = [ItemRef(k, context.title_of(k)) for k in plan.remove]
    report.changes.extend(plan.changes)
    report.changes.extend(f"{source.key} uploaded" for source in pending_art)
    if plan.label_items_add or plan.label_items_remove:
        report.changes.append(f"label on items: +{len(plan.label_items_add)} -{len(plan.label_items_remove)}")
    if plan.create:
        report.status = "created"
    elif not plan.empty or pending_art:
        report.status = "updated"
