"""`validate_config`: config.yml and every file it references, checked together.

Each invalid case writes a small config folder to tmp_path and names the file, line, column and code of
the first problem (and, unless the case says otherwise, the only one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.errors import Location
from modules.files import http_get
from modules.remote_files import RemoteFiles, community_url
from modules.validate import validate_config
from modules.validate_files import DEFAULTS_DIR, guess_type
from tests.support.config_files import doc, library, write

ROOT = Path(__file__).resolve().parents[3]
SECRETS = {"plex_url": "http://127.0.0.1:32400", "plextoken": "token"}


def config_case(files: dict[str, str], where: tuple[str, int, int, str], *, only: bool = True, id: str):
    return pytest.param(files, where, only, id=id)


STUDIO_TEMPLATE = doc(
    "templates:",
    "  Studio:",
    "    plex_search:",
    "      all:",
    "        studio.is: <<studio>>",
    "    collection_mode: <<mode>>",
    "collections:",
    "  A24:",
    "    template: {name: Studio, studio: A24, mode: hide}",
)

CONFIG_CASES = [
    config_case(
        {"config.yml": library("Movies", "      - file: collections/nope.yml")},
        ("config.yml", 4, 9, "missing-file"),
        id="missing-file",
    ),
    config_case(
        {"config.yml": library("Movies", "      - collections/nope.yml")},
        ("config.yml", 4, 9, "missing-file"),
        id="missing-bare-path",
    ),
    config_case(
        {"config.yml": library("Movies", "      - folder: collections/")},
        ("config.yml", 4, 9, "missing-file"),
        id="missing-folder",
    ),
    config_case(
        {"config.yml": library("Movies", "      - folder: empty/"), "empty/notes.txt": "not yaml\n"},
        ("config.yml", 4, 9, "missing-file"),
        id="folder-without-yaml",
    ),
    config_case(
        {"config.yml": library("Movies", "      - default: genres")},
        ("config.yml", 4, 9, "unknown-default"),
        id="unknown-default",
    ),
    config_case(
        {"config.yml": library("Movies", "      - default: network")},
        ("config.yml", 4, 9, "unknown-default"),
        id="show-default-in-movie-library",
    ),
    config_case(
        {"config.yml": library("TV Shows", "      - pmm: director")},
        ("config.yml", 4, 9, "unknown-default"),
        id="movie-default-in-show-library",
    ),
    config_case(
        {
            "config.yml": doc(
                "libraries:", "  Movies:", "    collection_files:", "      - default: genre", "  Movies:"
            ),
        },
        ("config.yml", 5, 3, "duplicate-library"),
        id="duplicate-library",
    ),
    config_case(
        {"config.yml": library("Movies", "      - file: movies.yml"), "movies.yml": "collections:\n  A: [\n"},
        ("movies.yml", 3, 1, "yaml-syntax"),
        id="syntax-error-in-collection-file",
    ),
    config_case(
        {"config.yml": library("Movies", "      - file: movies.yml"), "movies.yml": "# nothing yet\n"},
        ("movies.yml", 1, 1, "empty-file"),
        id="empty-collection-file",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc("collections:", "  A:", "    plex_all: true", "    sync_mode: mirror"),
        },
        ("movies.yml", 4, 5, "schema-enum"),
        id="schema-error-in-collection-file",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc("collections:", "  A:", "    template: {name: Nope}"),
        },
        ("movies.yml", 3, 16, "unknown-template"),
        id="unknown-template",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": STUDIO_TEMPLATE.replace("studio: A24, mode: hide", "mode: hide"),
        },
        ("movies.yml", 9, 5, "missing-template-variable"),
        id="missing-template-variable",
    ),
    config_case(
        {
            "config.yml": library(
                "Movies", "      - file: movies.yml", "        template_variables:", "          mode: hidden"
            ),
            "movies.yml": STUDIO_TEMPLATE,
        },
        ("config.yml", 6, 11, "invalid-definition"),
        id="template-variable-from-config",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": STUDIO_TEMPLATE.replace("mode: hide}", "mode: hidden}"),
        },
        ("movies.yml", 9, 43, "invalid-definition"),
        id="template-variable-from-call",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": STUDIO_TEMPLATE.replace("studio.is: <<studio>>", "studioo.is: <<studio>>"),
        },
        ("movies.yml", 5, 9, "bad-builder-attribute"),
        id="template-body-attribute",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc(
                "templates:",
                "  Loop:",
                "    default: {a: <<b>>, b: <<a>>}",
                "    plex_all: true",
                "    summary: <<a>>",
                "collections:",
                "  A:",
                "    template: {name: Loop}",
            ),
        },
        ("movies.yml", 8, 5, "template-error"),
        id="template-variables-loop",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc(
                "collections:", "  Shows:", "    plex_search:", "      all:", "        network: HBO"
            ),
        },
        ("movies.yml", 5, 9, "wrong-library-type"),
        id="show-attribute-in-movie-library",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc(
                "collections:", "  E:", "    plex_search:", "      all:", "        episode_year.gte: 2020"
            ),
        },
        ("movies.yml", 5, 9, "wrong-library-type"),
        id="episode-attribute-in-movie-library",
    ),
    config_case(
        {
            "config.yml": library("TV Shows", "      - file: tv.yml"),
            "tv.yml": doc(
                "collections:", "  Cut:", "    plex_search:", "      all:", "        edition: Extended"
            ),
        },
        ("tv.yml", 5, 9, "wrong-library-type"),
        id="movie-attribute-in-show-library",
    ),
    config_case(
        {
            "config.yml": library("TV Shows", "      - file: tv.yml"),
            "tv.yml": doc(
                "collections:", "  A:", "    plex_all: true", "    filters:", "      edition: Extended"
            ),
        },
        ("tv.yml", 5, 7, "wrong-library-type"),
        id="movie-filter-in-show-library",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc("dynamic_collections:", "  Networks:", "    type: network"),
        },
        ("movies.yml", 3, 5, "wrong-library-type"),
        id="dynamic-type-in-wrong-library",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc(
                "dynamic_collections:", "  Genres:", "    type: genre", "    template: genre_template"
            ),
        },
        ("movies.yml", 4, 5, "unknown-template"),
        id="dynamic-unknown-template",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc(
                "templates:",
                "  by_genre:",
                "    plex_search:",
                "      all:",
                "        genre: <<value>>",
                "        studio: <<studio>>",
                "dynamic_collections:",
                "  Genres:",
                "    type: genre",
                "    template: by_genre",
            ),
        },
        ("movies.yml", 10, 5, "missing-template-variable"),
        id="dynamic-missing-variable",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc(
                "external_templates:", "  - file: shared.yml", "collections:", "  A: {plex_all: true}"
            ),
        },
        ("movies.yml", 2, 5, "missing-file"),
        id="external-templates-missing",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc(
                "external_templates:", "  - default: templatez", "collections:", "  A: {plex_all: true}"
            ),
        },
        ("movies.yml", 2, 5, "unknown-default"),
        id="external-templates-unknown-default",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - file: movies.yml"),
            "movies.yml": doc(
                "external_templates:",
                "  - file: shared.yml",
                "collections:",
                "  A:",
                "    template: {name: Shared}",
            ),
            "shared.yml": doc("templates:", "  Other:", "    plex_all: true"),
        },
        ("movies.yml", 5, 16, "unknown-template"),
        id="external-template-name",
    ),
    config_case(
        {
            "config.yml": library("Movies", "      - default: genre", "        schedule: weekly(funday)"),
        },
        ("config.yml", 5, 9, "bad-schedule"),
        id="file-block-schedule",
    ),
    config_case(
        {
            "config.yml": library(
                "Movies",
                "      - default: genre",
                "        template_variables:",
                "          collection_mode: weird",
            ),
        },
        ("config.yml", 6, 11, "invalid-definition"),
        id="default-template-variable",
    ),
    config_case(
        {
            "config.yml": doc(
                "libraries:", "  Movies:", "plex:", "  url: <<plex_url>>", "  token: <<plex_token>>"
            )
        },
        ("config.yml", 5, 3, "undeclared-secret"),
        id="undeclared-secret",
    ),
]


@pytest.mark.parametrize(("files", "where", "only"), CONFIG_CASES)
def test_invalid_config_is_reported_at_its_place(
    tmp_path: Path, files: dict[str, str], where: tuple[str, int, int, str], only: bool
) -> None:
    problems = validate_config(write(tmp_path, files), SECRETS)
    errors = [p for p in problems if p.severity == "error"]
    assert errors, problems
    name, line, column, code = where
    first = errors[0]
    assert (first.file, first.line, first.column, first.code) == (str(tmp_path / name), line, column, code), (
        problems
    )
    if only:
        assert problems == errors and len(errors) == 1, problems


# --------------------------------------------------------------------------- what is allowed


def test_config_repo_validates_clean() -> None:
    assert validate_config(ROOT / "config-repo" / "config.yml", SECRETS, strict=True) == []


def test_config_repo_without_secrets_names_the_variables_to_set() -> None:
    problems = validate_config(ROOT / "config-repo" / "config.yml")
    assert [(p.line, p.severity, p.code) for p in problems] == [
        (10, "warning", "placeholder"),
        (11, "warning", "placeholder"),
    ]
    assert "KOMETA_PLEXTOKEN" in problems[1].message


def test_every_default_validates_clean_for_its_library_types(tmp_path: Path) -> None:
    """Every default, with its templates applied, in a movie and a show library, and in one of unknown type."""
    blocks = {}
    for libtype in ("movie", "show"):
        names = {p.stem for folder in (libtype, "both") for p in (DEFAULTS_DIR / folder).glob("*.yml")}
        blocks[libtype] = [f"      - default: {name}" for name in sorted(names)]
    both = [f"      - default: {p.stem}" for p in sorted((DEFAULTS_DIR / "both").glob("*.yml"))]
    config = doc(
        "libraries:",
        "  Movies:",
        "    collection_files:",
        *blocks["movie"],
        "  TV Shows:",
        "    collection_files:",
        *blocks["show"],
        "  Library:",
        "    collection_files:",
        *both,
    )
    assert validate_config(write(tmp_path, {"config.yml": config}), strict=True) == []


def test_defaults_with_the_template_variables_of_their_headers(tmp_path: Path) -> None:
    config = doc(
        "libraries:",
        "  Movies:",
        "    template_variables:",
        "      sort_prefix: '#'",
        "    collection_files:",
        "      - default: genre",
        "        template_variables:",
        "          exclude: [Documentary]",
        "          collection_mode: hide_items",
        "          use_Western: false",
        "          limit: 25",
        "          schedule: weekly(sunday)",
        "      - default: actor",
        "        template_variables: {data: {depth: 3, limit: 10, minimum: 4}}",
        "      - default: decade",
        "        template_variables: {visible_library_2020: true, name_format: Best of <<key_name>>}",
    )
    assert validate_config(write(tmp_path, {"config.yml": config}), strict=True) == []


def test_remote_and_community_files_are_noted_not_fetched(tmp_path: Path) -> None:
    """The validator never downloads: url, git and repo files not kept by a run are `remote` warnings."""
    config = library(
        "Movies",
        "      - url: https://example.com/movies.yml",
        "      - git: meisnate12/MovieCharts",
        "      - repo: charts",
    ) + doc("settings:", "  custom_repo: http://127.0.0.1:9/configs")
    problems = validate_config(write(tmp_path, {"config.yml": config}))
    assert [(p.line, p.severity, p.code) for p in problems] == [
        (4, "warning", "remote"),
        (5, "warning", "remote"),
        (6, "warning", "remote"),
    ]
    assert problems[0].message == "`https://example.com/movies.yml` is not checked (remote)"
    assert "(http://127.0.0.1:9/configs/charts.yml)" in problems[2].message


def test_repo_without_custom_repo_is_an_error(tmp_path: Path) -> None:
    """Kometa reads `repo:` under settings.custom_repo; without one the block cannot be read."""
    problems = validate_config(write(tmp_path, {"config.yml": library("Movies", "      - repo: charts")}))
    assert [(p.line, p.column, p.severity, p.code) for p in problems] == [(4, 9, "error", "missing-file")]
    assert problems[0].message == "repo: charts: needs settings.custom_repo (the repository's address)"


def test_a_git_file_kept_by_a_run_is_checked(tmp_path: Path) -> None:
    config = library("Movies", "      - git: meisnate12/MovieCharts")
    remote = RemoteFiles(http_get, tmp_path / "cache", community_url())
    kept = remote.cached(remote.address("git", "meisnate12/MovieCharts", Location("config.yml")))
    kept.parent.mkdir(parents=True)
    kept.write_text(
        doc("collections:", "  Top:", "    plex_all: true", "    sync_mode: mirror"), encoding="utf-8"
    )
    problems = validate_config(write(tmp_path, {"config.yml": config}))
    assert [(Path(p.file), p.line, p.column, p.code) for p in problems] == [(kept, 4, 5, "schema-enum")]


def test_keys_the_engine_skips_are_unsupported_warnings(tmp_path: Path) -> None:
    config = doc(
        "libraries:",
        "  Movies:",
        "    overlay_files:",
        "      - default: ribbon",
        "    operations:",
        "      mass_genre_update: tmdb",
        "tmdb:",
        "  apikey: abc",
        "settings:",
        "  asset_folders: true",
        "  show_options: true",
    )
    problems = validate_config(write(tmp_path, {"config.yml": config}))
    assert [(p.line, p.code, p.severity) for p in problems] == [
        (3, "unsupported", "warning"),
        (4, "unsupported", "warning"),
        (5, "unsupported", "warning"),
        (7, "unsupported", "warning"),
    ]


def test_library_type_unknown_accepts_movie_or_show_attributes(tmp_path: Path) -> None:
    files = {
        "config.yml": library("Library", "      - file: mixed.yml"),
        "mixed.yml": doc(
            "collections:",
            "  HBO:",
            "    plex_search: {all: {network: HBO}}",
            "  Cut:",
            "    plex_search: {all: {edition: Extended}}",
        ),
    }
    assert validate_config(write(tmp_path, files)) == []
    problems = validate_config(write(tmp_path, files), library_types={"Library": "movie"})
    assert [(p.line, p.code) for p in problems] == [(3, "wrong-library-type")]


def test_a_file_used_by_two_libraries_is_reported_once(tmp_path: Path) -> None:
    files = {
        "config.yml": doc(
            "libraries:",
            "  Movies:",
            "    collection_files: [shared.yml]",
            "  Films:",
            "    collection_files: [shared.yml]",
        ),
        "shared.yml": doc("collections:", "  A:", "    plex_all: true", "    sync_mode: mirror"),
    }
    problems = validate_config(write(tmp_path, files))
    assert [(Path(p.file).name, p.line, p.code) for p in problems] == [("shared.yml", 4, "schema-enum")]


def test_missing_config_file(tmp_path: Path) -> None:
    [problem] = validate_config(tmp_path / "config.yml")
    assert (problem.code, problem.line, problem.column) == ("missing-file", None, None)


def test_files_are_listed_config_first(tmp_path: Path) -> None:
    files = {
        "config.yml": library("Movies", "      - file: movies.yml", "      - default: nope"),
        "movies.yml": doc("collections:", "  A:", "    plex_all: true", "    sync_mode: mirror"),
    }
    problems = validate_config(write(tmp_path, files))
    assert [Path(p.file).name for p in problems] == ["config.yml", "movies.yml"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Movies", "movie"),
        ("4K Films", "movie"),
        ("TV Shows", "show"),
        ("Anime", "show"),
        ("Music", "artist"),
        ("Library", None),
    ],
)
def test_library_type_from_its_name(name: str, expected: str | None) -> None:
    assert guess_type(name) == expected
