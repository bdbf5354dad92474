"""Flask CLI commands: ``flask --app panel create-admin USERNAME [--password ...] [--first]`` and the database
migrations, ``flask --app panel db upgrade|downgrade|current|history|stamp|revision``."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import click
from alembic import command
from alembic.util import CommandError
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from panel.api.common import get_settings
from panel.auth import create_user
from panel.db import User, audit, database_url, get_session
from panel.errors import ApiError
from panel.migrations import alembic_config, current_revisions, file_lock, script_directory


@click.command("create-admin")
@click.argument("username")
@click.option("--password", help="the password; without it you are asked (empty: one is generated)")
@click.option(
    "--first",
    is_flag=True,
    help="only when the panel has no user yet (else do nothing); generate the password unless given",
)
@with_appcontext
def create_admin(username: str, password: str | None, first: bool) -> None:
    """Create an admin user (the first one, or another)."""
    session = get_session()
    if first and session.scalar(select(func.count()).select_from(User)):
        return
    generated = False
    if password is None and not first:
        password = _ask_password()
    if not password:
        password, generated = secrets.token_urlsafe(18), True
    if len(password) < 8:
        raise click.UsageError("the password must be at least 8 characters")
    try:
        create_user(session, username, password, "admin")
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    audit(session, "user_create", user=None, target=username, role="admin", source="cli")
    session.commit()
    click.echo(f"created admin {username!r}")
    if generated:
        click.echo(f"password (shown once): {password}")


def _ask_password() -> str:
    """The password typed twice, or empty (Enter alone) for a generated one, which needs no repeat."""
    password: str = click.prompt(
        "Password (Enter alone generates one)", default="", hide_input=True, show_default=False
    )
    if password and click.prompt("Repeat the password", hide_input=True) != password:
        raise click.UsageError("the two passwords differ; nothing was created")
    return password


db = AppGroup(
    "db",
    help="The panel database's migrations. The app upgrades to head when it starts, unless "
    "KOMETA_PANEL_AUTO_MIGRATE=0 (then run `db upgrade` once per release).",
)


def _run(action: Callable[..., object], *args: object, **kwargs: object) -> None:
    """One alembic command on the app's database, under the migration lock; errors as CLI errors."""
    settings = get_settings()
    try:
        with file_lock(settings.data_dir / "migrate.lock"):
            action(alembic_config(database_url(settings)), *args, **kwargs)
    except CommandError as exc:
        raise click.ClickException(str(exc)) from None


@db.command("upgrade")
@click.argument("revision", default="head")
@click.option("--sql", is_flag=True, help="print the SQL instead of running it")
def db_upgrade(revision: str, sql: bool) -> None:
    """Upgrade the database to REVISION (default: head)."""
    _run(command.upgrade, revision, sql=sql)


@db.command("downgrade")
@click.argument("revision")
@click.option("--sql", is_flag=True, help="print the SQL instead of running it")
def db_downgrade(revision: str, sql: bool) -> None:
    """Downgrade the database to REVISION (a revision id, -1 for one step, or base for empty)."""
    _run(command.downgrade, revision, sql=sql)
    if get_settings().auto_migrate and not sql:
        click.echo("note: the panel upgrades to head again when it starts; to stay at this revision run")
        click.echo("the matching older release, or set KOMETA_PANEL_AUTO_MIGRATE=0")


@db.command("current")
def db_current() -> None:
    """Print the database's revision ("(head)" when it is the newest, "base" when it has none)."""
    engine: Engine = current_app.extensions["kometa_db_engine"]
    with engine.connect() as connection:
        current = current_revisions(connection)
    heads = script_directory().get_heads()
    shown = [f"{rev} (head)" if rev in heads else rev for rev in current]
    click.echo(", ".join(shown) or "base (no revision recorded)")


@db.command("history")
def db_history() -> None:
    """List the revisions, newest first."""
    _run(command.history)


@db.command("stamp")
@click.argument("revision")
def db_stamp(revision: str) -> None:
    """Record REVISION as the database's revision without running any migration."""
    _run(command.stamp, revision)


@db.command("revision")
@click.option("-m", "--message", required=True, help="what the revision changes")
@click.option("--autogenerate", is_flag=True, help="write the operations from the models' differences")
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new revision script into panel/migrations/versions (for developers)."""
    _run(command.revision, message=message, autogenerate=autogenerate)


def register_cli(app: Flask) -> None:
    """Add the panel's commands to ``flask --app panel``."""
    app.cli.add_command(create_admin)
    app.cli.add_command(db)
