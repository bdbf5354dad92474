"""config.yml errors: the exact message, with the file:line:col and the key path of the problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from modules.config import load_config
from modules.errors import ConfigError, Location

PLEX = """\
plex:
  url: http://localhost:32400
  token: abc
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def fails(tmp_path: Path, text: str) -> str:
    """The error message (no secrets given), with the config path shortened to `config.yml`."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    return str(info.value).replace(str(path), "config.yml")


# --------------------------------------------------------------------------- errors

LIB = "libraries:\n  Movies:\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            PLEX,
            "config.yml:1:1: libraries: required; add a libraries: mapping naming your Plex libraries",
            id="missing-libraries",
        ),
        pytest.param(
            PLEX + "libraries:\n",
            "config.yml:4:1: libraries: must be a mapping of library name: settings, got None",
            id="empty-libraries",
        ),
        pytest.param(
            PLEX + "libraries: [Movies]\n",
            "config.yml:4:1: libraries: must be a mapping of library name: settings, got ['Movies']",
            id="libraries-list",
        ),
        pytest.param(
            "", "config.yml: config file is empty; it needs at least libraries and plex", id="empty-config"
        ),
        pytest.param(
            "- a\n- b\n",
            "config.yml:1:1: config must be a mapping of keys such as libraries and plex, got ['a', 'b']",
            id="config-list",
        ),
        pytest.param(
            "plex:\n  url: http://p\n  token: <<plextoken>>\n" + LIB,
            "config.yml:3:3: plex.token uses <<plextoken>>, but KOMETA_PLEXTOKEN is not set",
            id="missing-secret",
        ),
        pytest.param(
            LIB + "    collection_files:\n      - url: https://x/<<GH_PATH>>.yml\n" + PLEX,
            "config.yml:4:9: libraries.Movies.collection_files[0].url uses <<GH_PATH>>, but KOMETA_GH_PATH is not set",
            id="missing-secret-in-list",
        ),
        pytest.param(
            "plex:\n  url: env\n  token: t\n" + LIB,
            "config.yml:2:3: plex.url is env, but KOMETA_PLEX_URL is not set",
            id="plex-url-env",
        ),
        pytest.param(
            "plex:\n  url: localhost:32400\n  token: t\n" + LIB,
            "config.yml:2:3: plex.url: must start with http:// or https://, got 'localhost:32400'",
            id="plex-url-scheme",
        ),
        pytest.param(
            "plex:\n  url: http://p\n  token: t\n  timeout: soon\n" + LIB,
            "config.yml:4:3: plex.timeout: must be an integer (1 or more), got 'soon'",
            id="plex-timeout",
        ),
        pytest.param(
            "plex: http://p\n" + LIB,
            "config.yml:1:1: plex: must be a mapping with url and token, got 'http://p'",
            id="plex-not-mapping",
        ),
        pytest.param(
            LIB,
            "config.yml:2:3: libraries.Movies: no Plex url; set plex.url or libraries.Movies.plex.url",
            id="no-plex-url",
        ),
        pytest.param(
            "plex:\n  url: http://p\n" + LIB,
            "config.yml:4:3: libraries.Movies: no Plex token; set plex.token or libraries.Movies.plex.token",
            id="no-plex-token",
        ),
        pytest.param(
            PLEX + "settings:\n  sync_mode: sideways\n" + LIB,
            "config.yml:5:3: settings.sync_mode: must be append or sync, got 'sideways'",
            id="bad-sync-mode",
        ),
        pytest.param(
            PLEX + "settings:\n  minimum_items: abc\n" + LIB,
            "config.yml:5:3: settings.minimum_items: must be an integer (0 or more), got 'abc'",
            id="minimum-items-not-int",
        ),
        pytest.param(
            PLEX + LIB + "    settings:\n      minimum_items: -1\n",
            "config.yml:7:7: libraries.Movies.settings.minimum_items: must be an integer (0 or more), got -1",
            id="library-minimum-items",
        ),
        pytest.param(
            PLEX + "settings:\n  show_missing: maybe\n" + LIB,
            "config.yml:5:3: settings.show_missing: must be true or false, got 'maybe'",
            id="bad-bool",
        ),
        pytest.param(
            PLEX + "settings:\n  run_order: [collections, playlists]\n" + LIB,
            "config.yml:5:3: settings.run_order: unknown step 'playlists'; use operations, metadata, collections, overlays",
            id="bad-run-order",
        ),
        pytest.param(
            PLEX + "settings:\n  ignore_imdb_ids: [tt1, 123]\n" + LIB,
            "config.yml:5:3: settings.ignore_imdb_ids: must be a list of IMDb ids like tt0111161, got '123'",
            id="bad-imdb-ids",
        ),
        pytest.param(
            PLEX + "settings:\n  ignore_ids: [1, x]\n" + LIB,
            "config.yml:5:3: settings.ignore_ids: must be a list of TMDb/TVDb ids (integers), got [1, 'x']",
            id="bad-ignore-ids",
        ),
        pytest.param(
            PLEX + "settings: 5\n" + LIB,
            "config.yml:4:1: settings: must be a mapping of settings, got 5",
            id="settings-not-mapping",
        ),
        pytest.param(
            PLEX + "cache_expiration: 0\n" + LIB,
            "config.yml:4:1: cache_expiration: must be an integer (1 or more), got 0",
            id="legacy-key-error-keeps-its-path",
        ),
        pytest.param(
            PLEX + LIB + "    collections:\n      Action:\n        plex_search: {}\n",
            "config.yml:6:5: libraries.Movies.collections: collections cannot be defined in config.yml. These belong in external YAML files listed under collection_files",
            id="inline-collections",
        ),
        pytest.param(
            PLEX + LIB + "    overlays: {}\n",
            "config.yml:6:5: libraries.Movies.overlays: overlays cannot be defined in config.yml. These belong in external YAML files listed under collection_files",
            id="inline-overlays",
        ),
        pytest.param(
            PLEX + LIB + "    templates: {}\n",
            "config.yml:6:5: libraries.Movies.templates: templates cannot be defined in config.yml. These belong in external YAML files listed under collection_files",
            id="inline-templates",
        ),
        pytest.param(
            PLEX + LIB + "    collection_files:\n      - file: a.yml\n        folder: b\n",
            "config.yml:8:9: libraries.Movies.collection_files[0]: a file block takes only one of file, folder, default, url, git, repo; found file and folder",
            id="two-kinds",
        ),
        pytest.param(
            PLEX + LIB + "    collection_files:\n      - schedule: daily\n        template_variables: {}\n",
            "config.yml:7:9: libraries.Movies.collection_files[0]: a file block needs one of file, folder, default, url, git, repo; found schedule, template_variables",
            id="no-kind",
        ),
        pytest.param(
            PLEX + LIB + "    collection_files:\n      - file: a.yml\n      - {}\n",
            "config.yml:8:9: libraries.Movies.collection_files[1]: a file block needs one of file, folder, default, url, git, repo; found an empty mapping",
            id="empty-block",
        ),
        pytest.param(
            PLEX + LIB + "    collection_files:\n      - 42\n",
            "config.yml:7:9: libraries.Movies.collection_files[0]: a file block must be a mapping such as {file: path} or a file path, got 42",
            id="block-not-mapping",
        ),
        pytest.param(
            PLEX + LIB + "    collection_files:\n      - file: [a, b]\n",
            "config.yml:7:9: libraries.Movies.collection_files[0].file: must be a non-empty string, got ['a', 'b']",
            id="file-not-string",
        ),
        pytest.param(
            PLEX + LIB + "    collection_files:\n      - url: ftp://x/y.yml\n",
            "config.yml:7:9: libraries.Movies.collection_files[0].url: must start with http:// or https://, got 'ftp://x/y.yml'",
            id="url-scheme",
        ),
        pytest.param(
            PLEX + LIB + "    collection_files:\n      - default: genre\n        schedule: weekly(someday)\n",
            "config.yml:8:9: libraries.Movies.collection_files[0].schedule: weekly(someday): unknown day 'someday'",
            id="bad-block-schedule",
        ),
        pytest.param(
            PLEX + LIB + "    schedule: hourly(25)\n",
            "config.yml:6:5: libraries.Movies.schedule: hourly(25): hour must be between 0 and 23, got '25'",
            id="bad-library-schedule",
        ),
        pytest.param(
            PLEX + LIB + "    collection_files:\n      - file: a.yml\n        template_variables: [a]\n",
            "config.yml:8:9: libraries.Movies.collection_files[0].template_variables: must be a mapping of variable: value, got ['a']",
            id="block-template-variables",
        ),
        pytest.param(
            PLEX + LIB + "    template_variables: fr\n",
            "config.yml:6:5: libraries.Movies.template_variables: must be a mapping of variable: value, got 'fr'",
            id="library-template-variables",
        ),
        pytest.param(
            PLEX + "libraries:\n  Movies: [a]\n",
            "config.yml:5:3: libraries.Movies: must be a mapping (collection_files, settings, ...), got ['a']",
            id="library-not-mapping",
        ),
        pytest.param(
            PLEX + LIB + "    library_name: [a]\n",
            "config.yml:6:5: libraries.Movies.library_name: must be a string, got ['a']",
            id="library-name-list",
        ),
        pytest.param(
            PLEX + LIB + "webhooks:\n  error: mailto:me\n",
            "config.yml:7:3: webhooks.error: must be a URL (http:// or https://) or one of notifiarr, gotify, ntfy, apprise, got 'mailto:me'",
            id="bad-webhook",
        ),
        pytest.param(
            PLEX + "libraries:\n  Movies:\n    collection_files: [\n",
            "config.yml:7:1: YAML syntax error: while parsing a flow node expected the node content, but found '<stream end>'",
            id="yaml-syntax",
        ),
        pytest.param(
            PLEX + "libraries:\n  Movies:\n  Movies:\n",
            'config.yml:6:3: YAML syntax error: while constructing a mapping found duplicate key "Movies" with value "None" (original value: "None")',
            id="duplicate-keys",
        ),
    ],
)
def test_config_errors(tmp_path: Path, text: str, message: str) -> None:
    assert fails(tmp_path, text) == message


def test_unreadable_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yml", {})
    assert str(info.value) == f"{tmp_path / 'nope.yml'}: cannot read file: No such file or directory"


def test_error_location_fields(tmp_path: Path) -> None:
    path = write(tmp_path, PLEX + "settings:\n  sync_mode: sideways\n" + LIB)
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert info.value.location == Location(str(path), 5, 3)
    assert info.value.message == "settings.sync_mode: must be append or sync, got 'sideways'"
