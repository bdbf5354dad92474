"""`modules.validate` on single files: every invalid document is reported at its exact line:column and code.

Each case is one YAML document with one mistake. The first problem reported (and, unless a case says
otherwise, the only one) must be at the given line and column with the given code. Cross-file cases
(config.yml with the files it references) are in test_validate_config.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.validate import Problem, validate_text

ROOT = Path(__file__).resolve().parents[3]


def doc(*lines: str) -> str:
    """A YAML document from its lines (line 1 is the first argument)."""
    return "\n".join(lines) + "\n"


def case(
    kind: str, text: str, where: tuple[int, int, str], *, strict: bool = False, only: bool = True, id: str
):
    return pytest.param(kind, text, where, strict, only, id=id)


MOVIES = "libraries:\n  Movies:\n"

TEXT_CASES = [
    # ------------------------------------------------------------------ YAML syntax
    case(
        "config",
        doc("libraries:", "  Movies: [a, b", "settings: {}"),
        (3, 9, "yaml-syntax"),
        id="unclosed-flow-list",
    ),
    case(
        "config",
        doc("libraries:", "  Movies:", "   bad: 1", "  x: ["),
        (5, 1, "yaml-syntax"),
        id="unclosed-at-end",
    ),
    case("collection", doc("collections:", "\tA: 1"), (2, 1, "yaml-syntax"), id="tab-indent"),
    case(
        "collection",
        doc("collections:", "  A:", '    summary: "unclosed'),
        (4, 1, "yaml-syntax"),
        id="unclosed-quote",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "   summary: x"),
        (4, 4, "yaml-syntax"),
        id="bad-indent",
    ),
    case(
        "config",
        doc("libraries:", "  Movies:", "settings:", "  cache: true", "  cache: false"),
        (5, 3, "duplicate-key"),
        id="duplicate-setting",
    ),
    case(
        "config",
        doc("libraries:", "  Movies:", "    collection_files:", "  Movies:"),
        (4, 3, "duplicate-library"),
        id="duplicate-library",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "  A:", "    plex_all: true"),
        (4, 3, "duplicate-key"),
        id="duplicate-collection",
    ),
    case("collection", "", (1, 1, "empty-file"), id="empty-file"),
    case("collection", doc("just text"), (1, 1, "schema-type"), id="scalar-file"),
    # ------------------------------------------------------------------ config.yml: schema
    case(
        "config", doc("plex:", "  url: http://localhost:32400"), (1, 1, "schema-required"), id="no-libraries"
    ),
    case("config", doc("libraries: [Movies]"), (1, 1, "schema-type"), id="libraries-list"),
    case(
        "config",
        MOVIES + doc("settings:", "  sync_mode: mirror"),
        (4, 3, "schema-enum"),
        id="sync-mode-mirror",
    ),
    case(
        "config",
        MOVIES + doc("settings:", "  run_order: [operations, bogus]"),
        (4, 27, "schema-enum"),
        id="run-order-entry",
    ),
    case(
        "config",
        MOVIES + doc("settings:", "  minimum_items: -1"),
        (4, 3, "schema-value"),
        id="minimum-negative",
    ),
    case(
        "config",
        MOVIES + doc("settings:", "  cache_expiration: soon"),
        (4, 3, "schema-type"),
        id="expiration-text",
    ),
    case(
        "config",
        MOVIES + doc("settings:", "  overlay_artwork_quality: 150"),
        (4, 3, "schema-value"),
        id="artwork-quality-150",
    ),
    case(
        "config",
        MOVIES + doc("settings:", "  run_order: [collections, collections]"),
        (4, 3, "schema-value"),
        id="run-order-twice",
    ),
    case("config", MOVIES + doc("plex:", "  timeout: soon"), (4, 3, "schema-type"), id="plex-timeout-text"),
    case("config", MOVIES + doc("plex:", "  timeout: 0"), (4, 3, "schema-value"), id="plex-timeout-zero"),
    case(
        "config", MOVIES + doc("plex:", "  verify_ssl: maybe"), (4, 3, "schema-type"), id="verify-ssl-maybe"
    ),
    case(
        "config",
        MOVIES + doc("sonarr:", "  monitor: everything"),
        (4, 3, "schema-enum"),
        only=False,  # and `sonarr` is an `unsupported` warning: the engine does not use it
        id="sonarr-monitor",
    ),
    case("config", MOVIES + doc("webhooks:", "  error: 5"), (4, 3, "schema-type"), id="webhook-number"),
    case("config", MOVIES + doc("    template_variables: [a]"), (3, 5, "schema-type"), id="variables-list"),
    case("config", MOVIES + doc("    library_name: [a]"), (3, 5, "schema-type"), id="library-name-list"),
    case(
        "config", MOVIES + doc("    collection_files: 5"), (3, 5, "schema-type"), id="collection-files-number"
    ),
    case(
        "config",
        MOVIES + doc("    collections:", "      A: {plex_all: true}"),
        (3, 5, "not-allowed"),
        id="inline-collections",
    ),
    case(
        "config",
        MOVIES + doc("    collection_files:", "      - file: config/Movies.yml", "        default: genre"),
        (5, 9, "schema-value"),
        id="file-block-two-sources",
    ),
    case(
        "config",
        MOVIES + doc("    collection_files:", "      - template_variables: {use_all: false}"),
        (4, 9, "schema-required"),
        id="file-block-no-source",
    ),
    case(
        "config",
        MOVIES + doc("    collection_files:", "      - url: ftp://example.com/movies.yml"),
        (4, 9, "schema-value"),
        id="file-block-ftp",
    ),
    case(
        "config",
        MOVIES + doc("    collection_files:", "      - default: ''"),
        (4, 9, "schema-value"),
        id="file-block-empty-default",
    ),
    case(
        "config",
        MOVIES + doc("    schedule: fortnightly"),
        (3, 5, "bad-schedule"),
        id="library-schedule-word",
    ),
    case(
        "config",
        MOVIES + doc("settings:", "  sync_modes: sync"),
        (4, 3, "unknown-key"),
        strict=True,
        id="setting-typo",
    ),
    case(
        "config",
        MOVIES + doc("    collection_file:", "      - default: genre"),
        (3, 5, "unknown-key"),
        strict=True,
        id="library-key-typo",
    ),
    case(
        "config",
        MOVIES
        + doc("    operations:", "      - schedule: weekly(sunday)", "        mass_genre_updates: tmdb"),
        (5, 9, "unknown-key"),
        strict=True,
        only=False,
        id="operation-typo",
    ),
    # ------------------------------------------------------------------ config.yml: the engine's rules
    case(
        "config",
        MOVIES + doc("    schedule: weekly(funday)"),
        (3, 5, "bad-schedule"),
        id="library-schedule-day",
    ),
    case(
        "config",
        MOVIES + doc("    collection_files:", "      - default: genre", "        schedule: monthly(40)"),
        (5, 9, "bad-schedule"),
        id="file-block-schedule",
    ),
    case(
        "config",
        MOVIES + doc("plex:", "  url: localhost:32400"),
        (4, 3, "bad-value"),
        id="plex-url-no-scheme",
    ),
    case("config", MOVIES + doc("webhooks:", "  error: notaurl"), (4, 3, "bad-value"), id="webhook-not-url"),
    case("config", MOVIES + doc("settings:", "  ignore_imdb_ids: [nm1]"), (4, 3, "bad-value"), id="imdb-id"),
    # ------------------------------------------------------------------ collection files: schema
    case("collection", doc("collections: [A]"), (1, 1, "schema-type"), id="collections-list"),
    case(
        "collection",
        doc("collection:", "  A:", "    plex_all: true"),
        (1, 1, "unknown-key"),
        strict=True,
        id="top-level-typo",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    minimum_items: x"),
        (4, 5, "schema-type"),
        id="minimum-items-text",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    collection_order: weird"),
        (4, 5, "schema-enum"),
        id="collection-order",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    collection_mode: hidden"),
        (4, 5, "schema-enum"),
        id="collection-mode",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    sync_mode: mirror"),
        (4, 5, "schema-enum"),
        id="definition-sync-mode",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    delete_below_minimum: maybe"),
        (4, 5, "schema-type"),
        id="delete-below-maybe",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    label: {a: 1}"),
        (4, 5, "schema-type"),
        id="label-mapping",
    ),
    case(
        "collection", doc("collections:", "  A:", "    tmdb_list:"), (3, 5, "schema-type"), id="builder-blank"
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    sumary: typo"),
        (4, 5, "unknown-key"),
        strict=True,
        id="definition-typo",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    schedule: fortnightly"),
        (4, 5, "bad-schedule"),
        id="schedule-word",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    schedule: [daily, sometimes]"),
        (4, 23, "bad-schedule"),
        id="schedule-list-entry",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    visible_home: sometimes"),
        (4, 5, "bad-schedule"),
        id="visible-home",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    template: {studio: A24}"),
        (4, 5, "schema-required"),
        id="template-without-name",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    template:", "      - name: x", "      - y: 2"),
        (5, 9, "schema-required"),
        id="template-entry-without-name",
    ),
    case(
        "collection",
        doc(
            "collections:",
            "  A:",
            "    plex_search:",
            "      all:",
            "        genre: Action",
            "      limit: ten",
        ),
        (6, 7, "schema-type"),
        id="search-limit-text",
    ),
    case(
        "collection",
        doc(
            "collections:",
            "  A:",
            "    plex_search:",
            "      all:",
            "        genre: Action",
            "      limit: 0",
        ),
        (6, 7, "schema-value"),
        id="search-limit-zero",
    ),
    case(
        "collection",
        doc("dynamic_collections:", "  D:", "    type: nonsense"),
        (3, 5, "schema-enum"),
        id="dynamic-type-unknown",
    ),
    case(
        "collection",
        doc("dynamic_collections:", "  D:", "    title_format: <<key_name>>"),
        (2, 3, "schema-required"),
        id="dynamic-type-missing",
    ),
    case(
        "collection",
        doc(
            "templates:",
            "  T:",
            "    conditionals:",
            "      mode:",
            "        conditions:",
            "          - featured: true",
        ),
        (6, 13, "schema-required"),
        id="condition-without-value",
    ),
    case(
        "collection",
        doc("external_templates:", "  - path: templates.yml"),
        (2, 5, "schema-required"),
        id="external-block-without-source",
    ),
    # ------------------------------------------------------------------ collection files: the engine's rules
    case(
        "collection",
        doc("collections:", "  A:", "    plex_search:", "      all:", "        genres: Action"),
        (5, 9, "bad-builder-attribute"),
        id="search-attribute-typo",
    ),
    case(
        "collection",
        doc(
            "collections:",
            "  A:",
            "    plex_search:",
            "      all:",
            "        any:",
            "          year.within: 5",
        ),
        (6, 11, "bad-builder-attribute"),
        id="search-modifier-unknown",
    ),
    case(
        "collection",
        doc(
            "collections:",
            "  A:",
            "    plex_search:",
            "      all:",
            "        genre: Action",
            "      sort_by: ratingg.desc",
        ),
        (6, 7, "bad-builder-attribute"),
        id="search-sort-unknown",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_search:", "      all:", "        year: abc"),
        (5, 9, "bad-builder-value"),
        id="search-year-text",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_search:", "      all:", "        year.gte: [2000, 2001]"),
        (5, 9, "bad-builder-value"),
        id="search-comparison-list",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_search:", "      any: []"),
        (4, 7, "bad-builder-value"),
        id="search-empty-group",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    smart_filter:", "      any:", "        generes: Action"),
        (5, 9, "bad-builder-attribute"),
        id="smart-filter-typo",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    filters:", "      yeer: 2000"),
        (5, 7, "bad-builder-attribute"),
        id="filter-unknown",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    filters:", "      year.gtee: 2000"),
        (5, 7, "bad-builder-attribute"),
        id="filter-modifier-unknown",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    filters:", "      year.gtee: 2000"),
        (5, 7, "unknown-key"),
        strict=True,
        id="filter-modifier-unknown-strict",
    ),
    case(
        "collection",
        doc(
            "collections:",
            "  A:",
            "    plex_all: true",
            "    filters:",
            "      - genre: Action",
            "      - year: abc",
        ),
        (6, 9, "bad-builder-value"),
        id="filter-set-value",
    ),
    case(
        "collection",
        doc(
            "collections:",
            "  A:",
            "    plex_all: true",
            "    smart_filter:",
            "      all:",
            "        genre: Action",
        ),
        (4, 5, "invalid-definition"),
        id="smart-filter-with-builder",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    summary: no builder here"),
        (2, 3, "no-builder"),
        id="no-builder",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    ignore_imdb_ids: [nm123]"),
        (4, 5, "invalid-definition"),
        id="ignore-imdb-ids",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    plex_all: true", "    schedule: weekly(funday)"),
        (4, 5, "bad-schedule"),
        id="schedule-day",
    ),
    case(
        "collection",
        doc(
            "templates:",
            "  Studio:",
            "    plex_all: true",
            "collections:",
            "  A:",
            "    template: {name: Studioo}",
        ),
        (6, 16, "unknown-template"),
        id="template-unknown",
    ),
    case(
        "collection",
        doc("collections:", "  A:", "    template:", "      - name: nope"),
        (4, 9, "unknown-template"),
        id="template-unknown-in-list",
    ),
    case(
        "collection",
        doc("dynamic_collections:", "  G:", "    type: genre", "    template: nope"),
        (4, 5, "unknown-template"),
        id="dynamic-template-unknown",
    ),
    # ------------------------------------------------------------------ overlay, playlist and metadata files
    case(
        "overlay",
        doc(
            "overlays:",
            "  4K:",
            "    overlay:",
            "      name: 4K",
            "      horizontal_align: middle",
            "    plex_all: true",
        ),
        (5, 7, "schema-enum"),
        id="overlay-align",
    ),
    case(
        "overlay",
        doc(
            "overlays:",
            "  R:",
            "    overlay:",
            "      name: text(x)",
            "      font_color: red",
            "    plex_all: true",
        ),
        (5, 7, "schema-value"),
        id="overlay-colour",
    ),
    case(
        "overlay",
        doc(
            "overlays:",
            "  4K:",
            "    overlay:",
            "      name: 4K",
            "      horizontal_offset: wide",
            "    plex_all: true",
        ),
        (5, 7, "schema-type"),
        id="overlay-offset",
    ),
    case(
        "overlay",
        doc("templates:", "  T:", "    plex_all: true"),
        (1, 1, "schema-required"),
        id="overlay-none",
    ),
    case(
        "playlist",
        doc("playlists:", "  P:", "    trakt_list: https://trakt.tv/users/x/lists/y"),
        (2, 3, "schema-required"),
        id="playlist-without-libraries",
    ),
    case(
        "metadata",
        doc("metadata:", "  The Matrix:", "    sumary: typo"),
        (3, 5, "unknown-key"),
        strict=True,
        id="metadata-typo",
    ),
]


@pytest.mark.parametrize(("kind", "text", "where", "strict", "only"), TEXT_CASES)
def test_invalid_document_is_reported_at_its_place(
    kind: str, text: str, where: tuple[int, int, str], strict: bool, only: bool
) -> None:
    problems = validate_text(text, "doc.yml", kind, strict=strict)
    errors = [p for p in problems if p.severity == "error"]
    assert errors, f"the document should not validate: {problems}"
    first = errors[0]
    assert (first.file, first.line, first.column, first.code) == ("doc.yml", *where), problems
    if only:
        assert problems == errors and len(errors) == 1, problems


def test_there_are_enough_invalid_documents() -> None:
    from tests.unit.validate.test_validate_config import CONFIG_CASES

    assert len(TEXT_CASES) + len(CONFIG_CASES) >= 60


# --------------------------------------------------------------------------- messages, hints, severities


def test_message_and_hint_are_plain() -> None:
    [problem] = validate_text(MOVIES + doc("settings:", "  sync_mode: mirror"), "c.yml", "config")
    assert problem.message == "`sync_mode` must be one of: append, sync (got 'mirror')"
    assert problem.pointer == "/settings/sync_mode"
    [problem] = validate_text(
        doc("collections:", "  A:", "    plex_all: true", "    sort_titel: x"), "c.yml", strict=True
    )
    assert (problem.message, problem.hint) == (
        "unknown key `sort_titel` in `A`",
        "did you mean `sort_title`?",
    )
    [problem] = validate_text(
        doc("collections:", "  A:", "    plex_all: true", "    collection_mode: hid"), "c.yml"
    )
    assert problem.hint == "did you mean `hide`?"


def test_unknown_keys_are_warnings_unless_strict() -> None:
    text = doc("collections:", "  A:", "    plex_all: true", "    sumary: typo")
    [lenient] = validate_text(text, "c.yml")
    [strict] = validate_text(text, "c.yml", strict=True)
    assert (lenient.severity, lenient.code) == ("warning", "unknown-key")
    assert (strict.severity, strict.code) == ("error", "unknown-key")


def test_each_unknown_key_is_reported_at_its_own_place() -> None:
    text = doc("collections:", "  A:", "    plex_all: true", "    sumary: typo", "    lable: x")
    problems = validate_text(text, "c.yml", strict=True)
    assert [(p.line, p.column, p.pointer) for p in problems] == [
        (4, 5, "/collections/A/sumary"),
        (5, 5, "/collections/A/lable"),
    ]


def test_problems_are_sorted_by_line_and_deterministic() -> None:
    text = doc(
        "collections:",
        "  B:",
        "    plex_all: true",
        "    collection_mode: hidden",
        "  A:",
        "    plex_all: true",
        "    sync_mode: mirror",
        "    minimum_items: x",
    )
    first = validate_text(text, "c.yml")
    assert [(p.line, p.code) for p in first] == [(4, "schema-enum"), (7, "schema-enum"), (8, "schema-type")]
    assert validate_text(text, "c.yml") == first


def test_kind_is_detected_from_top_level_keys() -> None:
    assert (
        validate_text(doc("libraries:", "  Movies:", "settings:", "  sync_mode: x"), "a.yml")[0].code
        == "schema-enum"
    )
    overlay = doc("overlays:", "  4K:", "    overlay:", "      name: 4K", "      horizontal_align: middle")
    assert validate_text(overlay, "a.yml")[0].code == "schema-enum"
    assert (
        validate_text(doc("playlists:", "  P:", "    plex_all: true"), "a.yml")[0].code == "schema-required"
    )
    with pytest.raises(ValueError, match="kind must be one of"):
        validate_text("a: 1\n", "a.yml", "settings")


def test_text_format_and_json_shape() -> None:
    problem = Problem(
        "c.yml", 4, 5, "/a", "error", "schema-enum", "`a` must be one of: x", "did you mean `x`?"
    )
    assert str(problem) == "c.yml:4:5: error[schema-enum]: `a` must be one of: x (did you mean `x`?)"
    assert list(problem.to_dict()) == [
        "file",
        "line",
        "column",
        "pointer",
        "severity",
        "code",
        "message",
        "hint",
    ]


# --------------------------------------------------------------------------- the shipped files are clean


SHIPPED = sorted((ROOT / "defaults").rglob("*.yml")) + sorted((ROOT / "config-repo").rglob("*.yml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_file_validates_clean(path: Path) -> None:
    problems = validate_text(path.read_text(encoding="utf-8"), str(path), strict=True)
    if path.name == "config.yml":  # its <<plex_url>> and <<plextoken>> come from the environment
        assert {(p.severity, p.code) for p in problems} == {("warning", "placeholder")}, problems
        assert len(problems) == 2
    else:
        assert problems == []


def test_yaml_the_engine_reads_is_read_the_same_way() -> None:
    """libyaml refuses `https://...` inside a flow list, ruamel (the engine's parser) accepts it: so do we."""
    text = MOVIES + doc("webhooks:", "  run_end: [https://example.com/a, https://example.com/b]")
    assert validate_text(text, "c.yml") == []


def test_positions_follow_anchors_and_merge_keys() -> None:
    text = doc(
        "templates:",
        "  base: &base",
        "    collection_mode: hidden",
        "collections:",
        "  A:",
        "    <<: *base",
        "    plex_all: true",
    )
    problems = validate_text(text, "c.yml")
    assert [(p.line, p.column, p.code, p.pointer) for p in problems] == [
        (3, 5, "schema-enum", "/collections/A/collection_mode")
    ]


def test_placeholder_warnings_name_the_secret_store_and_the_engines_environment() -> None:
    """The starter config's <<plextoken>>: the hint says where the value may live, both places, the same
    way as the panel's secret scan."""
    problems = validate_text((ROOT / "config-repo" / "config.yml").read_text(encoding="utf-8"), "config.yml")
    token = next(p for p in problems if p.pointer == "/plex/token")
    assert "panel's secret store" in token.message and "KOMETA_PLEXTOKEN" in token.message
    assert token.hint is not None
    assert "PUT /api/secrets/plextoken" in token.hint and "KOMETA_PLEXTOKEN" in token.hint
    assert "--kometa-plextoken" in token.hint and "where the engine runs" in token.hint
