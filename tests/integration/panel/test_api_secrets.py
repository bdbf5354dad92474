"""`/api/secrets`: admins store the values behind config.yml's `<<name>>` placeholders; values are
encrypted at rest, never shown again, and reach the engine as `KOMETA_<NAME>` variables for a run."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from modules.cli import collect_secrets, parse_args
from modules.config import load_config
from modules.errors import ConfigError
from panel import create_app
from panel.db import AuditLog, get_session
from panel.repo import ConfigRepo
from panel.secrets import SecretError, load_secrets_key, run_environment
from panel.settings import Settings
from tests.integration.panel.conftest import sign_in, token_for

TOKEN = "pLeX-t0ken-Zq8XvY3w"


def data(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()["data"]


def refused(resp: Any, status: int, field: str | None = None) -> str:
    body = resp.get_json()
    assert resp.status_code == status, body
    assert body["success"] is False
    if field is not None:
        assert body["error"]["details"]["field"] == field
    message: str = body["error"]["message"]
    return message


def lines_using(repo: ConfigRepo, placeholder: str) -> list[dict[str, Any]]:
    """Where config.yml on main writes `placeholder` (outside comments), as the API reports it."""
    text = repo.read_file("config.yml")[0].decode()
    return [
        {"file": "config.yml", "line": number}
        for number, line in enumerate(text.splitlines(), 1)
        if placeholder in line.split("#")[0]
    ]


def names(client: FlaskClient) -> list[str]:
    return [item["name"] for item in data(client.get("/api/secrets"))["items"]]


# ---------------------------------------------------------------------------- the API


def test_a_new_secret_is_created_then_replaced_and_listed_without_its_value(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    created = data(client.put("/api/secrets/plextoken", json={"value": TOKEN}), 201)
    replaced = data(client.put("/api/secrets/plextoken", json={"value": TOKEN + "-new"}), 200)

    listing = data(client.get("/api/secrets"))
    [item] = listing["items"]
    assert item == {
        "name": "plextoken",
        "created_at": created["created_at"],
        "updated_at": replaced["updated_at"],
        "updated_by": "admin",
        "readable": True,
        "used_in": lines_using(repo, "<<plextoken>>"),
    }
    assert item["used_in"] != []
    assert listing["next_cursor"] is None


def test_missing_lists_placeholders_of_config_yml_that_have_no_secret(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    missing = data(client.get("/api/secrets"))["missing"]
    assert missing == [
        {"name": "plex_url", "used_in": lines_using(repo, "<<plex_url>>")},
        {"name": "plextoken", "used_in": lines_using(repo, "<<plextoken>>")},
    ]

    data(client.put("/api/secrets/plex_url", json={"value": "http://127.0.0.1:32400"}), 201)

    assert [entry["name"] for entry in data(client.get("/api/secrets"))["missing"]] == ["plextoken"]


def test_template_variables_in_collection_files_are_not_reported_missing(client: FlaskClient) -> None:
    # config-repo/collections/movies.yml uses <<studio>>, a template variable, not a secret
    assert "studio" not in {entry["name"] for entry in data(client.get("/api/secrets"))["missing"]}


def test_names_are_case_insensitive_and_stored_lower_case(client: FlaskClient) -> None:
    data(client.put("/api/secrets/PlexToken", json={"value": TOKEN}), 201)
    data(client.put("/api/secrets/PLEXTOKEN", json={"value": TOKEN}), 200)

    assert names(client) == ["plextoken"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"value": ""}, 400, "must not be empty"),
        ({"value": "   "}, 422, "must not be empty"),
        ({}, 400, "'value' is required"),
        ({"value": 42}, 400, "'value' must be a string"),
        ({"value": "a\u0000b"}, 422, "NUL"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_stores_nothing(
    client: FlaskClient, body: dict[str, Any], status: int, message: str
) -> None:
    assert message in refused(client.put("/api/secrets/plextoken", json=body), status, "value")
    assert names(client) == []


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        ("9lives", 400, "A letter, then letters, digits and '_'"),
        ("plex-token", 400, "A letter, then letters, digits and '_'"),
        ("dry_run", 422, "KOMETA_DRY_RUN is one of the engine's own settings"),
        ("panel_secret_key", 422, "KOMETA_PANEL_"),
    ],
)
def test_a_bad_name_is_refused_naming_the_field(
    client: FlaskClient, name: str, status: int, message: str
) -> None:
    assert message in refused(client.put(f"/api/secrets/{name}", json={"value": TOKEN}), status, "name")
    assert names(client) == []


def test_the_body_must_be_a_json_object(client: FlaskClient) -> None:
    refused(client.put("/api/secrets/plextoken", data=TOKEN, content_type="text/plain"), 415)
    refused(client.put("/api/secrets/plextoken", json=[TOKEN]), 400)
    assert names(client) == []


def test_delete_removes_a_secret_and_an_unknown_one_is_404(client: FlaskClient) -> None:
    data(client.put("/api/secrets/plextoken", json={"value": TOKEN}), 201)

    assert data(client.delete("/api/secrets/PlexToken"))["name"] == "plextoken"
    assert names(client) == []
    assert "no secret 'plextoken'" in refused(client.delete("/api/secrets/plextoken"), 404)


def test_only_admins_may_see_or_change_secrets(
    client: FlaskClient, client_as: Callable[[str], FlaskClient]
) -> None:
    data(client.put("/api/secrets/plextoken", json={"value": TOKEN}), 201)
    editor = client_as("editor")

    refused(editor.get("/api/secrets"), 403)
    refused(editor.put("/api/secrets/plextoken", json={"value": "stolen"}), 403)
    refused(editor.delete("/api/secrets/plextoken"), 403)
    assert names(client) == ["plextoken"]


def test_every_change_is_audited_without_the_value(app: Flask, client: FlaskClient) -> None:
    data(client.put("/api/secrets/plextoken", json={"value": TOKEN}), 201)
    data(client.put("/api/secrets/plextoken", json={"value": TOKEN + "2"}), 200)
    data(client.delete("/api/secrets/plextoken"))

    with app.app_context():
        rows = get_session().scalars(select(AuditLog).where(AuditLog.action.like("secret_%")))
        entries = [(row.action, row.user, row.target, row.details) for row in rows]
    assert entries == [
        ("secret_create", "admin", "plextoken", {}),
        ("secret_update", "admin", "plextoken", {}),
        ("secret_delete", "admin", "plextoken", {}),
    ]


def test_the_value_appears_in_no_response_log_audit_entry_or_database_column(
    app: Flask, client: FlaskClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses = [
        client.put("/api/secrets/plextoken", json={"value": TOKEN}),
        client.put("/api/secrets/plextoken", json={"value": TOKEN}),
        client.put("/api/secrets/plex-token", json={"value": TOKEN}),
        client.put("/api/secrets/plextoken", json={"value": TOKEN + "\u0000"}),
        client.get("/api/secrets"),
        client.get("/api/audit"),
        client.get("/api/openapi.json"),
        client.delete("/api/secrets/plextoken"),
        client.get("/api/audit?action=secret_delete"),
    ]

    assert [r.status_code for r in responses] == [201, 200, 400, 422, 200, 200, 200, 200, 200]
    for response in responses:
        assert TOKEN not in response.get_data(as_text=True)
    assert TOKEN not in caplog.text
    with sqlite3.connect(tmp_path / "data" / "panel.db") as db:
        for table in ("secrets", "audit_log"):
            for row in db.execute(f"SELECT * FROM {table}"):
                assert TOKEN not in repr(row)


# ---------------------------------------------------------------------------- keys


def test_without_a_configured_key_one_is_generated_on_first_use(app: Flask, client: FlaskClient) -> None:
    key_file = app.extensions["kometa_settings"].data_dir / "secrets_key"
    data(client.put("/api/secrets/plextoken", json={"value": TOKEN}), 201)

    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_secrets_key(app.extensions["kometa_settings"]) == key_file.read_text()


def test_after_a_key_change_secrets_are_listed_unreadable_and_a_run_fails_naming_them(tmp_path: Path) -> None:
    before = create_app(Settings(data_dir=tmp_path / "data", secrets_key="the first passphrase"))
    data(sign_in(before, before.test_client()).put("/api/secrets/plextoken", json={"value": TOKEN}), 201)

    after = create_app(Settings(data_dir=tmp_path / "data", secrets_key="a different passphrase"))
    client = after.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(after, 'admin')}"

    [item] = data(client.get("/api/secrets"))["items"]
    assert item["name"] == "plextoken" and item["readable"] is False
    with after.app_context(), pytest.raises(SecretError, match="'plextoken' cannot be decrypted"):
        run_environment(get_session(), "a different passphrase")

    data(client.put("/api/secrets/plextoken", json={"value": TOKEN}), 200)
    with after.app_context():
        assert run_environment(get_session(), "a different passphrase") == {"KOMETA_PLEXTOKEN": TOKEN}


# ---------------------------------------------------------------------------- the engine


def engine_secrets(env: dict[str, str]) -> dict[str, str]:
    """The secrets `kometa.py` reads from its environment."""
    return collect_secrets(parse_args([], env), env)


def test_the_run_environment_fills_the_placeholders_of_the_config_at_main(
    app: Flask, client: FlaskClient, repo: ConfigRepo, tmp_path: Path
) -> None:
    config = tmp_path / "run" / "config.yml"
    config.parent.mkdir()
    config.write_bytes(repo.read_file("config.yml")[0])
    data(client.put("/api/secrets/plex_url", json={"value": "http://127.0.0.1:32400/"}), 201)
    data(client.put("/api/secrets/PlexToken", json={"value": TOKEN}), 201)

    with app.app_context():
        key = load_secrets_key(app.extensions["kometa_settings"])
        env = run_environment(get_session(), key)

    assert env == {"KOMETA_PLEX_URL": "http://127.0.0.1:32400/", "KOMETA_PLEXTOKEN": TOKEN}
    loaded = load_config(config, engine_secrets(env))
    assert loaded.plex is not None
    assert (loaded.plex.url, loaded.plex.token) == ("http://127.0.0.1:32400", TOKEN)


def test_without_the_run_environment_the_engine_names_the_variable_to_set(
    repo: ConfigRepo, tmp_path: Path
) -> None:
    config = tmp_path / "config.yml"
    config.write_bytes(repo.read_file("config.yml")[0])

    with pytest.raises(ConfigError, match="uses <<plex_url>>, but KOMETA_PLEX_URL is not set"):
        load_config(config, engine_secrets({}))


def test_placeholders_are_case_insensitive_for_the_engine_too(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    config = tmp_path / "config.yml"
    config.write_text(
        "plex:\n  url: <<Plex_Url>>\n  token: <<PLEX_TOKEN>>\n"
        "webhooks:\n  error: <<alerts_url>>\n"
        "libraries:\n  Movies:\n    collection_files:\n      - file: collections/movies.yml\n"
    )
    for name, value in [
        ("plex_url", "http://127.0.0.1:32400"),
        ("plex_token", TOKEN),
        ("alerts_url", "http://127.0.0.1:9/h"),
    ]:
        data(client.put(f"/api/secrets/{name}", json={"value": value}), 201)

    with app.app_context():
        env = run_environment(get_session(), load_secrets_key(app.extensions["kometa_settings"]))
    loaded = load_config(config, engine_secrets(env))

    assert loaded.plex is not None and loaded.plex.token == TOKEN
    assert loaded.webhooks.error == ["http://127.0.0.1:9/h"]
    with pytest.raises(ConfigError, match="KOMETA_ALERTS_URL is not set"):
        load_config(config, engine_secrets({k: v for k, v in env.items() if k != "KOMETA_ALERTS_URL"}))


def test_a_stored_value_written_literally_into_a_file_is_refused_where_it_is(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    """Even where no rule would spot it (a comment, an innocent key), a stored secret's value never enters git."""
    data(client.put("/api/secrets/plex_token", json={"value": TOKEN}), 201)
    content = f"collections:\n  Keep:\n    # old token {TOKEN}\n    plex_all: true\n"
    head = repo.head()
    resp = client.put("/api/files/collections/new.yml", json={"content": content, "base": head})
    body = resp.get_json()
    assert resp.status_code == 422 and body["error"]["code"] == "secret_detected", body
    (finding,) = body["error"]["details"]["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == ("collections/new.yml", 3, 17)
    assert finding["kind"] == "stored_secret" and "<<plex_token>>" in finding["message"]
    assert TOKEN not in resp.get_data(as_text=True)
    assert repo.head() == head
