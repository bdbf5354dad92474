"""Files Kometa 2.4 accepts, run by the engine against plexsim (issue 13, items 6-13).

Each test states what Kometa does with the file; the collection is read back through plexapi and its
members compared with a plain-Python reading of `plexsim.dataset.generate()` (the `movies` fixture).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.report import RunReport
from plexsim.model import Item
from tests.support.engine_e2e import Engine, has, keys
from tests.support.engine_run import TOKEN, collection_report, local_http, run_kometa

MOVIES = """\
external_templates:
  file: shared.yml
  template_variables: {prefix: '!'}
templates:
  Genre:
    summary: <<summary_text>>
    sort_title: '!<<genre>>'
    plex_search:
      all: {genre: <<genre>>}
collections:
  Validated Off:
    smart_filter:
      validate: false
      all: {genre: Horror}
  Shuffled Westerns:
    plex_search: {all: {genre: Western}}
    collection_order: random
  Separated:
    template: {name: separator}
  Own Summary:
    template: {name: Genre, genre: War}
    summary: Written in the definition
  Thirties:
    decade: 1930
  Bare Any:
    genre: [Western, War]
  Smart Settings Inside:
    smart_filter:
      minimum_items: 1
      collection_filtering: user
      all: {genre: Comedy}
  Blank Poster:
    plex_search: {all: {genre: Drama}}
    url_poster:
    summary:
metadata:
  Some Movie:
    edition: Extended
"""
SHARED = """\
templates:
  separator:
    sort_title: <<prefix>>Separator
    plex_all: true
    limit: 3
"""


@pytest.fixture(scope="module")
def built(shared_engine: Engine) -> RunReport:
    shared_engine.write("shared.yml", SHARED)
    return shared_engine.run_files(movies=MOVIES)


def where(items: list[Item], pred: object) -> set[int]:
    return {m.rating_key for m in items if pred(m)}  # type: ignore[operator]


def test_nothing_fails(built: RunReport) -> None:
    assert [c.name for lib in built.libraries for c in lib.collections if c.status == "error"] == []


def test_smart_filter_with_validate_false(
    shared_engine: Engine, built: RunReport, movies: list[Item]
) -> None:
    """Kometa: `validate: false` only turns off the check of tag values; the smart collection is built."""
    collection = shared_engine.collection("Validated Off")
    assert collection.smart
    assert set(shared_engine.members("Validated Off")) == where(movies, has("genre", "Horror"))


def test_collection_order_random(shared_engine: Engine, built: RunReport, movies: list[Item]) -> None:
    """Kometa: `random` is one of the sorts collection_order takes; the members are the search's."""
    assert set(shared_engine.members("Shuffled Westerns")) == where(movies, has("genre", "Western"))
    assert shared_engine.collection("Shuffled Westerns").collectionSort == 2  # custom order


def test_external_templates_written_as_one_mapping(
    shared_engine: Engine, built: RunReport, movies: list[Item]
) -> None:
    """Kometa wraps a single external_templates block in a list, so its `separator` template exists."""
    collection = shared_engine.collection("Separated")
    assert collection.titleSort == "!Separator"
    assert set(shared_engine.members("Separated")) == set(keys(movies[:3]))  # the first three by sort title


def test_template_keys_the_definition_sets_are_skipped(
    shared_engine: Engine, built: RunReport, movies: list[Item]
) -> None:
    """Kometa skips the template's `summary: <<summary_text>>`, as the definition sets summary itself."""
    collection = shared_engine.collection("Own Summary")
    assert (collection.summary, collection.titleSort) == ("Written in the definition", "!War")
    assert set(shared_engine.members("Own Summary")) == where(movies, has("genre", "War"))


def test_bare_attribute_is_a_plex_search(shared_engine: Engine, built: RunReport, movies: list[Item]) -> None:
    """Kometa runs `decade: 1930` as plex_search {any: {decade: 1930}}: a regular collection."""
    thirties = where(movies, lambda m: m.year is not None and 1930 <= m.year <= 1939)
    assert thirties
    assert not shared_engine.collection("Thirties").smart
    assert set(shared_engine.members("Thirties")) == thirties
    assert set(shared_engine.members("Bare Any")) == where(movies, has("genre", "Western", "War"))


def test_settings_inside_smart_filter_are_ignored(
    shared_engine: Engine, built: RunReport, movies: list[Item]
) -> None:
    """Kometa ignores minimum_items and collection_filtering inside a smart_filter; the search still runs."""
    assert shared_engine.collection("Smart Settings Inside").smart
    assert set(shared_engine.members("Smart Settings Inside")) == where(movies, has("genre", "Comedy"))
    report = collection_report(built, "Smart Settings Inside")
    assert any(
        "smart_filter.minimum_items is ignored" in w for w in built.libraries[0].warnings + report.warnings
    )


