"""`python kometa.py --validate [--config X] [--format text|json] [--strict]` as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
KEYS = ["file", "line", "column", "pointer", "severity", "code", "message", "hint"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KOMETA_", "PMM_"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "kometa.py"), "--validate", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_config(folder: Path, *, typo: bool = False, error: bool = False) -> Path:
    (folder / "movies.yml").write_text(
        "collections:\n  A:\n    plex_all: true\n"
        + ("    sumary: typo\n" if typo else "")
        + ("    sync_mode: mirror\n" if error else ""),
        encoding="utf-8",
    )
    config = folder / "config.yml"
    config.write_text(
        "libraries:\n  Movies:\n    collection_files:\n      - file: movies.yml\n", encoding="utf-8"
    )
    return config


def test_json_lists_problems_and_exits_1_on_errors(tmp_path: Path) -> None:
    result = run("--config", str(write_config(tmp_path, error=True)), "--format", "json")
    assert result.returncode == 1, result.stderr
    problems = json.loads(result.stdout)
    assert [list(p) for p in problems] == [KEYS]
    assert problems[0] == {
        "file": str(tmp_path / "movies.yml"),
        "line": 4,
        "column": 5,
        "pointer": "/collections/A/sync_mode",
        "severity": "error",
        "code": "schema-enum",
        "message": "`sync_mode` must be one of: append, sync (got 'mirror')",
        "hint": None,
    }


def test_warnings_alone_exit_0_and_strict_makes_unknown_keys_errors(tmp_path: Path) -> None:
    config = str(write_config(tmp_path, typo=True))
    lenient = run("--config", config, "--format", "json")
    assert lenient.returncode == 0, lenient.stderr
    assert [(p["severity"], p["code"]) for p in json.loads(lenient.stdout)] == [("warning", "unknown-key")]
    strict = run("--config", config, "--format", "json", "--strict")
    assert strict.returncode == 1
    assert [(p["severity"], p["code"]) for p in json.loads(strict.stdout)] == [("error", "unknown-key")]


def test_text_format_one_line_per_problem_and_a_summary(tmp_path: Path) -> None:
    result = run("--config", str(write_config(tmp_path, typo=True, error=True)))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert re.fullmatch(
        r".*movies\.yml:4:5: warning\[unknown-key\]: unknown key `sumary` in `A` \(did you mean `summary`\?\)",
        lines[0],
    )
    assert re.fullmatch(r".*movies\.yml:5:5: error\[schema-enum\]: .*\(got 'mirror'\)", lines[1])
    assert lines[-1] == "1 error, 1 warning in 1 file"


def test_config_repo_is_clean_with_its_secrets_and_warns_without_them() -> None:
    config = str(ROOT / "config-repo" / "config.yml")
    secrets = {"KOMETA_PLEX_URL": "http://127.0.0.1:32400", "KOMETA_PLEXTOKEN": "demo"}
    clean = run("--config", config, "--format", "json", env=secrets)
    assert (clean.returncode, json.loads(clean.stdout)) == (0, [])
    bare = run("--config", config, "--format", "json", env={"KOMETA_PANEL_DATA_DIR": "/tmp/panel"})
    assert bare.returncode == 0
    assert [p["code"] for p in json.loads(bare.stdout)] == ["placeholder", "placeholder"]
    partial = run("--config", config, "--format", "json", env={"KOMETA_PLEXTOKEN": "demo"})
    assert partial.returncode == 1
    assert [(p["line"], p["code"]) for p in json.loads(partial.stdout)] == [(10, "undeclared-secret")]


def test_flags_also_come_from_the_environment(tmp_path: Path) -> None:
    config = str(write_config(tmp_path, error=True))
    result = run(env={"KOMETA_VALIDATE": "true", "KOMETA_CONFIG": config, "KOMETA_FORMAT": "json"})
    assert result.returncode == 1
    assert json.loads(result.stdout)[0]["code"] == "schema-enum"


def test_missing_config_exits_1(tmp_path: Path) -> None:
    result = run("--config", str(tmp_path / "nope.yml"), "--format", "json")
    assert result.returncode == 1
    assert [p["code"] for p in json.loads(result.stdout)] == ["missing-file"]


def test_kometa_defaults_this_engine_lacks_exit_0_and_unknown_ones_exit_1(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    names = ("basic", "imdb", "seasonal", "universe", "anilist", "oscars", "separator_award")
    blocks = "".join(f"      - default: {name}\n" for name in names)
    config.write_text(f"libraries:\n  Movies:\n    collection_files:\n{blocks}", encoding="utf-8")
    lenient = run("--config", str(config), "--format", "json")
    assert lenient.returncode == 0, lenient.stderr
    found = json.loads(lenient.stdout)
    assert [(p["line"], p["severity"], p["code"]) for p in found] == [
        (line, "warning", "unsupported") for line in range(4, 4 + len(names))
    ]
    config.write_text(config.read_text(encoding="utf-8") + "      - default: nonsense\n", encoding="utf-8")
    unknown = run("--config", str(config))
    assert unknown.returncode == 1
    assert (
        f"{config}:11:9: error[unknown-default]: no default named `nonsense` for movie libraries"
        in unknown.stdout
    )
