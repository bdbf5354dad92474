"""The collections a library's collection files build in Plex, asked of the engine itself.

A ``- default:`` file or a ``dynamic_collections`` entry names its collections with template variables
and Plex's own data (one collection per genre...), so the titles can only be known the way a run knows
them: the commit's files are written to a temporary folder, the engine loads the library's file blocks
from it (:func:`modules.config_blocks.parse_file_blocks`, :func:`modules.files.load_collection_files`) and
plans each file against the library's Plex state (:func:`modules.run.plan_file`), writing nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from modules.config_blocks import parse_file_blocks, template_variables
from modules.context import LibraryContext
from modules.definition import collection_title
from modules.errors import KometaError
from modules.files import load_collection_files
from modules.kometa_defaults import DEFAULTS_DIR
from modules.plex import PlexGateway
from modules.run import plan_file
from modules.yamlio import load

CONFIG_PATH = "config.yml"
EXTERNAL_KINDS = ("url", "git", "repo")  # never fetched by the panel

Built = dict[tuple[str, str], list[str]]
"""(file as the libraries API shows it, entry name) -> the titles that entry builds in Plex."""


def built_titles(
    files: Mapping[str, bytes], library: str, gateway: PlexGateway, section_title: str, now: datetime
) -> Built:
    """What each collection and dynamic collection of config.yml's library ``library`` builds in the Plex
    section ``section_title``; ``files`` are the commit's files by path. Entries the engine cannot build
    (a template error, a file it cannot load) build nothing."""
    with tempfile.TemporaryDirectory(prefix="kometa-panel-plan-") as tmp:
        root = Path(tmp)
        for path, data in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        config = load(root / CONFIG_PATH)
        body = (config.get("libraries") or {}).get(library) if isinstance(config, dict) else None
        if not isinstance(body, dict) or not body.get("collection_files"):
            return {}
        source, prefix = str(root / CONFIG_PATH), f"libraries.{library}"
        refs = parse_file_blocks(body, "collection_files", source, f"{prefix}.collection_files", root)
        variables: dict[str, Any] = {}
        if body.get("template_variables") is not None:
            variables = template_variables(body, "template_variables", source, f"{prefix}.template_variables")
        context = LibraryContext.load(gateway, gateway.section(section_title), now, dry_run=True)
        built: Built = {}
        for ref in refs:
            if ref.kind in EXTERNAL_KINDS:
                continue
            try:
                loaded = load_collection_files(ref, root, DEFAULTS_DIR, context.libtype)
            except KometaError:
                continue
            for collection_file in loaded:
                shown = _shown(collection_file.path, root)
                for plan in plan_file(context, library, variables, collection_file, root, None, _ignore):
                    if plan.builds:
                        title = collection_title(plan.name, plan.definition)
                        built.setdefault((shown, plan.dynamic or plan.name), []).append(title)
        return built


def _shown(path: Path | None, root: Path) -> str:
    """A loaded file's path as the libraries API shows it: repository-relative, or ``defaults/...``."""
    if path is None:
        return ""
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return "defaults/" + path.relative_to(DEFAULTS_DIR).as_posix()


def _ignore(_message: str) -> None:
    return None


def mark_built(
    found: dict[str, list[dict[str, Any]]], library: str, built: Built, plex_titles: set[str]
) -> set[str]:
    """Give each collection and dynamic collection of ``found`` in config library ``library`` the ``builds``
    it makes, each with ``in_plex``, and ``in_plex`` (true when it builds something and Plex has all of
    it); the titles built."""
    titles: set[str] = set()
    for entry in [*found["collections"], *found["dynamic_collections"]]:
        made = built.get((entry["file"], entry["name"])) if entry["library"] == library else None
        if made is None:
            continue
        entry["builds"] = [{"title": title, "in_plex": title in plex_titles} for title in made]
        entry["in_plex"] = bool(made) and all(title in plex_titles for title in made)
        titles.update(made)
    return titles