def test_blank_attributes_are_skipped(shared_engine: Engine, built: RunReport, movies: list[Item]) -> None:
    """Kometa skips `url_poster:` and `summary:` left blank, with a warning, and builds the collection."""
    assert set(shared_engine.members("Blank Poster")) == where(movies, has("genre", "Drama"))
    assert shared_engine.collection("Blank Poster").summary == ""
    warnings = collection_report(built, "Blank Poster").warnings
    assert any("'url_poster' is blank" in w for w in warnings), warnings


def test_metadata_section_does_not_stop_the_file(built: RunReport) -> None:
    """Kometa reads metadata: in a collection file; here its edits are skipped with a warning only."""
    assert any("metadata edits are not applied" in w for w in built.libraries[0].warnings)


# --------------------------------------------------------------------------- git: and repo:

GENRES = b"""\
collections:
  Community Westerns:
    sort_title: '!Community'
    plex_search: {all: {genre: Western}}
"""


def test_git_and_repo_files_are_downloaded_kept_and_used_offline(
    engine: Engine, tmp_path: Path, movies: list[Item]
) -> None:
    """Kometa reads `git: user/path` from the community repository and `repo: path` under custom_repo."""
    cache = tmp_path / "kept"
    libraries = "Movies:\n  collection_files:\n    - git: someone/Genres\n    - repo: Wars\n"
    with local_http() as host:
        host.files["/community/someone/Genres.yml"] = GENRES
        host.files["/mine/Wars.yml"] = b"collections:\n  My Wars:\n    plex_search: {all: {genre: War}}\n"
        engine.write_config(libraries=libraries, settings=f"custom_repo: {host.url}/mine/")
        options = {"community_url": f"{host.url}/community", "cache_dir": cache}
        report = engine.run(**options)
        assert host.gets == ["/community/someone/Genres.yml", "/mine/Wars.yml"]
    assert report.libraries[0].errors == []
    westerns = where(movies, has("genre", "Western"))
    assert set(engine.members("Community Westerns")) == westerns
    assert engine.collection("Community Westerns").titleSort == "!Community"
    assert set(engine.members("My Wars")) == where(movies, has("genre", "War"))
    # The host is gone: the kept copies are used, with a warning each.
    offline = engine.run(**options)
    assert offline.libraries[0].errors == []
    assert [w for w in offline.libraries[0].warnings if "using the copy kept in" in w] != []
    assert {c.name: c.status for c in offline.libraries[0].collections} == {
        "Community Westerns": "unchanged",
        "My Wars": "unchanged",
    }


def test_git_file_offline_without_a_kept_copy_fails_that_block_only(engine: Engine, tmp_path: Path) -> None:
    with local_http() as host:
        gone = host.url
    engine.write("movies.yml", "collections:\n  Local:\n    plex_all: true\n    limit: 2\n")
    engine.write_config(
        libraries="Movies:\n  collection_files:\n    - git: someone/Genres\n    - file: movies.yml\n"
    )
    report = engine.run(community_url=f"{gone}/community", cache_dir=tmp_path / "kept")
    [error] = report.libraries[0].errors
    assert f"git: someone/Genres: cannot download {gone}/community/someone/Genres.yml" in error
    assert "no copy is kept" in error
    assert [c.name for c in report.libraries[0].collections] == ["Local"]


def test_kometa_py_reads_the_community_base_and_cache_from_the_environment(
    engine: Engine, tmp_path: Path, movies: list[Item]
) -> None:
    """KOMETA_COMMUNITY_URL and KOMETA_CACHE_DIR reach `--run`; `--validate` then checks the kept copy."""
    engine.write_config(libraries="Movies:\n  collection_files:\n    - git: someone/Genres\n")
    cache = tmp_path / "kept"
    with local_http() as host:
        host.files["/community/someone/Genres.yml"] = GENRES
        env = {
            "KOMETA_PLEX_URL": engine.url,
            "KOMETA_PLEXTOKEN": TOKEN,
            "KOMETA_COMMUNITY_URL": f"{host.url}/community",
            "KOMETA_CACHE_DIR": str(cache),
        }
        done = run_kometa(["--run", "--config", str(engine.config_path)], env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(engine.members("Community Westerns")) == where(movies, has("genre", "Western"))
    [kept] = (cache / "remote").iterdir()
    kept.write_text(GENRES.decode().replace("plex_search:", "plex_serch:"), encoding="utf-8")
    checked = run_kometa(["--validate", "--config", str(engine.config_path)], env=env)
    assert f"{kept}:4:5: warning[unknown-key]" in checked.stdout, checked.stdout
