"""modules.kometa_defaults: Kometa's default names by namespace and folder, and the one lookup of `default:`."""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.config_blocks import legacy_default
from modules.kometa_defaults import (
    DEFAULTS_DIR,
    KOMETA_DEFAULTS,
    Namespace,
    library_types_of,
    lookup_default,
    shipped_defaults,
)

# Kometa's 90 default files, as listed in its documentation (folder/name under Kometa's defaults/).
KOMETA_TABLE = """
award/bafta award/berlinale award/cannes award/cesar award/choice award/emmy award/golden award/nfr
award/oscars award/pca award/razzie award/sag award/separator_award award/spirit award/sundance award/tiff
award/venice both/actor both/aspect both/audio_language both/based both/collectionless
both/content_rating_au both/content_rating_cs both/content_rating_de both/content_rating_mal
both/content_rating_nz both/content_rating_uk both/genre both/resolution both/streaming both/studio
both/subtitle_language both/universe both/year chart/anilist chart/basic chart/imdb chart/letterboxd
chart/myanimelist chart/other_chart chart/separator_chart chart/simkl chart/tautulli chart/tmdb chart/trakt
movie/content_rating_us movie/continent movie/country movie/decade movie/director movie/franchise
movie/producer movie/region movie/seasonal movie/writer overlays/aspect overlays/audio_codec
overlays/commonsense overlays/content_rating_au overlays/content_rating_de overlays/content_rating_nz
overlays/content_rating_uk overlays/content_rating_us_movie overlays/content_rating_us_show
overlays/direct_play overlays/episode_info overlays/language_count overlays/languages overlays/mediastinger
overlays/network overlays/ratings overlays/resolution overlays/ribbon overlays/runtimes overlays/status
overlays/streaming overlays/studio overlays/templates overlays/versions overlays/video_format playlist
show/content_rating_us show/continent show/country show/decade show/franchise show/network show/region
templates
"""
KOMETA_FILES = KOMETA_TABLE.split()
SHIPPED = shipped_defaults(DEFAULTS_DIR)


def namespace_of(path: str) -> Namespace:
    folder = path.rpartition("/")[0]
    return "overlay" if folder == "overlays" else "playlist" if path == "playlist" else "collection"


def library_types(path: str) -> list[str | None]:
    """The library types a default is looked up for: its own type, or every type for shared folders."""
    folder = path.rpartition("/")[0]
    return [folder] if folder in ("movie", "show") else ["movie", "show", None]


def test_the_catalog_holds_kometas_90_files() -> None:
    assert len(KOMETA_FILES) == 90
    catalog = {
        f"{folder}/{name}".lstrip("/")
        for folders in KOMETA_DEFAULTS.values()
        for folder, names in folders.items()
        for name in names
    }
    assert catalog == set(KOMETA_FILES)


@pytest.mark.parametrize("path", KOMETA_FILES)
def test_every_kometa_default_is_shipped_or_unsupported_in_its_folder(path: str) -> None:
    name = path.rpartition("/")[2]
    for libtype in library_types(path):
        found = lookup_default(name, namespace_of(path), libtype, SHIPPED)
        assert found.path == f"{path}.yml"
        if found.path in SHIPPED:
            assert (found.status, found.message) == ("shipped", "")
        else:
            assert found.status == "unshipped"
            assert found.message.endswith(f"`{name}` is not shipped by this engine yet; it is skipped")
        assert lookup_default(path, namespace_of(path), libtype, frozenset()).status == "unshipped"


def test_shipped_files_win_and_project_only_defaults_resolve() -> None:
    assert lookup_default("genre", "collection", "movie", SHIPPED).status == "shipped"
    assert lookup_default("content_rating", "collection", "show", SHIPPED).path == "both/content_rating.yml"
    own = frozenset({"chart/basic.yaml"})
    assert lookup_default("basic.yml", "collection", "movie", own).path == "chart/basic.yaml"


