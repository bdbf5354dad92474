"""config.yml loading: every part, secrets, legacy keys, unsupported keys, and exact error messages."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

from modules.config import Config, FileRef, PlexConfig, Settings, load_config
from modules.config_settings import RUN_ORDER
from modules.errors import ConfigError, Location
from modules.schedule import Daily, Weekly

PLEX = """\
plex:
  url: http://localhost:32400
  token: abc
"""
SECRETS = {"plextoken": "TOKEN", "PLEXTOKEN": "TOKEN"}


def write(tmp_path: Path, text: str, name: str = "config.yml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, secrets: Mapping[str, str] = SECRETS) -> Config:
    return load_config(write(tmp_path, text), secrets)


def fails(tmp_path: Path, text: str, secrets: Mapping[str, str] = SECRETS) -> str:
    """The error message, with the config path shortened to `config.yml`."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, secrets)
    return str(info.value).replace(str(path), "config.yml")


def at(tmp_path: Path, line: int, column: int) -> Location:
    return Location(str(tmp_path / "config.yml"), line, column)


# --------------------------------------------------------------------------- happy path

FULL = """\
libraries:
  Movies:
    library_name: Films
    collection_files:
      - file: Movies.yml
      - folder: collections
      - default: genre
        template_variables:
          use_other: false
          secret_looking: <<not_a_secret>>
        schedule: weekly(monday)
      - url: https://example.com/raw/file.yml
      - git: someone/file
      - repo: file
      - Bare.yml
    template_variables:
      language: fr
      sep: <<nope>>
    schedule: weekly(sunday)
    settings:
      minimum_items: 5
      ignore_ids: 10, 11
    webhooks:
      changes: https://hooks.example/changes
  TV Shows:
    collection_files: Shows.yml
    plex:
      url: http://other:32400/
      timeout: 30
settings:
  sync_mode: sync
  run_order: [collections, operations]
  minimum_items: 2
  delete_below_minimum: true
  default_collection_order: release
  asset_directory: config/assets
  ignore_ids: [1, 2]
  ignore_imdb_ids: tt0111161
  item_refresh_delay: 3
  custom_repo: https://github.com/me/configs
  asset_folders: true
  run_again_delay: 2
plex:
  url: http://localhost:32400
  token: <<plextoken>>
  verify_ssl: "false"
webhooks:
  run_start: https://hooks.example/start
  run_end: [https://hooks.example/end, https://hooks.example/end2]
  error: notifiarr
"""


def test_full_config(tmp_path: Path) -> None:
    config = load(tmp_path, FULL)
    assert config.path == tmp_path / "config.yml"
    assert config.directory == tmp_path
    assert list(config.libraries) == ["Movies", "TV Shows"]
    assert config.plex == PlexConfig("http://localhost:32400", "TOKEN", 60, False)
    settings = config.settings
    assert settings.sync_mode == "sync"
    assert settings.run_order == ["collections", "operations", "metadata", "overlays"]
    assert settings.minimum_items == 2
    assert settings.delete_below_minimum is True
    assert settings.default_collection_order == "release"
    assert settings.asset_directory == ["config/assets"]
    assert settings.ignore_ids == [1, 2]
    assert settings.ignore_imdb_ids == ["tt0111161"]
    assert settings.item_refresh_delay == 3
    assert settings.custom_repo == "https://github.com/me/configs"
    assert settings.extra == {"asset_folders": True, "run_again_delay": 2}
    assert config.webhooks.run_start == ["https://hooks.example/start"]
    assert config.webhooks.run_end == ["https://hooks.example/end", "https://hooks.example/end2"]
    assert config.webhooks.error == []
    assert config.webhooks.named == {"error": ["notifiarr"]}
    assert config.unsupported == [("webhooks.error: notifiarr", at(tmp_path, 50, 3))]


