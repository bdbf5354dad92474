"""The JSON Schemas in schemas/: well-formed, documented, and right about what users really write.

Documents are loaded the way the validator loads them: YAML through ruamel (typ=safe), then made
JSON-like (mapping keys as text, YAML dates as ISO strings), then validated with the 2020-12 validator
and a `referencing` registry holding every schema file.
"""

from __future__ import annotations

import datetime
import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_DIR = ROOT / "schemas"
SCHEMA_FILES = ("common", "config", "collection", "overlay", "playlist", "metadata")
SCHEMAS: dict[str, dict[str, Any]] = {
    name: json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8")) for name in SCHEMA_FILES
}
REGISTRY: Registry = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values()
)
VALIDATORS = {name: Draft202012Validator(schema, registry=REGISTRY) for name, schema in SCHEMAS.items()}

# Reference §3.4: the 126 builder names every collection definition must accept as keys, by source.
BUILDERS_BY_SOURCE = {
    "plex": "plex_all plex_watchlist plex_pilots plex_collectionless plex_search",
    "tmdb": "tmdb_company tmdb_discover tmdb_keyword tmdb_network tmdb_airing_today tmdb_popular tmdb_top_rated "
    "tmdb_now_playing tmdb_on_the_air tmdb_trending_daily tmdb_trending_weekly tmdb_upcoming tmdb_actor "
    "tmdb_collection tmdb_crew tmdb_director tmdb_list tmdb_movie tmdb_producer tmdb_show tmdb_writer "
    "tmdb_actor_details tmdb_collection_details tmdb_crew_details tmdb_director_details tmdb_list_details "
    "tmdb_movie_details tmdb_producer_details tmdb_show_details tmdb_writer_details",
    "tvdb": "tvdb_list tvdb_list_details tvdb_movie tvdb_movie_details tvdb_show tvdb_show_details",
    "imdb": "imdb_list imdb_id imdb_chart imdb_watchlist imdb_search imdb_award",
    "trakt": "trakt_list trakt_list_details trakt_chart trakt_userlist trakt_boxoffice trakt_recommendations "
    "trakt_collected_daily trakt_collected_weekly trakt_collected_monthly trakt_collected_yearly "
    "trakt_collected_all trakt_recommended_daily trakt_recommended_weekly trakt_recommended_monthly "
    "trakt_recommended_yearly trakt_recommended_all trakt_watched_daily trakt_watched_weekly "
    "trakt_watched_monthly trakt_watched_yearly trakt_watched_all trakt_collection trakt_anticipated "
    "trakt_popular trakt_trending trakt_watchlist",
    "mdblist": "mdblist_list",
    "letterboxd": "letterboxd_list letterboxd_list_details letterboxd_user_films letterboxd_user_films_details "
    "letterboxd_user_reviews letterboxd_user_reviews_details",
    "icheckmovies": "icheckmovies_list icheckmovies_list_details",
    "anidb": "anidb_id anidb_relation anidb_tag anidb_tag_name",
    "anilist": "anilist_id anilist_popular anilist_trending anilist_relations anilist_studio anilist_top_rated "
    "anilist_search anilist_userlist",
    "mal": "mal_id mal_all mal_airing mal_upcoming mal_tv mal_ova mal_movie mal_special mal_popular mal_favorite "
    "mal_season mal_suggested mal_userlist mal_genre mal_studio mal_search",
    "mojo": "mojo_world mojo_domestic mojo_international mojo_record mojo_all_time mojo_never",
    "stevenlu": "stevenlu_popular",
    "tautulli": "tautulli_popular tautulli_watched",
    "radarr": "radarr_all radarr_taglist",
    "sonarr": "sonarr_all sonarr_taglist",
    "simkl": "simkl_trending simkl_dvd",
    "textfile": "text_file",
}
SOURCE_COUNTS = {
    "plex": 5,
    "tmdb": 30,
    "tvdb": 6,
    "imdb": 6,
    "trakt": 26,
    "letterboxd": 6,
    "anilist": 8,
    "mal": 16,
}
BUILDER_NAMES = [name for names in BUILDERS_BY_SOURCE.values() for name in names.split()]

# Keywords whose values are subschemas (or maps / lists of them); everything else is data.
SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_LIST_KEYWORDS = ("anyOf", "allOf", "oneOf", "prefixItems")
SCHEMA_KEYWORDS = (
    "additionalProperties",
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
)


