"""The Kometa-compatible engine."""