def test_full_config_libraries(tmp_path: Path) -> None:
    config = load(tmp_path, FULL)
    movies = config.libraries["Movies"]
    assert (movies.name, movies.library_name, movies.location) == ("Movies", "Films", at(tmp_path, 2, 3))
    assert movies.template_variables == {"language": "fr", "sep": "<<nope>>"}
    assert movies.schedule is not None and movies.schedule.options == (Weekly((6,)),)
    assert movies.settings.minimum_items == 5
    assert movies.settings.sync_mode == "sync"
    assert movies.settings.ignore_ids == [1, 2, 10, 11]
    assert movies.plex == config.plex
    assert movies.changes_webhooks == ["https://hooks.example/changes"]
    assert movies.unsupported == []
    kinds = [(r.kind, r.value) for r in movies.collection_files]
    assert kinds == [
        ("file", "Movies.yml"),
        ("folder", "collections"),
        ("default", "genre"),
        ("url", "https://example.com/raw/file.yml"),
        ("git", "someone/file"),
        ("repo", "file"),
        ("file", "Bare.yml"),
    ]
    tv = config.libraries["TV Shows"]
    assert tv.library_name == "TV Shows"
    assert tv.plex == PlexConfig("http://other:32400", "TOKEN", 30, False)
    assert [(r.kind, r.value, r.location) for r in tv.collection_files] == [
        ("file", "Shows.yml", at(tmp_path, 26, 5))
    ]
    assert tv.settings == config.settings


def test_file_refs(tmp_path: Path) -> None:
    refs = load(tmp_path, FULL).libraries["Movies"].collection_files
    assert refs[0] == FileRef("file", "Movies.yml", {}, None, at(tmp_path, 5, 9), tmp_path / "Movies.yml")
    assert refs[1].path == tmp_path / "collections"
    genre = refs[2]
    assert genre.template_variables == {"use_other": False, "secret_looking": "<<not_a_secret>>"}
    assert genre.schedule is not None and genre.schedule.options == (Weekly((0,)),)
    assert genre.location == at(tmp_path, 7, 9)
    assert genre.path is None
    assert refs[6].location == at(tmp_path, 15, 9)
    assert refs[6].path == tmp_path / "Bare.yml"


def test_minimal_config_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, PLEX + "libraries:\n  Movies:\n")
    assert config.settings == Settings()
    assert config.webhooks.changes == [] and config.webhooks.named == {}
    movies = config.libraries["Movies"]
    assert movies.collection_files == [] and movies.template_variables == {} and movies.schedule is None


def test_settings_code_defaults() -> None:
    settings = Settings()
    assert settings.sync_mode == "append"
    assert settings.minimum_items == 1
    assert settings.delete_below_minimum is False and settings.delete_not_scheduled is False
    assert settings.default_collection_order is None
    assert settings.run_order == list(RUN_ORDER) == ["operations", "metadata", "collections", "overlays"]
    assert (settings.show_unmanaged, settings.show_unconfigured, settings.show_missing) == (True, True, True)
    assert (settings.show_filtered, settings.show_unfiltered, settings.show_options) == (False, False, False)
    assert (settings.item_refresh_delay, settings.cache, settings.cache_expiration) == (0, True, 60)
    assert (settings.ignore_ids, settings.ignore_imdb_ids, settings.asset_directory) == ([], [], None)
    assert (settings.save_report, settings.playlist_report, settings.custom_repo) == (False, True, None)


def test_library_schedule_string(tmp_path: Path) -> None:
    config = load(tmp_path, PLEX + "libraries:\n  Movies:\n    schedule: daily\n")
    schedule = config.libraries["Movies"].schedule
    assert schedule is not None and schedule.options == (Daily(),)


def test_library_plex_only(tmp_path: Path) -> None:
    text = "libraries:\n  Movies:\n    plex:\n      url: http://p:1\n      token: t\n"
    config = load(tmp_path, text)
    assert config.plex is None
    assert config.libraries["Movies"].plex == PlexConfig("http://p:1", "t")


def test_plex_env(tmp_path: Path) -> None:
    text = "plex:\n  url: env\n  token: env\nlibraries:\n  Movies:\n"
    config = load(tmp_path, text, {"plex_url": "http://envplex:32400/", "plex_token": "envtoken"})
    assert config.plex == PlexConfig("http://envplex:32400", "envtoken")


