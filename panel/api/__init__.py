"""The JSON API under ``/api``: one parent blueprint holding the files and history blueprints."""

from __future__ import annotations

from flask import Blueprint

from panel.api import files, history

bp = Blueprint("api", __name__, url_prefix="/api")
bp.register_blueprint(files.bp)
bp.register_blueprint(history.bp)
