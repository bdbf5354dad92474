"""Staging a Kometa config folder: the root folder, path mapping in the text, secrets into placeholders."""

from __future__ import annotations

import pytest

from panel.import_zip import UploadError, read_listed
from panel.importer import stage

TOKEN = "Zq8xW2vB7nKpL4mR9tYc"


def staged(files: dict[str, str], stored: dict[str, str] | None = None) -> tuple[dict[str, str], list[dict]]:
    result = stage(read_listed(files.items()), stored or {})
    return result.files, [s.to_dict() for s in result.secrets]


def test_the_folder_holding_config_yml_is_the_root() -> None:
    files, _ = staged({"kometa/config.yml": "libraries: {}\n", "kometa/a.yml": "collections: {}\n"})
    assert set(files) == {"config.yml", "a.yml"}
    with pytest.raises(UploadError, match=r"no config\.yml"):
        staged({"a/config.yml": "x: 1\n", "b/other.yml": "x: 1\n"})


def test_every_form_of_a_kometa_path_is_mapped_and_the_rest_kept() -> None:
    config = (
        "libraries:\n"
        "  Movies:\n"
        "    collection_files:\n"
        "      - config/Movies.yml\n"  # a plain string entry
        "      - file: '/config/quoted.yml'\n"
        '      - {file: "config/flow"}\n'  # .yml added by Kometa
        "      - file: config/missing.yml  # not uploaded\n"
        "      - default: genre\n"
        "    overlay_files:\n"
        "      - folder: config/overlays\n"
    )
    files, _ = staged(
        {
            "config.yml": config,
            "Movies.yml": "collections: {}\n",
            "quoted.yml": "collections: {}\n",
            "flow.yml": "collections: {}\n",
            "overlays/badges.yml": "overlays: {}\n",
        }
    )
    assert files["config.yml"] == (
        "libraries:\n"
        "  Movies:\n"
        "    collection_files:\n"
        "      - Movies.yml\n"
        "      - file: 'quoted.yml'\n"
        '      - {file: "flow"}\n'
        "      - file: config/missing.yml  # not uploaded\n"
        "      - default: genre\n"
        "    overlay_files:\n"
        "      - folder: overlays\n"
    )


def test_external_templates_in_collection_files_are_mapped_too() -> None:
    movies = "external_templates:\n  file: /config/templates.yml\ncollections: {}\n"
    files, _ = staged(
        {"config.yml": "libraries: {}\n", "Movies.yml": movies, "templates.yml": "templates: {}\n"}
    )
    assert files["Movies.yml"] == "external_templates:\n  file: templates.yml\ncollections: {}\n"


def test_one_secret_per_value_with_every_place() -> None:
    config = (
        "plex:\n"
        f"  token: {TOKEN}\n"
        "libraries:\n"
        "  Movies:\n"
        "    plex:\n"
        f'      token: "{TOKEN}"\n'
        "webhooks:\n"
        f"  error: http://host/hook?X-Plex-Token={TOKEN}&x=1\n"
    )
    files, secrets = staged({"config.yml": config})
    assert TOKEN not in files["config.yml"]
    assert '      token: "<<plextoken>>"\n' in files["config.yml"]
    assert "X-Plex-Token=<<plextoken>>&x=1" in files["config.yml"]
    [secret] = secrets
    assert secret["name"] == "plextoken" and [w["line"] for w in secret["where"]] == [2, 6, 8]


def test_different_values_get_different_names_and_a_stored_value_keeps_its_name() -> None:
    other = "Xq8xW2vB7nKpL4mR9tYd"
    config = f"plex:\n  token: {TOKEN}\nlibraries:\n  Movies:\n    plex:\n      token: {other}\n"
    files, secrets = staged({"config.yml": config}, stored={"plex_main": other})
    names = {s["name"]: s["already_stored"] for s in secrets}
    assert names == {"plextoken": False, "plex_main": True}
    assert "token: <<plextoken>>" in files["config.yml"] and "token: <<plex_main>>" in files["config.yml"]


def test_an_env_file_loses_its_token_too() -> None:
    files, secrets = staged({"config.yml": "libraries: {}\n", ".env": f"KOMETA_PLEXTOKEN={TOKEN}\n"})
    assert TOKEN not in files[".env"] and secrets[0]["where"][0]["file"] == ".env"
