"""The JSON API under ``/api``: one parent blueprint holding the files and history blueprints."""

from __future__ import annotations

from flask import Blueprint

from panel.api import files, history, system
from panel.api.collections import bp as collections_bp

bp = Blueprint("api", __name__, url_prefix="/api")
bp.register_blueprint(files.bp)
bp.register_blueprint(history.bp)
bp.register_blueprint(system.bp)
bp.register_blueprint(collections_bp)  # /collections and /system/config
