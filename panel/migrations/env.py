"""Alembic's environment for the panel database.

The :class:`alembic.config.Config` is built in code (:func:`panel.db.alembic_config`): it carries the
database URL, or an open connection, in ``config.attributes``; no ``alembic.ini`` is read.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from panel.db import Base, make_engine

config = context.config


def _render_item(kind: str, obj: Any, _context: Any) -> str | bool:
    """Autogenerate writes a model's own column types (``UTCDateTime``) as their plain SQL type."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


OPTIONS: dict[str, Any] = {
    "target_metadata": Base.metadata,
    "render_as_batch": True,
    "compare_type": True,
    "render_item": _render_item,
}


def _run(connection: Connection) -> None:
    context.configure(connection=connection, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Offline (``--sql``): emit SQL for the URL's dialect; online: use the given connection or the URL."""
    if context.is_offline_mode():
        context.configure(url=config.attributes["url"], literal_binds=True, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection: Connection | None = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.attributes["url"])
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


main()