def subschemas(schema: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (path, subschema) in a schema, the schema itself first."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for keyword in SCHEMA_MAP_KEYWORDS:
        for name, sub in schema.get(keyword, {}).items():
            yield from subschemas(sub, f"{path}/{keyword}/{name}")
    for keyword in SCHEMA_LIST_KEYWORDS:
        for index, sub in enumerate(schema.get(keyword, [])):
            yield from subschemas(sub, f"{path}/{keyword}/{index}")
    for keyword in SCHEMA_KEYWORDS:
        if keyword in schema:
            yield from subschemas(schema[keyword], f"{path}/{keyword}")


def plain(value: Any) -> Any:
    """A YAML value as JSON sees it: keys as text (YAML allows numbers), dates as ISO strings."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def load(text: str) -> Any:
    return plain(YAML(typ="safe", pure=True).load(textwrap.dedent(text)))


def pointer(path: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def errors(kind: str, document: Any) -> list[tuple[str, str, str]]:
    """(JSON pointer, failing keyword, message) of every error, sorted by pointer."""
    found = VALIDATORS[kind].iter_errors(document)
    return sorted((pointer(e.absolute_path), str(e.validator), e.message) for e in found)


def described_properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, sub in subschemas(schema):
        for keyword in ("properties", "patternProperties"):
            for name, prop in sub.get(keyword, {}).items():
                yield f"{path}/{keyword}/{name}", prop


# --------------------------------------------------------------------------- the schemas themselves


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_is_valid_2020_12(name: str) -> None:
    schema = SCHEMAS[name]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"/schemas/{name}.json"
    assert schema.get("title") and schema.get("description")


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_every_ref_resolves(name: str) -> None:
    resolver = REGISTRY.resolver(base_uri=SCHEMAS[name]["$id"])
    refs = [(path, sub["$ref"]) for path, sub in subschemas(SCHEMAS[name]) if "$ref" in sub]
    assert refs
    for path, ref in refs:
        resolved = resolver.lookup(ref).contents
        assert isinstance(resolved, dict), f"{name}.json{path}: {ref} resolves to {resolved!r}"
        # metadata.json: the `metadata:` section a collection file may have, as in Kometa
        allowed = ("#/$defs/", "common.json#/$defs/", "metadata.json#/$defs/")
        assert ref.startswith(allowed), f"{name}.json{path}: unexpected ref {ref}"


def test_cross_file_refs_are_relative() -> None:
    for name, schema in SCHEMAS.items():
        for path, sub in subschemas(schema):
            ref = sub.get("$ref", "")
            if name == "common":
                assert not ref.startswith("common.json"), f"common.json{path}: use a local ref"
            assert "://" not in ref, f"{name}.json{path}: absolute ref {ref}"


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_every_property_and_def_has_a_description(name: str) -> None:
    missing = [path for path, prop in described_properties(SCHEMAS[name]) if not prop.get("description")]
    missing += [
        f"/$defs/{key}" for key, sub in SCHEMAS[name].get("$defs", {}).items() if not sub.get("description")
    ]
    assert not missing, f"{name}.json: no description at {missing[:20]}"


def test_patterns_work_in_editors_too() -> None:
    """Editors compile `pattern` as ECMAScript: no Python-only syntax such as inline flags or named groups."""
    python_only = ("(?i", "(?P", "(?#", "\\A", "\\Z", "(?<=", "(?<!")
    for name, schema in SCHEMAS.items():
        for path, sub in subschemas(schema):
            patterns = [sub["pattern"]] if isinstance(sub.get("pattern"), str) else []
            patterns += list(sub.get("patternProperties", {}))
            for pattern in patterns:
                assert not any(token in pattern for token in python_only), f"{name}.json{path}: {pattern}"


def test_many_properties_are_described() -> None:
    total = sum(1 for schema in SCHEMAS.values() for _ in described_properties(schema))
    assert total >= 700


def test_unknown_keys_are_reported_where_the_issue_asks() -> None:
    """additionalProperties: false on config sections, libraries, settings and definitions; templates stay open."""
    config = SCHEMAS["config"]
    common = SCHEMAS["common"]["$defs"]
    assert config["additionalProperties"] is False
    for key in ("library", "settings", "library_settings", "plex", "radarr", "sonarr", "operations"):
        assert config["$defs"][key]["additionalProperties"] is False, key
    for key in ("collection_definition", "dynamic_collection_definition", "file_block", "filter_set"):
        assert common[key]["additionalProperties"] is False, key
    assert "additionalProperties" not in common["template_definition"]
    for name, key in (("overlay", "overlay_definition"), ("playlist", "playlist_definition")):
        assert SCHEMAS[name]["$defs"][key]["additionalProperties"] is False


def test_all_builders_are_collection_keys() -> None:
    assert len(BUILDER_NAMES) == len(set(BUILDER_NAMES)) == 126
    for source, count in SOURCE_COUNTS.items():
        assert len(BUILDERS_BY_SOURCE[source].split()) == count, source
    properties = SCHEMAS["common"]["$defs"]["collection_definition"]["properties"]
    assert not [name for name in BUILDER_NAMES if name not in properties]
    for defs, key in (
        (SCHEMAS["overlay"]["$defs"], "overlay_definition"),
        (SCHEMAS["playlist"]["$defs"], "playlist_definition"),
    ):
        assert not [name for name in BUILDER_NAMES if name not in defs[key]["properties"]], key
    document = {
        "collections": {name: {name: ["x", 1]} for name in BUILDER_NAMES if name != "plex_collectionless"}
    }
    document["collections"]["plex_collectionless"] = {"plex_collectionless": {"exclude_prefix": ["!"]}}
    document["collections"]["plex_search"] = {"plex_search": {"all": {"genre": "Drama"}}}
    assert errors("collection", document) == []


# --------------------------------------------------------------------------- files in this repository


def file_kind(document: Any) -> str:
    """The schema for a YAML file other than config.yml, from its top-level keys (as Kometa's validator does).

    Files with only templates (such as defaults/templates.yml) are collection files.
    """
    keys = set(document or {})
    for key, kind in (
        ("overlays", "overlay"),
        ("queues", "overlay"),
        ("playlists", "playlist"),
        ("metadata", "metadata"),
    ):
        if key in keys:
            return kind
    return "collection"


def repo_documents() -> list[Any]:
    """config-repo/config.yml, every other YAML file under config-repo/, and every file under defaults/."""
    params = [pytest.param(ROOT / "config-repo" / "config.yml", id="config-repo/config.yml")]
    others = sorted((ROOT / "config-repo").rglob("*.y*ml")) + sorted((ROOT / "defaults").rglob("*.y*ml"))
    for path in others:
        if path.name not in ("config.yml", "config.yaml") or path.parent.name != "config-repo":
            params.append(pytest.param(path, id=str(path.relative_to(ROOT))))
    return params


@pytest.mark.parametrize("path", repo_documents())
def test_repository_file_validates(path: Path) -> None:
    document = plain(YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")))
    kind = "config" if path == ROOT / "config-repo" / "config.yml" else file_kind(document)
    assert errors(kind, document) == []


def test_repository_has_the_expected_files() -> None:
    assert (ROOT / "config-repo" / "config.yml").is_file()
    assert len(list((ROOT / "config-repo" / "collections").glob("*.yml"))) >= 1
    assert len(list((ROOT / "defaults").rglob("*.yml"))) >= 10


# --------------------------------------------------------------------------- documents users write

VALID: list[Any] = [
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            collection_files:
              - default: basic
        """,
        id="config-minimal",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            collection_files:
              - file: config/Movies.yml
        plex:
          url: http://192.168.1.12:32400
          token: <<plextoken>>
          timeout: 60
          verify_ssl: true
          db_cache: 4096
        tmdb:
          apikey: <<tmdb_apikey>>
          language: en
          region: US
          cache_expiration: 60
        tautulli:
          url: http://192.168.1.12:8181
          apikey: <<tautulli_key>>
        omdb:
          apikey: <<omdb_key>>
          cache_expiration: 60
        mdblist:
          apikey: <<mdblist_key>>
          cache_expiration: 60
        notifiarr:
          apikey: <<notifiarr_key>>
        gotify:
          url: http://192.168.1.12:80
          token: <<gotify_token>>
        ntfy:
          url: https://ntfy.sh
          token: <<ntfy_token>>
          topic: kometa
        apprise:
          config: /config/apprise.yml
        anidb:
          language: en
          enable_mature: false
          cache_expiration: 60
        github:
          token: <<github_token>>
        """,
        id="config-services",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            collection_files:
              - default: imdb
        radarr:
          url: http://192.168.1.12:7878
          token: <<radarr_token>>
          add_missing: false
          add_existing: false
          upgrade_existing: false
          monitor_existing: false
          ignore_cache: false
          root_folder_path: /movies
          monitor: true
          availability: announced
          quality_profile: HD-1080p
          tag: kometa
          search: false
          radarr_path: /data/movies
          plex_path: /media/movies
        sonarr:
          url: http://192.168.1.12:8989
          token: <<sonarr_token>>
          add_missing: false
          add_existing: false
          upgrade_existing: false
          monitor_existing: false
          ignore_cache: false
          root_folder_path: /tv
          monitor: all
          quality_profile: HD-1080p
          language_profile: English
          series_type: standard
          season_folder: true
          tag: [kometa, auto]
          search: false
          cutoff_search: false
          sonarr_path:
          plex_path:
        trakt:
          client_id: <<trakt_id>>
          client_secret: <<trakt_secret>>
          pin:
          force_refresh: false
          authorization:
            access_token:
            token_type:
            expires_in:
            refresh_token:
            scope: public
            created_at:
        mal:
          client_id: <<mal_id>>
          client_secret: <<mal_secret>>
          localhost_url:
          cache_expiration: 60
          authorization:
            access_token:
            token_type:
            expires_in:
            refresh_token:
        """,
        id="config-arr-trakt-mal",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
        settings:
          run_order: [operations, metadata, collections, overlays]
          cache: true
          cache_expiration: 60
          asset_directory: [config/assets, /media/assets]
          asset_folders: true
          asset_depth: 0
          create_asset_folders: false
          prioritize_assets: false
          dimensional_asset_rename: false
          download_url_assets: false
          show_missing_assets: true
          show_missing_season_assets: false
          show_missing_episode_assets: false
          show_asset_not_needed: true
          sync_mode: append
          default_collection_order: release
          minimum_items: 1
          item_refresh_delay: 0
          delete_below_minimum: true
          delete_not_scheduled: false
          auto_sort_hubs: sort_title.desc
          run_again_delay: 2
          missing_only_released: false
          only_filter_missing: false
          show_unmanaged: true
          show_unconfigured: true
          show_filtered: false
          show_unfiltered: false
          show_options: true
          show_missing: true
          save_report: false
          tvdb_language: eng
          ignore_ids: [603, 604]
          ignore_imdb_ids: tt0111161
          playlist_sync_to_users: all
          playlist_exclude_users: [guest]
          playlist_report: false
          verify_ssl: true
          custom_repo: https://github.com/user/kometa-configs/tree/main
          overlay_artwork_filetype: webp_lossy
          overlay_artwork_quality: 90
          assets_for_all: false
          assets_for_all_collections: false
        """,
        id="config-every-setting",
    ),
    pytest.param(
        "config",
        """
        # What the config template looks like after Kometa has written its defaults back
        libraries:
          Movies:
            collection_files:
        settings:
          asset_directory:
          ignore_ids:
          ignore_imdb_ids:
          playlist_sync_to_users:
          playlist_exclude_users:
          custom_repo:
          default_collection_order:
          check_nightly: false
          released_missing_only: false
        webhooks:
          error:
          version:
          run_start:
          run_end:
          changes:
          delete:
        plex:
          url: http://localhost:32400
          token:
          clean_bundles: false
          empty_trash: false
          optimize: false
        tmdb:
          apikey:
          region:
        omdb:
          apikey:
        """,
        id="config-blank-values",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            library_name: Films
            collection_files:
              - file: config/Movies.yml
              - default: genre
                template_variables:
                  use_separator: false
                  exclude: [Documentary]
            metadata_files:
              - file: config/Movies-metadata.yml
            overlay_files:
              - remove_overlays: false
              - reapply_overlays: true
              - default: ribbon
              - default: resolution
                template_variables:
                  horizontal_offset: 15
            image_files:
              - folder: config/images/
            template_variables:
              language: de
            schedule: weekly(sunday)
            remove_overlays: false
            reapply_overlays: false
            reset_overlays: tmdb
            schedule_overlays: daily
            report_path: config/reports/movies.yml
            settings:
              asset_directory: config/assets/movies
              minimum_items: 3
              collection_minimum: 2
            plex:
              url: http://other-plex:32400
              token: <<other_token>>
            radarr:
              root_folder_path: /movies/4k
            tautulli:
              url: http://192.168.1.12:8181
              apikey: <<tautulli_key>>
            webhooks:
              changes: https://example.com/hooks/changes
          TV Shows:
            collection_files:
              - default: network
        """,
        id="config-library-block",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            operations:
              mass_genre_update: [tmdb, imdb]
              mass_content_rating_update: [mdb_commonsense, omdb]
              mass_audience_rating_update: mdb_average
              mass_critic_rating_update: mdb_metacritic
              mass_user_rating_update: imdb
              mass_originally_available_update: tmdb
              mass_imdb_parental_labels: mild
              mass_collection_mode: hide
              mass_poster_update:
                source: tmdb
                seasons: false
                episodes: false
                ignore_locked: true
              update_blank_track_titles: false
              split_duplicates: false
              assets_for_all: true
              radarr_add_all_existing: false
              radarr_remove_by_tag: unwanted
              genre_mapper:
                Sci-Fi: Science Fiction
                Stand Up: Comedy
                Unwanted:
              content_rating_mapper:
                Rated R: R
              metadata_backup:
                path: config/backup.yml
                sync_tags: true
              delete_collections:
                managed: false
                configured: false
                less: 2
              ignore_labels: [Kids]
              plex_bulk_edit_batch_size: 200
        """,
        id="config-operations-mapping",
    ),
    pytest.param(
        "config",
        """
        libraries:
          TV Shows:
            operations:
              - schedule: daily
                delete_unmanaged_collections: false
              - schedule: weekly(thursday)
                mass_audience_rating_update: mdb_average
                mass_episode_critic_rating_update: imdb
              - schedule: [monthly(1), monthly(15)]
                mass_background_update:
                  source: plex
                  language: en
        """,
        id="config-operations-list",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            collection_files: [{default: genre}]
          TV Shows:
            collection_files: [{default: genre}]
        playlist_files:
          - default: playlist
            template_variables:
              libraries: Movies, TV Shows
          - file: config/playlists.yml
            schedule: weekly(friday)
        """,
        id="config-playlist-files",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            collection_files:
              - config/Movies.yml
              - folder: config/collections/
              - url: https://raw.githubusercontent.com/user/repo/main/movies.yml
              - git: meisnate12/MovieCharts
              - repo: charts/movies
              - pmm: seasonal
                schedule: [range(10/01-10/31), range(12/01-12/31)]
                asset_directory: config/assets/seasonal
        webhooks:
          error: https://discord.com/api/webhooks/123/abc
          run_end: [notifiarr, https://example.com/run-end]
          changes: notifiarr
        """,
        id="config-file-block-forms",
    ),
    pytest.param(
        "config",
        """
        # Older layouts that the engine still migrates
        libraries:
          Movies:
            metadata_path:
              - file: config/Movies.yml
              - git: meisnate12/MovieCharts
            overlay_path:
              - default: ribbon
        cache: true
        cache_expiration: 60
        settings:
          save_missing: true
          collection_minimum: 1
        plex:
          url: http://localhost:32400
          token: <<plextoken>>
          asset_directory: config/assets
          sync_mode: append
        radarr:
          url: http://localhost:7878
          token: <<radarr_token>>
          add: false
        anidb:
          username: someone
          password: <<anidb_password>>
        """,
        id="config-legacy-keys",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            collection_files: [{default: basic}]
        plex:
          url: <<plex_url>>
          token: <<plextoken>>
          timeout: <<plex_timeout>>
          clean_bundles: weekly(sunday)
          empty_trash: true
          optimize: monthly(1)
        settings:
          cache_expiration: <<cache_days>>
          sync_mode: <<sync_mode>>
          run_order: [collections, overlays]
        """,
        id="config-placeholders-and-scheduled-flags",
    ),
    pytest.param(
        "collection",
        """
        collections:
          Marvel Cinematic Universe:
            tmdb_collection_details: 131296
            tmdb_list: https://www.themoviedb.org/list/8136
            collection_order: release
            sync_mode: sync
          Popular This Week:
            tmdb_trending_weekly: 30
            tmdb_popular: 30
            collection_order: custom
          "Discover: Best of the 80s":
            tmdb_discover:
              primary_release_date.gte: 01/01/1980
              primary_release_date.lte: 12/31/1989
              sort_by: vote_average.desc
              vote_count.gte: 500
              limit: 50
          Christopher Nolan:
            tmdb_director_details: 525
            tmdb_region: GB
          Pixar:
            tmdb_company: 3
            tmdb_keyword: [180547, 10336]
        """,
        id="collection-tmdb-builders",
    ),
    pytest.param(
        "collection",
        """
        collections:
          Trending on Trakt:
            trakt_trending: 20
            trakt_chart:
              - chart: watched
                time_period: weekly
                limit: 20
              - chart: popular
                genres: [action]
                limit: 10
            sync_mode: sync
          My Watchlist:
            trakt_userlist:
              userlist: watchlist
              user: me
              sort_by: rank
            sync_to_trakt_list: kometa-watchlist
            sync_missing_to_trakt_list: true
          Boxoffice:
            trakt_boxoffice: true
            trakt_list: https://trakt.tv/users/someone/lists/boxoffice
            trakt_list_details: https://trakt.tv/users/someone/lists/boxoffice
            trakt_collected_weekly: 10
            trakt_recommended_all: 10
            trakt_watched_yearly: 10
        """,
        id="collection-trakt-builders",
    ),
    pytest.param(
        "collection",
        """
        collections:
          IMDb Top 250:
            imdb_chart: top_movies
            collection_order: custom
          IMDb List:
            imdb_list:
              - https://www.imdb.com/list/ls055592025/
              - list_id: ls055592026
                limit: 25
                sort_by: rating.desc
          IMDb Search:
            imdb_search:
              type: movie
              release.after: 2000-01-01
              rating.gte: 7.5
              votes.gte: 10000
              genre: [action, -romance]
              limit: 100
          Oscar Winners:
            imdb_award:
              event_id: ev0000003
              event_year: all
              winning: true
            imdb_id: [tt0111161, tt0068646]
        """,
        id="collection-imdb-builders",
    ),
    pytest.param(
        "collection",
        """
        collections:
          Mixed Sources:
            mdblist_list: https://mdblist.com/lists/linaspurinis/top-watched-movies-of-the-week
            letterboxd_list:
              url: https://letterboxd.com/dave/list/official-top-250-narrative-feature-films/
              limit: 100
            icheckmovies_list: https://www.icheckmovies.com/lists/imdbs+top+250/
            stevenlu_popular: true
            text_file: config/lists/favourites.txt
            tautulli_popular:
              list_days: 30
              list_size: 10
              list_buffer: 5
            mojo_world:
              year: 2023
              limit: 10
            radarr_taglist: [4k]
          Anime This Season:
            anilist_search:
              season: current
              sort_by: popular
              limit: 20
            mal_season:
              season: current
              limit: 50
            anidb_id: 69
            mal_id: [21, 1735]
        """,
        id="collection-other-builders",
    ),
    pytest.param(
        "collection",
        """
        collections:
          Best of 1984:
            plex_search:
              all:
                year: 1984
            summary: Movies from 1984.
            sort_title: 1984
            content_rating: PG
            collection_order: alpha
            collection_mode: hide_items
            collection_filtering: user
            label: [Kometa, Decades]
            label.remove: Old
            label.sync:
            visible_library: true
            visible_home: range(12/01-12/31)
            visible_shared: [weekly(saturday), weekly(sunday)]
            url_poster: https://example.com/posters/1984.jpg
            file_background: config/assets/1984/background.jpg
            tmdb_poster: 603
            url_theme: https://example.com/theme.mp3
            item_label: Eighties
            item_label.remove: Nineties
            item_genre.sync: [Retro]
            non_item_remove_label: Eighties
            item_assets: true
            item_refresh: false
            item_refresh_delay: 5
            item_lock_poster: true
            item_lock_title: false
            item_episode_sorting: oldest
            item_metadata_language: en-US
            item_use_original_title: "no"
            revert_overlay: false
            item_edition: Remastered
            hub_priority: 1
            delete_collections_named: [1984 Movies]
        """,
        id="collection-updates-and-item-updates",
    ),
    pytest.param(
        "collection",
        """
        collections:
          Missing Sci-Fi:
            tmdb_discover:
              with_genres: 878
              limit: 100
            radarr_add_missing: true
            radarr_add_existing: false
            radarr_upgrade_existing: false
            radarr_monitor_existing: true
            radarr_folder: /movies/scifi
            radarr_monitor: true
            radarr_search: false
            radarr_availability: released
            radarr_quality: HD-1080p
            radarr_tag: [kometa, scifi]
            radarr_ignore_cache: false
            item_radarr_tag: scifi
            missing_only_released: true
            show_missing: true
            save_report: true
          Anime to Add:
            anilist_popular: 30
            sonarr_add_missing: true
            sonarr_monitor: future
            sonarr_series: anime
            sonarr_season: true
            sonarr_language: English
            sonarr_cutoff_search: false
            item_sonarr_tag.sync: [anime]
            add_to_arr: false
            arr_tag: kometa
        """,
        id="collection-radarr-sonarr",
    ),
    pytest.param(
        "collection",
        """
        collections:
          Templated Values:
            plex_search:
              all:
                genre: <<genre>>
                year.gte: <<start_year>>
              limit: <<limit>>
              sort_by: <<sort>>
            limit: <<limit>>
            sync_mode: <<sync_mode>>
            collection_order: <<collection_order>>
            collection_mode: <<collection_mode>>
            minimum_items: <<minimum_items>>
            visible_home: <<visible_home>>
            schedule: <<schedule>>
            build_collection: <<use_all>>
            sort_title: "!<<collection_section>>_<<collection_name>>"
            radarr_availability: <<availability>>
            template: {name: genre, genre: Action, limit: 20}
        """,
        id="collection-placeholders",
    ),
    pytest.param(
        "collection",
        """
        collections:
          Filtered Picks:
            plex_all: true
            filters:
              - genre: [Action, Adventure]
                genre.count_gt: 2
                year.gte: 2000
                added.before: today
                release: 90
                title.regex: "^The "
                original_language.not: [en]
                has_dolby_vision: true
                user_rating.greater: 7
              - episodes:
                  percentage: 50
                  user_rating.gte: 8
                history: month
                tmdb_vote_count.gte: 1000
                filepath.not: /trailers/
          Long Ones:
            plex_all: true
            filter:
              duration.gte: 150
              resolution: 4K
        """,
        id="collection-filters",
    ),
    pytest.param(
        "collection",
        """
        collections:
          Halloween:
            schedule: range(10/29-10/31)
            plex_search:
              - all:
                  critic_rating.gte: 8.0
                  genre: Horror
                  genre.not: Documentary
              - all:
                  genre: Thriller
            sync_mode: sync
          Old Style Search:
            plex_search:
              genre: Western
              decade: 1960
              sort_by: [year.asc, title.asc]
          Recent Episodes:
            plex_search:
              type: episodes
              all:
                episode_air_date: 14
                any:
                  - episode_title.begins: Pilot
                  - episode_plays.gt: 0
            builder_level: episode
          Random Pick:
            smart_filter:
              any:
                audio_language: English, english
              limit: 250
              sort_by: random
            smart_label: title.asc
          Web URL:
            smart_url: https://app.plex.tv/desktop#!/media/abc/com.plexapp.plugins.library?source=1
        """,
        id="collection-plex-search-forms",
    ),
    pytest.param(
        "collection",
        """
        external_templates:
          pmm: templates
          template_variables:
            collection_section: "01"
        templates:
          chart:
            default:
              limit_<<key>>: 100
              summary_<<key>>: A collection of the <<collection_name>> chart
            optional:
              - mdb_key
            conditionals:
              final_sort:
                default: release.desc
                conditions:
                  - sort.exists: true
                    value: <<sort>>
                  - key: [watched, popular]
                    key.not: trending
                    value: plays.desc
            move_prefix: [The, A, An]
            trakt_chart:
              chart: <<key>>
              limit: <<limit_<<key>>>>
            summary: <<summary_<<key>>>>
            use_<<key>>: whatever templates hold
        collections:
          Chart Watched:
            variables: {key: watched}
            template: [name: chart, name: shared]
        """,
        id="collection-templates-and-external-templates",
    ),
    pytest.param(
        "collection",
        """
        dynamic_collections:
          Genres:
            type: genre
            exclude: [Talk Show, Game Show]
            addons:
              Science Fiction: [Sci-Fi, SciFi]
            title_format: <<key_name>> Movies
            template: [genre, shared]
            template_variables:
              sort_by:
                default: release.desc
                Documentary: title.asc
            remove_prefix: The
            sync: true
          Top Actors:
            type: actor
            data:
              depth: 5
              limit: 25
              minimum: 3
            include: [Tom Hanks, Meryl Streep]
            other_name: Other Actors
            other_template: other_actor
            template: actor
          Seasonal:
            type: custom
            data:
              halloween: Halloween
              christmas: Christmas
            key_name_override:
              halloween: Spooky Season
            title_override:
              christmas: Christmas Movies
            custom_keys: true
            test: false
          Decades:
            type: Decade
            title_format: Best of the <<key_name>>
          Ratings:
            type: number
            data:
              starting: 1
              ending: 10
              increment: 1
            remove_suffix: " Rating"
        """,
        id="collection-dynamic",
    ),
    pytest.param(
        "collection",
        """
        collections:
          Aliases Still Work:
            tmdb_trending: 20
            trakt_recommended: 10
            anilist_genre: Action
            collection_level: episode
            save_missing: true
            collection_minimum: 2
            sonarr_add: false
            run_definition: show
            allowed_library_types: [movie, show]
            collection_changes_webhooks: https://example.com/hook
          Run Control:
            plex_pilots: true
            test: true
            run_again: true
            only_run_on_create: true
            blank_collection: false
            ignore_blank_results: true
            validate_builders: false
            cache_builders: 7
            default_percent: 60
            show_filtered: true
            show_unfiltered: false
            only_filter_missing: false
            ignore_ids: [603, 604]
            ignore_imdb_ids: [tt0133093]
            changes_webhooks: [notifiarr]
            delete_below_minimum: true
            delete_not_scheduled: true
            name: Pilot Episodes
            name_mapping: pilots
            key_name: Pilots
            translation_key: pilots
        """,
        id="collection-aliases-and-settings",
    ),
    pytest.param(
        "collection",
        """
        collections:
          Every Schedule Form:
            plex_all: true
            schedule:
              - daily
              - hourly(22-02)
              - Weekly(Sunday|Wednesday)
              - monthly(last)
              - yearly(12/25)
              - date(12/25/2030)
              - range(12/01-12/31|01/01-01/05)
              - all[weekly(monday), hourly(4)]
              - non_existing
          Never Runs:
            plex_all: true
            schedule: never
          Comma List:
            plex_all: true
            schedule: weekly(monday), weekly(friday)
        """,
        id="collection-schedules",
    ),
    pytest.param(
        "collection",
        """
        templates:
          separator:
            collection_mode: hide
            sort_title: "!<<collection_section>>_!"
            url_poster: https://example.com/<<key>>.jpg
        """,
        id="collection-templates-only",
    ),
    pytest.param(
        "overlay",
        """
        overlays:
          4K:
            overlay:
              name: 4K
              default: resolution/4K
              horizontal_align: left
              horizontal_offset: 15
              vertical_align: top
              vertical_offset: "10%"
              scale_width: 200
            plex_search:
              all:
                resolution: 4K
          HDR:
            overlay: HDR
            filters:
              has_dolby_vision: false
            plex_all: true
            suppress_overlays: [4K]
        """,
        id="overlay-image",
    ),
    pytest.param(
        "overlay",
        """
        overlays:
          Audience Rating:
            overlay:
              name: text(<<audience_rating>>)
              horizontal_align: right
              horizontal_offset: 30
              vertical_align: bottom
              vertical_offset: 30
              font: fonts/Inter-Medium.ttf
              font_size: 63
              font_style: Bold
              font_color: "#FFFFFF"
              stroke_width: 2
              stroke_color: "#000000CC"
              back_color: "#00000099"
              back_width: 160
              back_height: 105
              back_radius: 30
              back_padding: 10
              back_align: center
              back_line_color: "#FFF"
              back_line_width: 1
              addon_offset: 15
              addon_position: left
              file: config/overlays/imdb.png
              group: ratings
              weight: 10
            plex_search:
              all:
                audience_rating.gte: 0.1
            limit: 500
          Blurred:
            overlay: blur(50)
            plex_all: true
            builder_level: episode
        """,
        id="overlay-text-and-backdrop",
    ),
    pytest.param(
        "overlay",
        """
        queues:
          top_right:
            - horizontal_align: right
              vertical_align: top
              horizontal_offset: 15
              vertical_offset: 15
            - horizontal_align: right
              vertical_align: top
              horizontal_offset: 15
              vertical_offset: 120
        overlays:
          IMDb:
            overlay:
              name: text(<<imdb_rating>>)
              url: https://example.com/imdb.png
              queue: top_right
              weight: 20
            plex_all: true
          Ribbon:
            overlay:
              name: ribbon
              git: someone/overlays/ribbon
              repo: ribbons/gold
              horizontal_offset: 0
              vertical_offset: 0
            imdb_chart: top_movies
            overlay_level: season
        """,
        id="overlay-queues-and-sources",
    ),
    pytest.param(
        "overlay",
        """
        external_templates:
          pmm: templates
          template_variables:
            default:
              style: yellow
            conditionals:
              final_style:
                default: yellow
                conditions:
                  - style: gray
                    value: gray
            group: ribbon
            horizontal_offset: 0
            horizontal_align: right
        templates:
          ribbon:
            optional: [mdb_key, imdb_key]
            mdblist_list: https://mdblist.com/lists/someone/<<mdb_key>><<library_type>>s
            imdb_chart: <<imdb_key>>_<<library_type>>s
        overlays:
          Oscars Best Picture:
            variables: {key: oscars, weight: 180}
            template: {name: standard, allowed_libraries: movie}
            imdb_list: https://www.imdb.com/search/title/?groups=best_picture_winner
          IMDb Top 250:
            variables: {key: imdb, weight: 50, imdb_key: top}
            template: [name: standard, name: ribbon]
        """,
        id="overlay-templated-defaults-style",
    ),
    pytest.param(
        "playlist",
        """
        playlists:
          Marvel Cinematic Universe:
            libraries: Movies, TV Shows
            sync_to_users: all
            exclude_users: [kid1]
            trakt_list: https://trakt.tv/users/someone/lists/mcu-timeline
            summary: The MCU in release order.
            url_poster: https://example.com/mcu.jpg
            sync_mode: sync
            minimum_items: 5
            radarr_add_missing: false
          Recently Aired:
            libraries: [TV Shows]
            plex_search:
              type: episodes
              all:
                episode_air_date: 7
              sort_by: episode_air_date.desc
            builder_level: episode
            filters:
              plays.lt: 1
            schedule: daily
          Old Playlist:
            libraries: Movies
            delete_playlist: true
            plex_all: true
        """,
        id="playlist-file",
    ),
    pytest.param(
        "playlist",
        """
        templates:
          universe:
            libraries: <<libraries>>
            sync_mode: sync
            summary: Watch <<collection_name>> in order.
        playlists:
          Star Wars:
            template: {name: universe, libraries: "Movies, TV Shows"}
            libraries: Movies
            tmdb_list: 8158
            name: Star Wars (Chronological)
        """,
        id="playlist-templated",
    ),
    pytest.param(
        "metadata",
        """
        metadata:
          The Matrix:
            match:
              title: [The Matrix, Matrix]
              year: 1999
            title: The Matrix
            sort_title: Matrix 1
            original_title: The Matrix
            originally_available: 1999-03-31
            content_rating: R
            user_rating: 9.5
            critic_rating: 8.8
            audience_rating: 8.5
            studio: Warner Bros.
            tagline: Welcome to the Real World.
            summary: A hacker learns the truth.
            genre.sync: [Action, Science Fiction]
            label: [Favorite]
            collection.remove: Old Collection
            url_poster: https://example.com/matrix.jpg
            file_background: config/assets/matrix/background.jpg
            edition: Director's Cut
            use_original_title: "no"
          Alien:
            year: 1979
            edition_filter: Director's Cut
            blank_edition: false
            template: {name: franchise}
        """,
        id="metadata-movies",
    ),
    pytest.param(
        "metadata",
        """
        metadata:
          "Star Trek: The Next Generation":
            alt_title: Star Trek TNG
            episode_sorting: oldest
            keep_episodes: all
            delete_episodes: never
            season_display: show
            episode_ordering: tvdb_dvd
            metadata_language: en-US
            audio_language: en
            subtitle_language: en
            subtitle_mode: foreign
            seasons:
              0:
                title: Specials
                url_poster: https://example.com/specials.jpg
              1:
                title: Season One
                episodes:
                  1:
                    title: Encounter at Farpoint
                    summary: The crew's first mission.
                    user_rating: 7.0
                    director.sync: [Corey Allen]
          Formula 1:
            f1_season: 2023
            round_prefix: true
            shorten_gp: true
        """,
        id="metadata-shows",
    ),
    pytest.param(
        "metadata",
        """
        metadata:
          603:
            title: The Matrix
            originally_available: 1999-03-31
          Daft Punk:
            album_sorting: newest
            genre: Electronic
            albums:
              Discovery:
                style: [French House]
                mood.sync: [Energetic]
                tracks:
                  1:
                    title: One More Time
                    user_rating: 10
        """,
        id="metadata-ids-and-music",
    ),
]


@pytest.mark.parametrize(("kind", "text"), VALID)
def test_user_document_is_valid(kind: str, text: str) -> None:
    assert errors(kind, load(text)) == []


def test_there_are_enough_valid_examples() -> None:
    assert len(VALID) >= 30


def test_placeholder_limit_in_a_collection_definition() -> None:
    document = load(
        """
        collections:
          Top Rated:
            plex_search:
              all:
                critic_rating.gte: <<min_rating>>
              limit: <<limit>>
            limit: <<limit>>
        """
    )
    assert errors("collection", document) == []


INVALID: list[Any] = [
    pytest.param(
        "config",
        """
        libraries: {Movies: {}}
        settings:
          sync_mode: mirror
        """,
        "/settings/sync_mode",
        "anyOf",
        id="sync-mode-mirror",
    ),
    pytest.param(
        "config",
        """
        libraries: {Movies: {}}
        settings:
          sync_modes: sync
        """,
        "/settings",
        "additionalProperties",
        id="unknown-setting",
    ),
    pytest.param(
        "config",
        """
        plex:
          url: http://localhost:32400
        settings:
          cache: true
        """,
        "",
        "required",
        id="libraries-missing",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            collections:
              Inline: {plex_all: true}
        """,
        "/libraries/Movies/collections",
        "not",
        id="inline-collections-in-library",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            collection_files:
              - file: config/Movies.yml
                default: genre
        """,
        "/libraries/Movies/collection_files/0",
        "oneOf",
        id="file-block-two-sources",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            collection_files:
              - template_variables: {use_all: false}
        """,
        "/libraries/Movies/collection_files/0",
        "oneOf",
        id="file-block-without-source",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            collection_files:
              - url: ftp://example.com/movies.yml
        """,
        "/libraries/Movies/collection_files/0/url",
        "anyOf",
        id="file-block-url-not-http",
    ),
    pytest.param(
        "config",
        """
        libraries: {Movies: {}}
        plex:
          url: http://localhost:32400
          timeout: soon
        """,
        "/plex/timeout",
        "anyOf",
        id="plex-timeout-not-a-number",
    ),
    pytest.param(
        "config",
        """
        libraries: {Movies: {}}
        settings:
          overlay_artwork_quality: 150
        """,
        "/settings/overlay_artwork_quality",
        "maximum",
        id="artwork-quality-out-of-range",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            operations:
              - schedule: weekly(sunday)
                mass_genre_updates: tmdb
        """,
        "/libraries/Movies/operations/0",
        "additionalProperties",
        id="unknown-operation",
    ),
    pytest.param(
        "config",
        """
        libraries: {TV Shows: {}}
        sonarr:
          monitor: everything
        """,
        "/sonarr/monitor",
        "anyOf",
        id="sonarr-monitor-unknown",
    ),
    pytest.param(
        "config",
        """
        libraries:
          Movies:
            schedule: fortnightly
        """,
        "/libraries/Movies/schedule",
        "anyOf",
        id="library-schedule-unknown",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_all: true
            minimum_items: x
        """,
        "/collections/A/minimum_items",
        "anyOf",
        id="minimum-items-not-a-number",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_all: true
            collection_order: weird
        """,
        "/collections/A/collection_order",
        "anyOf",
        id="collection-order-weird",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_all: true
            collection_mode: hidden
        """,
        "/collections/A/collection_mode",
        "anyOf",
        id="collection-mode-unknown",
    ),
    pytest.param(
        "collection",
        """
        dynamic_collections:
          D:
            type: nonsense
        """,
        "/dynamic_collections/D/type",
        "anyOf",
        id="dynamic-type-nonsense",
    ),
    pytest.param(
        "collection",
        """
        dynamic_collections:
          D:
            title_format: <<key_name>>
        """,
        "/dynamic_collections/D",
        "required",
        id="dynamic-type-missing",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_all: true
            sumary: typo
        """,
        "/collections/A",
        "additionalProperties",
        id="unknown-definition-key",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_all: true
            schedule: fortnightly
        """,
        "/collections/A/schedule",
        "anyOf",
        id="schedule-unknown",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_all: true
            schedule: [daily, sometimes]
        """,
        "/collections/A/schedule/1",
        "anyOf",
        id="schedule-list-entry-unknown",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_all: true
            visible_home: sometimes
        """,
        "/collections/A/visible_home",
        "anyOf",
        id="visible-home-neither-bool-nor-schedule",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_all: true
            template: {studio: A24}
        """,
        "/collections/A/template",
        "required",
        id="template-call-without-name",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            template:
              - name: first
              - studio: A24
        """,
        "/collections/A/template/1",
        "required",
        id="template-list-entry-without-name",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_all: true
            filters:
              year.gtee: 2000
        """,
        "/collections/A/filters",
        "additionalProperties",
        id="filter-modifier-unknown",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_all: true
            filters:
              - genre: Action
              - year.between: 2000
        """,
        "/collections/A/filters/1",
        "additionalProperties",
        id="filter-list-entry-modifier-unknown",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_search:
              all:
                genre: Action
              limit: ten
        """,
        "/collections/A/plex_search/limit",
        "anyOf",
        id="plex-search-limit-not-a-number",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            plex_search:
              all:
                any:
                  year.within: 5
        """,
        "/collections/A/plex_search/all/any",
        "additionalProperties",
        id="plex-search-modifier-unknown",
    ),
    pytest.param(
        "collection",
        """
        collections:
          A:
            tmdb_list:
        """,
        "/collections/A/tmdb_list",
        "type",
        id="builder-left-blank",
    ),
    pytest.param(
        "collection",
        """
        templates:
          T:
            conditionals:
              mode:
                conditions:
                  - featured: true
        """,
        "/templates/T/conditionals/mode/conditions/0",
        "required",
        id="condition-without-value",
    ),
    pytest.param(
        "collection",
        """
        external_templates:
          - default: templates
          - path: templates.yml
        """,
        "/external_templates/1",
        "additionalProperties",
        id="external-template-block-unknown-key",
    ),
    pytest.param(
        "overlay",
        """
        overlays:
          4K:
            overlay:
              name: 4K
              horizontal_align: middle
            plex_all: true
        """,
        "/overlays/4K/overlay/horizontal_align",
        "anyOf",
        id="overlay-align-unknown",
    ),
    pytest.param(
        "overlay",
        """
        overlays:
          Rating:
            overlay:
              name: text(<<audience_rating>>)
              font_color: red
            plex_all: true
        """,
        "/overlays/Rating/overlay/font_color",
        "anyOf",
        id="overlay-colour-not-hex",
    ),
    pytest.param(
        "overlay",
        """
        templates:
          standard:
            plex_all: true
        """,
        "",
        "required",
        id="overlay-file-without-overlays",
    ),
    pytest.param(
        "playlist",
        """
        playlists:
          P:
            trakt_list: https://trakt.tv/users/someone/lists/mcu
        """,
        "/playlists/P",
        "required",
        id="playlist-without-libraries",
    ),
    pytest.param(
        "playlist",
        """
        collections:
          A: {plex_all: true}
        """,
        "",
        "required",
        id="playlist-file-without-playlists",
    ),
    pytest.param(
        "metadata",
        """
        metadata:
          The Matrix:
            sumary: typo
        """,
        "/metadata/The Matrix",
        "additionalProperties",
        id="metadata-unknown-key",
    ),
]


@pytest.mark.parametrize(("kind", "text", "expected", "keyword"), INVALID)
def test_user_mistake_is_reported_at_its_place(kind: str, text: str, expected: str, keyword: str) -> None:
    found = errors(kind, load(text))
    assert found, "the document should not validate"
    assert (expected, keyword) in {(where, validator) for where, validator, _ in found}, found
    assert all(where.startswith(expected) for where, _, _ in found), found


def test_there_are_enough_invalid_examples() -> None:
    assert len(INVALID) >= 20