def test_secrets_substituted_everywhere_but_template_variables(tmp_path: Path) -> None:
    text = """\
    plex:
      url: http://<<HOST>>:32400
      token: <<PlexToken>>
    libraries:
      Movies:
        collection_files:
          - url: https://example.com/<<path>>.yml
            template_variables:
              key: <<path>>
        template_variables:
          other: <<missing>>
    settings:
      minimum_items: <<min>>
    """
    secrets = {"host": "plex.lan", "plextoken": "T", "path": "p", "min": "4"}
    config = load(tmp_path, text, secrets)
    assert config.plex == PlexConfig("http://plex.lan:32400", "T")
    movies = config.libraries["Movies"]
    assert movies.collection_files[0].value == "https://example.com/p.yml"
    assert movies.collection_files[0].template_variables == {"key": "<<path>>"}
    assert movies.template_variables == {"other": "<<missing>>"}
    assert config.settings.minimum_items == 4


def test_collection_files_as_one_string(tmp_path: Path) -> None:
    config = load(tmp_path, PLEX + "libraries:\n  Movies:\n    collection_files: Movies\n")
    assert [(r.kind, r.value, r.path) for r in config.libraries["Movies"].collection_files] == [
        ("file", "Movies", tmp_path / "Movies")
    ]


def test_relative_paths_resolve_against_config_dir(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "Movies.yml").write_text("collections: {}\n")
    text = (
        PLEX
        + "libraries:\n  Movies:\n    collection_files:\n      - file: config/Movies.yml\n      - file: sub/x.yml\n      - file: /abs/y.yml\n"
    )
    path = write(tmp_path, text, "config/config.yml")
    refs = load_config(path, {}).libraries["Movies"].collection_files
    # Kometa-style `config/...` paths work when the config directory is itself called config/.
    assert refs[0].path == tmp_path / "config" / "Movies.yml"
    assert refs[1].path == tmp_path / "config" / "sub" / "x.yml"
    assert refs[2].path == Path("/abs/y.yml")


def test_legacy_file_kinds(tmp_path: Path) -> None:
    text = (
        PLEX + "libraries:\n  Movies:\n    collection_files:\n      - pmm: genre\n      - git: PMM/studio\n"
    )
    refs = load(tmp_path, text).libraries["Movies"].collection_files
    assert [(r.kind, r.value) for r in refs] == [("default", "genre"), ("default", "studio")]


# --------------------------------------------------------------------------- legacy migrations


def test_legacy_migrations(tmp_path: Path) -> None:
    text = """\
    cache: false
    cache_expiration: 30
    plex:
      url: http://localhost:32400
      token: abc
      sync_mode: sync
      show_missing: false
      save_missing: true
      asset_directory: assets
    settings:
      collection_minimum: 7
      playlist_sync_to_user: all
    libraries:
      Movies:
        settings:
          collection_minimum: 3
    """
    config = load(tmp_path, text)
    s = config.settings
    assert (s.cache, s.cache_expiration, s.sync_mode, s.show_missing) == (False, 30, "sync", False)
    assert (s.save_report, s.asset_directory, s.minimum_items) == (True, ["assets"], 7)
    assert s.extra == {"playlist_sync_to_users": "all"}
    assert config.libraries["Movies"].settings.minimum_items == 3
    assert config.migrated == [
        ("cache is now settings.cache", at(tmp_path, 1, 1)),
        ("cache_expiration is now settings.cache_expiration", at(tmp_path, 2, 1)),
        ("plex.sync_mode is now settings.sync_mode", at(tmp_path, 6, 3)),
        ("plex.show_missing is now settings.show_missing", at(tmp_path, 7, 3)),
        ("plex.save_missing is now settings.save_report", at(tmp_path, 8, 3)),
        ("plex.asset_directory is now settings.asset_directory", at(tmp_path, 9, 3)),
        ("settings.collection_minimum is now settings.minimum_items", at(tmp_path, 11, 3)),
        ("settings.playlist_sync_to_user is now settings.playlist_sync_to_users", at(tmp_path, 12, 3)),
        (
            "libraries.Movies.settings.collection_minimum is now libraries.Movies.settings.minimum_items",
            at(tmp_path, 16, 7),
        ),
    ]
    assert config.unsupported == []


def test_current_name_wins_over_legacy(tmp_path: Path) -> None:
    text = PLEX + "settings:\n  minimum_items: 4\n  collection_minimum: 9\nlibraries:\n  Movies:\n"
    assert load(tmp_path, text).settings.minimum_items == 4
    text = "cache: false\nsettings:\n  cache: true\n" + PLEX + "libraries:\n  M:\n"
    assert load(tmp_path, text).settings.cache is True


