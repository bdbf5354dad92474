"""Writing small Kometa config folders for validator tests."""

from __future__ import annotations

from pathlib import Path


def doc(*lines: str) -> str:
    """A YAML text from its lines."""
    return "\n".join(lines) + "\n"


def write(folder: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative name -> text) under ``folder``; the path of its config.yml."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder / "config.yml"


def library(name: str, *blocks: str) -> str:
    """config.yml with one library whose collection_files are `blocks` (each a `- ...` line or lines)."""
    return doc("libraries:", f"  {name}:", "    collection_files:", *blocks)
