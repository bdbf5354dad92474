"""The JSON API under ``/api``: one parent blueprint holding auth, users, files, history, system blueprints."""

from __future__ import annotations

from flask import Blueprint

from panel.api import auth, docs, files, history, system, users
from panel.api.audit import bp as audit_bp
from panel.api.collections import bp as collections_bp
from panel.api.imports import bp as imports_bp
from panel.api.libraries import bp as libraries_bp
from panel.api.overlays import bp as overlays_bp
from panel.api.posters import bp as posters_bp
from panel.api.preview import bp as preview_bp
from panel.api.secrets import bp as secrets_bp

bp = Blueprint("api", __name__, url_prefix="/api")
bp.register_blueprint(auth.bp)  # /auth/* and /health
bp.register_blueprint(users.bp)  # /users and /tokens
bp.register_blueprint(files.bp)
bp.register_blueprint(history.bp)
bp.register_blueprint(system.bp)
bp.register_blueprint(preview_bp)  # /collections/preview
bp.register_blueprint(posters_bp)  # /plex/libraries/<section>/items/<rating_key>/poster
bp.register_blueprint(collections_bp)  # /collections and /system/config
bp.register_blueprint(libraries_bp)  # /libraries (Plex sections and what config.yml manages)
bp.register_blueprint(overlays_bp)  # /overlays
bp.register_blueprint(docs.bp)  # /openapi.json and /docs (public)
bp.register_blueprint(audit_bp)  # /audit (admin)
bp.register_blueprint(secrets_bp)  # /secrets (admin)
bp.register_blueprint(imports_bp)  # /import and /import/commit (stage a Kometa config folder, then commit it)
