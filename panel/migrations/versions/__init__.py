"""Revision scripts of the panel database (loaded by Alembic, not imported)."""
