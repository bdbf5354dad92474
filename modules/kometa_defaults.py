"""`- default: NAME` blocks: Kometa's catalog of default file names and the one lookup every reader uses.

Kometa ships 90 default files; this engine ships a subset in `defaults/`. A name is looked up first among
the shipped files, then in Kometa's catalog (names only, from Kometa's documented list of defaults), so
a config written for Kometa keeps validating and running: a Kometa default this engine lacks is skipped
with a warning, and only names Kometa does not know either are errors.

Collection, overlay and playlist defaults are separate namespaces: collection_files search the library
type's folder, then `both/`, `chart/`, `award/` and the top folder; overlay_files only `overlays/`;
playlist_files only the top folder. A folder prefix (`chart/basic`, from legacy `git: PMM/chart/basic`)
searches that folder only.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from modules.config_blocks import YAML_SUFFIXES

Namespace = Literal["collection", "overlay", "playlist"]
Status = Literal["shipped", "unshipped", "unknown"]

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "defaults"
LIBRARY_TYPES = ("movie", "show")
SHARED_FOLDERS = ("both", "chart", "award", "")
"""Searched, in order, after the library type's own folder."""

KOMETA_DEFAULTS: dict[Namespace, dict[str, frozenset[str]]] = {
    "collection": {
        "award": frozenset(
            [
                "bafta",
                "berlinale",
                "cannes",
                "cesar",
                "choice",
                "emmy",
                "golden",
                "nfr",
                "oscars",
                "pca",
                "razzie",
                "sag",
                "separator_award",
                "spirit",
                "sundance",
                "tiff",
                "venice",
            ]
        ),
        "both": frozenset(
            [
                "actor",
                "aspect",
                "audio_language",
                "based",
                "collectionless",
                "content_rating_au",
                "content_rating_cs",
                "content_rating_de",
                "content_rating_mal",
                "content_rating_nz",
                "content_rating_uk",
                "genre",
                "resolution",
                "streaming",
                "studio",
                "subtitle_language",
                "universe",
                "year",
            ]
        ),
        "chart": frozenset(
            [
                "anilist",
                "basic",
                "imdb",
                "letterboxd",
                "myanimelist",
                "other_chart",
                "separator_chart",
                "simkl",
                "tautulli",
                "tmdb",
                "trakt",
            ]
        ),
        "movie": frozenset(
            [
                "content_rating_us",
                "continent",
                "country",
                "decade",
                "director",
                "franchise",
                "producer",
                "region",
                "seasonal",
                "writer",
            ]
        ),
        "show": frozenset(
            ["content_rating_us", "continent", "country", "decade", "franchise", "network", "region"]
        ),
        "": frozenset({"templates"}),
    },
    "overlay": {
        "overlays": frozenset(
            [
                "aspect",
                "audio_codec",
                "commonsense",
                "content_rating_au",
                "content_rating_de",
                "content_rating_nz",
                "content_rating_uk",
                "content_rating_us_movie",
                "content_rating_us_show",
                "direct_play",
                "episode_info",
                "language_count",
                "languages",
                "mediastinger",
                "network",
                "ratings",
                "resolution",
                "ribbon",
                "runtimes",
                "status",
                "streaming",
                "studio",
                "templates",
                "versions",
                "video_format",
            ]
        ),
    },
    "playlist": {"": frozenset({"playlist"})},
}
"""Kometa's default names by namespace and by folder under Kometa's `defaults/` (`""` is the top)."""

LIST_NAMESPACES: dict[str, Namespace] = {
    "collection_files": "collection",
    "metadata_path": "collection",
    "external_templates": "collection",
    "overlay_files": "overlay",
    "overlay_path": "overlay",
    "playlist_files": "playlist",
}
"""The namespace a file list's `default:` names live in."""
LIST_KEYS: dict[Namespace, str] = {
    "collection": "collection_files",
    "overlay": "overlay_files",
    "playlist": "playlist_files",
}
NOUNS: dict[Namespace, str] = {
    "collection": "default",
    "overlay": "overlay default",
    "playlist": "playlist default",
}
"""How messages name a default of each namespace."""
KINDS_OF: dict[Namespace, str] = {
    "collection": "a collection default",
    "overlay": "an overlay default",
    "playlist": "a playlist default",
}


@dataclass(frozen=True)
class DefaultLookup:
    """Where a `default:` name leads.

    `path` is the shipped file relative to `defaults/` (status `shipped`) or Kometa's file (`unshipped`);
    `message` and `hint` explain `unshipped` (a warning) and `unknown` (an error).
    """

    name: str
    status: Status
    path: str | None = None
    message: str = ""
    hint: str | None = None

    @property
    def text(self) -> str:
        """The message with its hint, as one line for logs and the panel."""
        return self.message + (f" ({self.hint})" if self.hint else "")


def shipped_defaults(defaults_dir: Path) -> frozenset[str]:
    """The YAML files in `defaults_dir` and its folders, as posix paths relative to it."""
    if not defaults_dir.is_dir():
        return frozenset()
    found = [p for p in defaults_dir.glob("*") if p.is_file()]
    found += [p for p in defaults_dir.glob("*/*") if p.is_file()]
    return frozenset(
        p.relative_to(defaults_dir).as_posix() for p in found if p.suffix.lower() in YAML_SUFFIXES
    )