def test_overlay_and_collection_defaults_are_separate_namespaces() -> None:
    overlay = lookup_default("resolution", "overlay", "movie", SHIPPED)
    assert (overlay.status, overlay.path) == ("unshipped", "overlays/resolution.yml")
    assert (
        overlay.message
        == "Kometa overlay default `resolution` is not shipped by this engine yet; it is skipped"
    )
    collection = lookup_default("ribbon", "collection", "movie", SHIPPED)
    assert (collection.status, collection.message, collection.hint) == (
        "unknown",
        "no default named `ribbon` for movie libraries",
        "`ribbon` is an overlay default: list it under overlay_files",
    )
    genre = lookup_default("genre", "overlay", "movie", SHIPPED)
    assert (genre.status, genre.hint) == (
        "unknown",
        "`genre` is a collection default: list it under collection_files",
    )
    assert lookup_default("playlist", "playlist", None, SHIPPED).path == "playlist.yml"
    assert lookup_default("playlist", "collection", "movie", SHIPPED).status == "unknown"


@pytest.mark.parametrize(
    ("written", "value", "namespace", "expected"),
    [
        ("pmm", "basic", "collection", "chart/basic.yml"),
        ("git", "PMM/basic", "collection", "chart/basic.yml"),
        ("git", "PMM/chart/basic", "collection", "chart/basic.yml"),
        ("git", "PMM/award/oscars", "collection", "award/oscars.yml"),
        ("git", "PMM/genre", "collection", "both/genre.yml"),
        ("git", "PMM/overlays/ribbon", "overlay", "overlays/ribbon.yml"),
        ("pmm", "ribbon", "overlay", "overlays/ribbon.yml"),
    ],
)
def test_legacy_spellings_map_to_the_default(
    written: str, value: str, namespace: Namespace, expected: str
) -> None:
    kind, name = legacy_default(written, value)
    assert kind == "default"
    assert lookup_default(name, namespace, "movie", SHIPPED).path == expected


def test_other_git_blocks_stay_git() -> None:
    assert legacy_default("git", "someone/movies") == ("git", "someone/movies")
    assert legacy_default("file", "PMM/x.yml") == ("file", "PMM/x.yml")


def test_a_folder_prefix_searches_that_folder_only() -> None:
    assert lookup_default("movie/decade", "collection", "show", SHIPPED).path == "movie/decade.yml"
    wrong = lookup_default("award/genre", "collection", "movie", SHIPPED)
    assert (wrong.status, wrong.message, wrong.hint) == (
        "unknown",
        "no default named `award/genre`",
        "did you mean `both/genre`?",
    )
    assert lookup_default("overlays/ribbon", "collection", "movie", SHIPPED).status == "unknown"
    assert lookup_default("chart/ribbon", "overlay", "movie", SHIPPED).status == "unknown"


def test_a_default_of_the_other_library_type_is_an_error_with_a_hint() -> None:
    found = lookup_default("seasonal", "collection", "show", SHIPPED)
    assert (found.status, found.message, found.hint) == (
        "unknown",
        "no default named `seasonal` for show libraries",
        "`seasonal` is a default for movie libraries",
    )
    assert lookup_default("seasonal", "collection", None, SHIPPED).path == "movie/seasonal.yml"
    assert (
        lookup_default("network", "collection", "artist", SHIPPED).hint
        == "`network` is a default for show libraries"
    )
    assert lookup_default("basic", "collection", "artist", SHIPPED).status == "unshipped"


def test_unknown_names_hint_at_close_names() -> None:
    assert lookup_default("genres", "collection", "movie", SHIPPED).hint == "did you mean `genre`?"
    assert lookup_default("ribon", "overlay", None, SHIPPED).hint == "did you mean `ribbon`, `versions`?"
    nonsense = lookup_default("nonsense", "collection", "movie", SHIPPED)
    assert (nonsense.status, nonsense.hint) == ("unknown", None)


def test_library_types_of_a_default() -> None:
    assert library_types_of("seasonal", SHIPPED) == {"movie"}
    assert library_types_of("network", SHIPPED) == {"show"}
    assert library_types_of("decade", SHIPPED) == {"movie", "show"}
    assert library_types_of("genre", SHIPPED) == set()
    assert library_types_of("show/anything", frozenset()) == {"show"}


def test_shipped_defaults_lists_yaml_files_two_levels_deep(tmp_path: Path) -> None:
    for relative in ("templates.yml", "both/a.yaml", "movie/b.yml", "movie/notes.md", "x/y/deep.yml"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("{}\n", encoding="utf-8")
    assert shipped_defaults(tmp_path) == {"templates.yml", "both/a.yaml", "movie/b.yml"}
    assert shipped_defaults(tmp_path / "missing") == frozenset()
