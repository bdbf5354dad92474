"""``/api/system/config``: ``config.yml`` as text and as data; writes go through the files API's checks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from ruamel.yaml.error import YAMLError

from modules.yamlio import plain
from panel.api.answers import CommitResult
from panel.api.common import check_changes, get_repo, resolve_base
from panel.api.envelope import ok
from panel.api.files import AtRev, FileWrite, write_changes
from panel.openapi import documented
from panel.yaml_edit import load_rt

bp = Blueprint("system_config", __name__)
CONFIG = "config.yml"


def _data(text: str) -> Any:
    """The config as plain JSON data, or None when it does not parse (validation tells why)."""
    try:
        return plain(load_rt(text))
    except (YAMLError, ValueError):
        return None


@bp.get("/system/config")
@documented(query=AtRev)
def get_config(query: AtRev) -> tuple[Response, int]:
    """``{path, content, blob, commit, data}`` of ``config.yml`` at ``?rev=`` (default main)."""
    repo = get_repo()
    sha = repo.resolve(query.rev or "main")
    raw, blob = repo.read_file(CONFIG, sha)
    content = raw.decode("utf-8", "replace")
    return ok({"path": CONFIG, "content": content, "blob": blob, "commit": sha, "data": _data(content)})


@bp.put("/system/config")
@documented(body=FileWrite, data=CommitResult)
def put_config(body: FileWrite) -> tuple[Response, int]:
    """Replace ``config.yml``: JSON ``{content, base, message?}``, validated, committed on ``base``."""
    base = resolve_base(body.base)
    message = body.message or f"Update {CONFIG}"
    changes: dict[str, bytes | None] = {CONFIG: body.content.encode("utf-8")}
    check_changes(changes)
    return write_changes(get_repo(), changes, base, message)
