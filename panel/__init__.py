"""Kometa Panel: the Flask service. ``create_app`` is the application factory."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import PathConverter

from panel.repo import ConfigRepo
from panel.settings import Settings


class AnyPathConverter(PathConverter):
    """Like ``path`` but also matches a leading ``/``, so absolute paths reach the path check (400)."""

    regex = ".+?"
    part_isolating = False


def open_repo(settings: Settings) -> ConfigRepo:
    """The config repository in the data directory, created from ``config-repo/`` if missing."""
    path = settings.repo_path
    if not (path / "HEAD").is_file():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            return ConfigRepo.create(path, settings.seed_dir, settings.author)
        except FileExistsError:  # another process created it meanwhile
            pass
    repo = ConfigRepo(path)
    repo.write_commit_graph()
    return repo


def create_app(settings: Settings | None = None) -> Flask:
    """Build the panel app: settings, config repository, database, auth, blueprints, error handlers, CLI."""
    from panel import api, frontend_route, schemas_route
    from panel.api.envelope import register_error_handlers
    from panel.audit_recovery import recover_for
    from panel.auth import init_auth
    from panel.cli import register_cli
    from panel.db import init_db

    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)  # panel/static is the web UI, served by frontend_route
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # Keep '//' in URLs so an absolute file path reaches the path check (a 400) instead of a redirect.
    app.url_map.merge_slashes = False
    app.url_map.converters["anypath"] = AnyPathConverter
    app.extensions["kometa_settings"] = settings
    app.extensions["kometa_repo"] = open_repo(settings)
    init_db(app, settings)
    init_auth(app, settings)
    register_cli(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(schemas_route.bp)
    app.register_blueprint(frontend_route.bp)
    register_error_handlers(app)
    recover_for(app)  # commits whose worker died before auditing them get their entry
    if settings.proxies:
        hops = settings.proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app