def test_legacy_webhooks_join_changes(tmp_path: Path) -> None:
    text = (
        PLEX
        + "libraries:\n  M:\nwebhooks:\n  collection_creation: https://a\n  changes: [https://a, https://b]\n"
    )
    assert load(tmp_path, text).webhooks.changes == ["https://a", "https://b"]


# --------------------------------------------------------------------------- unsupported keys


def test_unsupported_keys_listed_with_locations(tmp_path: Path) -> None:
    text = """\
    plex:
      url: http://localhost:32400
      token: abc
      db_cache: 4096
      clean_bundles: false
    tmdb:
      apikey: x
    playlist_files:
      - default: playlist
    trakt:
      client_id: x
    settings:
      mystery: 1
    webhooks:
      version: https://v
    libraries:
      Movies:
        metadata_files:
          - file: meta.yml
        overlay_files:
          - default: ribbon
        operations:
          mass_genre_update: tmdb
        remove_overlays: false
        radarr:
          url: http://r
        typo_key: 1
        collection_files:
          - file: a.yml
            asset_directory: assets
        settings:
          cache: false
    """
    config = load(tmp_path, text)
    assert config.unsupported == [
        ("settings.mystery", at(tmp_path, 13, 3)),
        ("plex.db_cache", at(tmp_path, 4, 3)),
        ("webhooks.version", at(tmp_path, 15, 3)),
        ("tmdb", at(tmp_path, 6, 1)),
        ("playlist_files", at(tmp_path, 8, 1)),
        ("trakt", at(tmp_path, 10, 1)),
    ]
    assert config.libraries["Movies"].unsupported == [
        ("libraries.Movies.metadata_files", at(tmp_path, 18, 5)),
        ("libraries.Movies.overlay_files", at(tmp_path, 20, 5)),
        ("libraries.Movies.operations", at(tmp_path, 22, 5)),
        ("libraries.Movies.remove_overlays", at(tmp_path, 24, 5)),
        ("libraries.Movies.radarr", at(tmp_path, 25, 5)),
        ("libraries.Movies.typo_key", at(tmp_path, 27, 5)),
        ("libraries.Movies.collection_files[0].asset_directory", at(tmp_path, 30, 9)),
        ("libraries.Movies.settings.cache", at(tmp_path, 32, 7)),
    ]
    assert config.settings.extra == {"mystery": 1}


def test_placeholder_case_and_missing_secret(tmp_path: Path) -> None:
    text = (
        "plex:\n  url: http://p\n  token: <<PLEXTOKEN>>\nlibraries:\n  M:\n    library_name: <<Lib_Name>>\n"
    )
    assert (
        load(tmp_path, text, {"plextoken": "T", "lib_name": "Films"}).libraries["M"].library_name == "Films"
    )
    assert (
        fails(tmp_path, text)
        == "config.yml:6:5: libraries.M.library_name uses <<Lib_Name>>, but KOMETA_LIB_NAME is not set"
    )


def test_placeholders_in_unused_parts_are_left_alone(tmp_path: Path) -> None:
    text = """\
    tmdb:
      apikey: <<tmdb_key>>
    plex:
      url: http://p
      token: <<plextoken>>
    libraries:
      Movies:
        radarr:
          token: <<radarr_token>>
        collection_files:
          - file: <<folder>>/a.yml
    """
    config = load(tmp_path, text, {"plextoken": "T", "folder": "cols"})
    assert config.libraries["Movies"].collection_files[0].value == "cols/a.yml"
    assert [key for key, _ in config.libraries["Movies"].unsupported] == ["libraries.Movies.radarr"]


def test_null_values_mean_defaults(tmp_path: Path) -> None:
    text = PLEX + (
        "settings:\n  minimum_items:\n  sync_mode:\nlibraries:\n  Movies:\n    schedule:\n    library_name:\n"
        "    template_variables:\n    collection_files:\n      - file: a.yml\n        schedule:\n"
    )
    config = load(tmp_path, text)
    assert config.settings == Settings()
    movies = config.libraries["Movies"]
    assert (movies.schedule, movies.library_name, movies.template_variables) == (None, "Movies", {})
    assert movies.collection_files[0].schedule is None
