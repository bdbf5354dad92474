"""The secret store's building blocks: keys, names, values, encryption, and where config.yml uses
`<<name>>` placeholders."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from panel.db import Secret
from panel.secrets import (
    MAX_VALUE_BYTES,
    SecretError,
    Use,
    check_value,
    decrypt,
    encrypt,
    fernet_for,
    load_secrets_key,
    normalize_name,
    placeholder_uses,
)
from panel.settings import Settings


def stored(name: str, key: str, value: str) -> Secret:
    return Secret(name=name, value=encrypt(key, value))


# ---------------------------------------------------------------------------- keys


def test_a_fernet_key_is_used_as_it_is() -> None:
    key = Fernet.generate_key().decode()

    token = encrypt(key, "plex-token-123")

    assert Fernet(key.encode()).decrypt(token.encode()) == b"plex-token-123"


def test_any_other_text_is_a_passphrase_a_key_is_derived_from() -> None:
    token = encrypt("correct horse battery staple", "abc")

    assert fernet_for("correct horse battery staple").decrypt(token.encode()) == b"abc"
    assert decrypt("correct horse battery staple", Secret(name="x", value=token)) == "abc"
    with pytest.raises(SecretError):
        decrypt("another passphrase", Secret(name="x", value=token))


def test_without_a_configured_key_one_is_generated_into_the_data_dir_readable_only_by_us(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data")

    key = load_secrets_key(settings)

    path = tmp_path / "data" / "secrets_key"
    assert path.read_text() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secrets_key(settings) == key
    Fernet(key.encode())


def _load_at_once(settings: Settings, count: int) -> list[str]:
    """``load_secrets_key`` called by ``count`` threads released together."""
    keys: list[str] = []
    start = threading.Barrier(count)

    def load() -> None:
        start.wait()
        keys.append(load_secrets_key(settings))

    threads = [threading.Thread(target=load) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return keys


def test_threads_generating_the_key_at_once_all_get_the_one_written(tmp_path: Path) -> None:
    """First use in several threads at once: nobody reads the key file before its key is in it (an empty
    read would derive a different key and encrypt secrets no later start can open)."""
    for attempt in range(40):
        settings = Settings(data_dir=tmp_path / str(attempt))
        keys = _load_at_once(settings, 8)
        written = (settings.data_dir / "secrets_key").read_text()
        assert keys == [written] * 8 and written


def test_a_configured_key_wins_and_no_key_file_is_written(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secrets_key="my long passphrase")

    assert load_secrets_key(settings) == "my long passphrase"
    assert not (tmp_path / "data" / "secrets_key").exists()


def test_settings_read_the_key_and_the_migration_switch_from_the_environment() -> None:
    settings = Settings.from_env(
        {"KOMETA_PANEL_SECRETS_KEY": "s3cr3t-key", "KOMETA_PANEL_AUTO_MIGRATE": "off"}
    )

    assert settings.secrets_key == "s3cr3t-key"
    assert settings.auto_migrate is False
    assert "s3cr3t-key" not in repr(settings)
    assert Settings.from_env({}).auto_migrate is True
    with pytest.raises(ValueError, match="KOMETA_PANEL_AUTO_MIGRATE"):
        Settings.from_env({"KOMETA_PANEL_AUTO_MIGRATE": "maybe"})


def test_a_value_the_key_cannot_open_is_an_error_naming_the_secret_and_the_fix() -> None:
    secret = stored("plex_token", Fernet.generate_key().decode(), "abc")

    with pytest.raises(SecretError) as caught:
        decrypt(Fernet.generate_key().decode(), secret)

    assert caught.value.name == "plex_token"
    assert "'plex_token' cannot be decrypted" in caught.value.message
    assert "PUT /api/secrets/plex_token" in caught.value.message


def test_ciphertext_does_not_contain_the_value_and_differs_each_time() -> None:
    key = Fernet.generate_key().decode()

    first, second = encrypt(key, "hunter2-hunter2"), encrypt(key, "hunter2-hunter2")

    assert "hunter2" not in first
    assert first != second


# ---------------------------------------------------------------------------- names and values


@pytest.mark.parametrize(
    ("raw", "name"), [("plex_token", "plex_token"), ("TMDB_Key", "tmdb_key"), ("a", "a")]
)
def test_names_are_stored_lower_case(raw: str, name: str) -> None:
    assert normalize_name(raw) == name


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "must start with a letter"),
        ("1token", "must start with a letter"),
        ("plex-token", "must start with a letter"),
        ("x" * 65, "at most 64"),
        ("run", "KOMETA_RUN is one of the engine's own settings"),
        ("Config", "KOMETA_CONFIG is one of the engine's own settings"),
        ("panel_secret_key", "KOMETA_PANEL_"),
    ],
)
def test_names_that_cannot_be_secrets_are_refused_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalize_name(raw)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "must not be empty"),
        ("  \n", "must not be empty"),
        ("a\x00b", "NUL"),
        ("x" * (MAX_VALUE_BYTES + 1), "at most"),
        ("\ud800", "unpaired surrogate"),
    ],
)
def test_values_an_environment_variable_cannot_hold_are_refused(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_value(value)


def test_values_keep_spaces_and_unicode() -> None:
    check_value(" token with spaces ")
    check_value("clé-ünïcode")


# ---------------------------------------------------------------------------- placeholders


CONFIG = """\
plex:
  url: <<plex_url>>
  token: <<Plex_Token>>
webhooks:
  error: <<alerts_url>>
  run_end: [<<alerts_url>>]
libraries:
  Movies:
    collection_files:
      - file: collections/movies.yml
        template_variables:
          studio: <<studio>>
    settings:
      asset_directory: /assets/<<plex_token>>/<<plex_url>>
"""


def test_placeholders_are_found_with_their_lines_lower_cased() -> None:
    uses = placeholder_uses(CONFIG, "config.yml")

    assert uses == [
        Use("plex_url", "config.yml", 2),
        Use("plex_token", "config.yml", 3),
        Use("alerts_url", "config.yml", 5),
        Use("alerts_url", "config.yml", 6),
        Use("plex_token", "config.yml", 14),
        Use("plex_url", "config.yml", 14),
    ]


def test_template_variables_are_not_secrets() -> None:
    assert "studio" not in {use.name for use in placeholder_uses(CONFIG, "config.yml")}


def test_a_broken_config_has_no_placeholders_rather_than_an_error() -> None:
    assert placeholder_uses("plex: [unclosed\n  url: <<plex_url>>", "config.yml") == []
