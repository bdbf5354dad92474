"""`- default: NAME` blocks in a run: a Kometa default this engine does not ship is skipped with a warning
(never failing the run), a name Kometa does not know fails only its block, and the other files still build."""

from __future__ import annotations

from plexsim.model import Item
from tests.support.engine_e2e import Engine, keys

ALL_MOVIES = """\
collections:
  Every Movie:
    plex_all: true
"""
LIBRARIES = """\
Movies:
  collection_files:
    - default: basic
    - git: PMM/chart/imdb
    - pmm: oscars
    - file: movies.yml
{extra}"""


def place(engine: Engine, block: str) -> str:
    """`config.yml:line:col` of the key of the list item `- block` in config.yml."""
    lines = engine.config_path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.strip() == f"- {block}")
    return f"{engine.config_path}:{line}:{lines[line - 1].index(block) + 1}"


def test_unshipped_kometa_defaults_are_skipped_with_warnings(engine: Engine, movies: list[Item]) -> None:
    engine.write("movies.yml", ALL_MOVIES)
    engine.write_config(libraries=LIBRARIES.format(extra=""))
    report = engine.run()
    library = report.libraries[0]
    assert not report.failed and library.errors == []
    assert library.warnings == [
        f"{place(engine, block)}: Kometa default `{name}` is not shipped by this engine yet; it is skipped"
        for block, name in (
            ("default: basic", "basic"),
            ("git: PMM/chart/imdb", "imdb"),
            ("pmm: oscars", "oscars"),
        )
    ]
    assert [(c.name, c.status) for c in library.collections] == [("Every Movie", "created")]
    assert sorted(engine.members("Every Movie")) == sorted(keys(movies))
    warned = [e["message"] for e in engine.events if e.get("event") == "warning"]
    assert any("`imdb` is not shipped" in message for message in warned)


def test_an_unknown_default_fails_only_its_block(engine: Engine, movies: list[Item]) -> None:
    engine.write("movies.yml", ALL_MOVIES)
    engine.write_config(libraries=LIBRARIES.format(extra="    - default: nonsense\n"))
    report = engine.run()
    library = report.libraries[0]
    assert report.failed
    assert library.errors == [
        f"{place(engine, 'default: nonsense')}: no default named `nonsense` for movie libraries"
    ]
    assert len(library.warnings) == 3
    assert sorted(engine.members("Every Movie")) == sorted(keys(movies))
