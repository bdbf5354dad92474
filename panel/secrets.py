"""The secret store: values for config.yml's ``<<name>>`` placeholders, encrypted at rest with Fernet.

The key is ``KOMETA_PANEL_SECRETS_KEY``: a Fernet key (``Fernet.generate_key()``), or any other text, from
which a Fernet key is derived with HKDF-SHA256 (so use a long random passphrase). Without it a key is
generated into ``<data_dir>/secrets_key`` (mode 0600) on first use; production should set the variable,
since whoever can read the data directory could otherwise read the key next to the database.

A run gets the secrets as ``KOMETA_<NAME>`` environment variables (:func:`run_environment`), which the
engine reads for ``<<name>>`` exactly as Kometa does. Values are never logged, audited or returned.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from modules.cli import FLAG_ENV, KOMETA_ONLY_ENV
from modules.config_parts import PLACEHOLDER_RE
from modules.validate_document import load_document
from panel.db import Secret
from panel.keyfile import key_file
from panel.settings import Settings

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
KEY_FILE = "secrets_key"
# Linux refuses to start a process with one environment string over 128 KiB; stay well below.
MAX_VALUE_BYTES = 64 * 1024
ENV_PREFIX = "KOMETA_"
# Names whose KOMETA_ variable the engine reads as a flag (KOMETA_RUN, KOMETA_CONFIG...), or the panel's own.
RESERVED = frozenset(name.removeprefix(ENV_PREFIX).lower() for name in FLAG_ENV | KOMETA_ONLY_ENV)
RESERVED_PREFIXES = ("panel_",)
_HKDF_INFO = b"kometa-panel secret store v1"


class SecretError(Exception):
    """A secret that cannot be used; the message names it and says what to do."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


# ---------------------------------------------------------------------------- keys


def fernet_for(key: str) -> Fernet:
    """A Fernet for a configured key: used as is when it is a Fernet key, else derived with HKDF-SHA256."""
    text = key.strip()
    try:
        if len(text) == 44 and len(base64.b64decode(text, altchars=b"-_", validate=True)) == 32:
            return Fernet(text)
    except (binascii.Error, ValueError):
        pass
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def load_secrets_key(settings: Settings) -> str:
    """``KOMETA_PANEL_SECRETS_KEY``, or the key in ``<data_dir>/secrets_key`` (generated, 0600, when missing)."""
    if settings.secrets_key:
        return settings.secrets_key
    return key_file(settings.data_dir / KEY_FILE, lambda: Fernet.generate_key().decode("ascii"))


def _fernet(key: str | Fernet) -> Fernet:
    return key if isinstance(key, Fernet) else fernet_for(key)


# ---------------------------------------------------------------------------- names and values


def normalize_name(raw: str) -> str:
    """The stored (lower-case) name; ValueError saying why a name cannot be a secret."""
    name = raw.lower()
    if not NAME_RE.match(name):
        raise ValueError(
            f"secret name {raw!r} must start with a letter and have only letters, digits and '_' "
            "(at most 64 characters)"
        )
    if name in RESERVED:
        raise ValueError(f"{ENV_PREFIX}{name.upper()} is one of the engine's own settings, not a secret")
    if name.startswith(RESERVED_PREFIXES):
        raise ValueError("names starting with 'panel_' are kept for the panel's own KOMETA_PANEL_* settings")
    return name


def check_value(value: str) -> None:
    """ValueError when ``value`` cannot be an environment variable's value: empty, a NUL, or too long."""
    if not value.strip():
        raise ValueError("value must not be empty")
    if "\x00" in value:
        raise ValueError("value must not contain a NUL character")
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValueError("value must be valid Unicode text (it has an unpaired surrogate)") from None
    if size > MAX_VALUE_BYTES:
        raise ValueError(f"value must be at most {MAX_VALUE_BYTES} bytes")


def encrypt(key: str | Fernet, value: str) -> str:
    """The stored form of ``value``."""
    return _fernet(key).encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(key: str | Fernet, secret: Secret) -> str:
    """The value of a stored secret; :class:`SecretError` naming it when the key cannot open it."""
    try:
        return _fernet(key).decrypt(secret.value.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise SecretError(
            secret.name,
            f"secret {secret.name!r} cannot be decrypted with the current KOMETA_PANEL_SECRETS_KEY "
            f"(was the key changed?); set its value again with PUT /api/secrets/{secret.name}",
        ) from None


def readable(key: str | Fernet, secret: Secret) -> bool:
    """Whether the current key opens ``secret``."""
    try:
        decrypt(key, secret)
    except SecretError:
        return False
    return True


def all_secrets(session: Session) -> list[Secret]:
    """Every stored secret, by name."""
    return list(session.scalars(select(Secret).order_by(Secret.name)))


def run_environment(session: Session, key: str | Fernet) -> dict[str, str]:
    """``{"KOMETA_<NAME>": value}`` for every stored secret: what a run injects into the engine's environment.

    Raises :class:`SecretError` naming the first secret the key cannot decrypt.
    """
    fernet = _fernet(key)
    return {f"{ENV_PREFIX}{row.name.upper()}": decrypt(fernet, row) for row in all_secrets(session)}


# ---------------------------------------------------------------------------- placeholders in files


@dataclass(frozen=True)
class Use:
    """One ``<<name>>`` placeholder (lower-cased name) at a file and line."""

    name: str
    file: str
    line: int

    def place(self) -> dict[str, Any]:
        """The API's ``{file, line}``."""
        return {"file": self.file, "line": self.line}


def placeholder_uses(text: str, file: str) -> list[Use]:
    """The secret placeholders of a config file: every text value except under ``template_variables``
    (there ``<<x>>`` is a template variable), as the engine fills them."""
    document = load_document(text, file)
    found: dict[tuple[str, int], Use] = {}
    for path, value in _strings(document.data, ()):
        for name in PLACEHOLDER_RE.findall(value):
            line, _ = document.position(path)
            found.setdefault((name.lower(), line), Use(name.lower(), file, line))
    return sorted(found.values(), key=lambda use: (use.file, use.line, use.name))


def _strings(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "template_variables":
                yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
