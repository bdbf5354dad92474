"""`validate_config` and `default:` blocks: Kometa defaults this engine does not ship are `unsupported`
warnings, names Kometa does not know are `unknown-default` errors, overlay_files use overlay defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.validate import validate_config
from tests.support.config_files import doc, library, write

KOMETA_DEFAULTS_CONFIG = doc(
    "libraries:",
    "  Movies:",
    "    collection_files:",
    "      - default: basic",
    "      - default: imdb",
    "      - default: seasonal",
    "        template_variables:",
    "          schedule_independence: daily",
    "          use_memorial: false",
    "      - default: universe",
    "      - pmm: oscars",
    "      - git: PMM/chart/tmdb",
    "      - default: separator_award",
    "      - default: genre",
    "    overlay_files:",
    "      - default: ribbon",
    "      - default: resolution",
    "        template_variables:",
    "          use_edition: false",
    "      - default: audio_codec",
    "      - remove_overlays: false",
    "  TV Shows:",
    "    collection_files:",
    "      - default: basic",
    "      - default: network",
    "    overlay_files:",
    "      - default: status",
    "  Anime:",
    "    collection_files:",
    "      - default: anilist",
    "playlist_files:",
    "  - default: playlist",
    "    template_variables:",
    "      libraries: Movies, TV Shows",
)


def test_kometa_defaults_not_shipped_are_unsupported_warnings(tmp_path: Path) -> None:
    problems = validate_config(write(tmp_path, {"config.yml": KOMETA_DEFAULTS_CONFIG}))
    assert {p.severity for p in problems} == {"warning"}
    assert [p.line for p in problems if p.code == "unsupported"] == [
        4,
        5,
        6,
        10,
        11,
        12,
        13,
        15,
        16,
        17,
        20,
        24,
        26,
        27,
        30,
        31,
        32,
    ]
    assert problems[0].message == "Kometa default `basic` is not shipped by this engine yet; it is skipped"
    ribbon = next(p for p in problems if p.line == 16)
    assert (
        ribbon.message == "Kometa overlay default `ribbon` is not shipped by this engine yet; it is skipped"
    )
    assert ribbon.pointer == "/libraries/Movies/overlay_files/0/default"


@pytest.mark.parametrize(
    ("block", "message", "hint"),
    [
        ("- default: nonsense", "no default named `nonsense` for movie libraries", None),
        ("- default: genres", "no default named `genres` for movie libraries", "did you mean `genre`?"),
        ("- git: PMM/award/basic", "no default named `award/basic`", "did you mean `chart/basic`?"),
        (
            "- default: ribbon",
            "no default named `ribbon` for movie libraries",
            "`ribbon` is an overlay default: list it under overlay_files",
        ),
    ],
)
def test_names_kometa_does_not_know_are_unknown_default_errors(
    tmp_path: Path, block: str, message: str, hint: str | None
) -> None:
    config = library("Movies", "      - default: basic", f"      {block}")
    problems = validate_config(write(tmp_path, {"config.yml": config}))
    errors = [
        (p.file, p.line, p.column, p.code, p.message, p.hint) for p in problems if p.severity == "error"
    ]
    assert errors == [(str(tmp_path / "config.yml"), 5, 9, "unknown-default", message, hint)]


def test_overlay_files_use_only_overlay_defaults(tmp_path: Path) -> None:
    config = doc(
        "libraries:",
        "  Movies:",
        "    overlay_files:",
        "      - default: resolution",
        "      - default: genre",
        "      - default: nonsense",
    )
    problems = validate_config(write(tmp_path, {"config.yml": config}))
    assert [(p.line, p.severity, p.code) for p in problems if p.code != "unsupported" or p.line == 4] == [
        (4, "warning", "unsupported"),
        (5, "error", "unknown-default"),
        (6, "error", "unknown-default"),
    ]
    assert "overlay default `resolution`" in problems[1].message


def test_library_type_from_kometa_defaults_it_uses(tmp_path: Path) -> None:
    config = library("Library", "      - default: seasonal", "      - default: decade")
    problems = validate_config(write(tmp_path, {"config.yml": config}))
    assert [(p.line, p.code) for p in problems] == [(4, "unsupported")]
