"""Flask CLI commands: ``flask --app panel create-admin USERNAME [--password ...]``."""

from __future__ import annotations

import secrets

import click
from flask import Flask
from flask.cli import with_appcontext

from panel.auth import create_user
from panel.db import audit, get_session
from panel.errors import ApiError


@click.command("create-admin")
@click.argument("username")
@click.option("--password", help="the password; without it you are asked (empty: one is generated)")
@with_appcontext
def create_admin(username: str, password: str | None) -> None:
    """Create an admin user (the first one, or another)."""
    generated = False
    if password is None:
        password = click.prompt(
            "Password (empty to generate one)",
            default="",
            hide_input=True,
            confirmation_prompt=True,
            show_default=False,
        )
    if not password:
        password, generated = secrets.token_urlsafe(18), True
    if len(password) < 8:
        raise click.UsageError("the password must be at least 8 characters")
    session = get_session()
    try:
        create_user(session, username, password, "admin")
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    audit(session, "user_create", user=None, target=username, role="admin", source="cli")
    session.commit()
    click.echo(f"created admin {username!r}")
    if generated:
        click.echo(f"password (shown once): {password}")


def register_cli(app: Flask) -> None:
    """Add the panel's commands to ``flask --app panel``."""
    app.cli.add_command(create_admin)