def lookup_default(
    value: str, namespace: Namespace, libtype: str | None, shipped: Collection[str]
) -> DefaultLookup:
    """Resolve a `default:` value for a library of `libtype` (None: unknown, movie and show are searched).

    Legacy spellings are mapped before (`config_blocks.legacy_default`); `shipped` comes from
    `shipped_defaults`.
    """
    folder, name = _split(value)
    catalog = KOMETA_DEFAULTS[namespace]
    if folder is not None and folder not in catalog:
        return _unknown(value, name, namespace, libtype, [], shipped, explicit=True)
    folders = [folder] if folder is not None else search_folders(namespace, libtype)
    for candidate in folders:
        for suffix in YAML_SUFFIXES:
            relative = posixpath.join(candidate, name + suffix)
            if relative in shipped:
                return DefaultLookup(name, "shipped", relative)
    for candidate in folders:
        if name in catalog.get(candidate, ()):
            message = f"Kometa {NOUNS[namespace]} `{name}` is not shipped by this engine yet; it is skipped"
            return DefaultLookup(name, "unshipped", posixpath.join(candidate, name + ".yml"), message)
    return _unknown(value, name, namespace, libtype, folders, shipped, explicit=folder is not None)


def search_folders(namespace: Namespace, libtype: str | None) -> list[str]:
    """The folders of `namespace` searched for a name without a folder prefix, in order."""
    if namespace == "overlay":
        return ["overlays"]
    if namespace == "playlist":
        return [""]
    types = list(LIBRARY_TYPES) if libtype is None else [libtype] if libtype in LIBRARY_TYPES else []
    return [*types, *SHARED_FOLDERS]


def library_types_of(value: str, shipped: Collection[str]) -> set[str]:
    """The library types (movie, show) whose own folder has this collection default, shipped or Kometa's."""
    folder, name = _split(value)
    if folder is not None:
        return {folder} if folder in LIBRARY_TYPES else set()
    return {t for t in LIBRARY_TYPES if _in_folder(name, t, "collection", shipped)}


def _split(value: str) -> tuple[str | None, str]:
    """`chart/basic.yml` → (`chart`, `basic`); `basic` → (None, `basic`)."""
    text = value.strip().strip("/")
    for suffix in YAML_SUFFIXES:
        if text.lower().endswith(suffix):
            text = text[: -len(suffix)]
    folder, _, name = text.rpartition("/")
    return (folder if "/" in text else None), name


def _in_folder(name: str, folder: str, namespace: Namespace, shipped: Collection[str]) -> bool:
    """Whether `folder` holds `name`, shipped or in Kometa's catalog."""
    if name in KOMETA_DEFAULTS[namespace].get(folder, ()):
        return True
    return any(posixpath.join(folder, name + s) in shipped for s in YAML_SUFFIXES)


def _unknown(
    value: str,
    name: str,
    namespace: Namespace,
    libtype: str | None,
    folders: list[str],
    shipped: Collection[str],
    *,
    explicit: bool,
) -> DefaultLookup:
    """The error for a name neither shipped nor in Kometa's catalog where it was looked for."""
    scope = f" for {libtype} libraries" if namespace == "collection" and libtype and not explicit else ""
    message = f"no {NOUNS[namespace]} named `{value}`{scope}"
    return DefaultLookup(name, "unknown", None, message, _hint(name, namespace, folders, shipped, explicit))


def _hint(
    name: str, namespace: Namespace, folders: list[str], shipped: Collection[str], explicit: bool
) -> str | None:
    """Where the name does exist (another library type, another namespace), else close names."""
    if explicit:
        for folder in KOMETA_DEFAULTS[namespace]:
            if folder not in folders and _in_folder(name, folder, namespace, shipped):
                return f"did you mean `{posixpath.join(folder, name)}`?"
    elif namespace == "collection":
        for libtype in LIBRARY_TYPES:
            if libtype not in folders and _in_folder(name, libtype, namespace, shipped):
                return f"`{name}` is a default for {libtype} libraries"
    for other, folder_names in KOMETA_DEFAULTS.items():
        if other != namespace and any(_in_folder(name, f, other, shipped) for f in folder_names):
            return f"`{name}` is {KINDS_OF[other]}: list it under {LIST_KEYS[other]}"
    known = _names(namespace, folders or list(KOMETA_DEFAULTS[namespace]), shipped)
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    return f"did you mean {', '.join(f'`{c}`' for c in close)}?" if close else None


def _names(namespace: Namespace, folders: list[str], shipped: Collection[str]) -> set[str]:
    """Every default name in `folders`, shipped or Kometa's."""
    names = {n for f in folders for n in KOMETA_DEFAULTS[namespace].get(f, ())}
    for relative in shipped:
        folder, _, file = relative.rpartition("/")
        if folder in folders:
            names.add(posixpath.splitext(file)[0])
    return names
