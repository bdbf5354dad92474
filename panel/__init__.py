"""Kometa Panel: the Flask service (app factory comes later)."""
