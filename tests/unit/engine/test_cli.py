"""Command-line flags, KOMETA_* environment variables (which win over flags), and secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.cli import FLAG_ENV, FLAGS, CliError, Options, collect_secrets, parse_args, secrets_from_env

# (flag option, its value on the command line or None for a switch, Options attribute, expected value)
FLAG_CASES: list[tuple[str, str | None, str, Any]] = [
    ("--config", "/c/config.yml", "config", Path("/c/config.yml")),
    ("-c", "my.yml", "config", Path("my.yml")),
    ("--run", None, "run", True),
    ("-r", None, "run", True),
    ("--times", "06:00|18:30", "times", ["06:00", "18:30"]),
    ("-t", "6:05,23:59", "times", ["06:05", "23:59"]),
    ("--run-libraries", "Movies|TV Shows", "run_libraries", ["Movies", "TV Shows"]),
    ("-rl", "Movies", "run_libraries", ["Movies"]),
    ("--run-files", "Movies.yml|genre.yaml|Other", "run_files", ["Movies", "genre", "Other"]),
    ("-rf", "a.yml", "run_files", ["a"]),
    ("--collections-only", None, "collections_only", True),
    ("-co", None, "collections_only", True),
    ("--operations-only", None, "operations_only", True),
    ("-op", None, "operations_only", True),
    ("--overlays-only", None, "overlays_only", True),
    ("-ov", None, "overlays_only", True),
    ("--metadata-only", None, "metadata_only", True),
    ("-mo", None, "metadata_only", True),
    ("--playlists-only", None, "playlists_only", True),
    ("-po", None, "playlists_only", True),
    ("--ignore-schedules", None, "ignore_schedules", True),
    ("-is", None, "ignore_schedules", True),
    ("--read-only-config", None, "read_only_config", True),
    ("-ro", None, "read_only_config", True),
    ("--trace", None, "trace", True),
    ("-tr", None, "trace", True),
    ("--debug", None, "debug", True),
    ("-db", None, "debug", True),
    ("--log-requests", None, "log_requests", True),
    ("-lr", None, "log_requests", True),
    ("--timeout", "30", "timeout", 30),
    ("-ti", "5", "timeout", 5),
    ("--width", "120", "width", 120),
    ("-w", "300", "width", 300),
    ("--divider", "*", "divider", "*"),
    ("-d", "-", "divider", "-"),
    ("--no-verify-ssl", None, "no_verify_ssl", True),
    ("-nv", None, "no_verify_ssl", True),
    ("--dry-run", None, "dry_run", True),
    ("--report", "out/report.json", "report", Path("out/report.json")),
    ("--validate", None, "validate", True),
    ("--format", "json", "format", "json"),
    ("--strict", None, "strict", True),
]

# (environment variable, value, Options attribute, expected value)
ENV_CASES: list[tuple[str, str, str, Any]] = [
    ("KOMETA_CONFIG", "/e/config.yml", "config", Path("/e/config.yml")),
    ("KOMETA_RUN", "true", "run", True),
    ("KOMETA_TIMES", "01:00|02:00", "times", ["01:00", "02:00"]),
    ("KOMETA_TIME", "03:00", "times", ["03:00"]),
    ("KOMETA_RUN_LIBRARIES", "A|B", "run_libraries", ["A", "B"]),
    ("KOMETA_RUN_FILES", "x.yml", "run_files", ["x"]),
    ("KOMETA_COLLECTIONS_ONLY", "t", "collections_only", True),
    ("KOMETA_OPERATIONS_ONLY", "1", "operations_only", True),
    ("KOMETA_OVERLAYS_ONLY", "yes", "overlays_only", True),
    ("KOMETA_METADATA_ONLY", "TRUE", "metadata_only", True),
    ("KOMETA_PLAYLISTS_ONLY", "True", "playlists_only", True),
    ("KOMETA_IGNORE_SCHEDULES", "true", "ignore_schedules", True),
    ("KOMETA_READ_ONLY_CONFIG", "true", "read_only_config", True),
    ("KOMETA_TRACE", "true", "trace", True),
    ("KOMETA_DEBUG", "true", "debug", True),
    ("KOMETA_LOG_REQUESTS", "true", "log_requests", True),
    ("KOMETA_TIMEOUT", "42", "timeout", 42),
    ("KOMETA_WIDTH", "90", "width", 90),
    ("KOMETA_DIVIDER", "#", "divider", "#"),
    ("KOMETA_NO_VERIFY_SSL", "true", "no_verify_ssl", True),
    ("KOMETA_DRY_RUN", "true", "dry_run", True),
    ("KOMETA_REPORT", "r.json", "report", Path("r.json")),
    ("KOMETA_VALIDATE", "true", "validate", True),
    ("KOMETA_FORMAT", "JSON", "format", "json"),
    ("KOMETA_STRICT", "true", "strict", True),
    ("PMM_WIDTH", "150", "width", 150),
]


def test_defaults() -> None:
    assert parse_args([], {}) == Options()
    options = Options()
    assert options.config == Path("config/config.yml")
    assert options.times == ["05:00"]
    assert (options.timeout, options.width, options.divider, options.format) == (180, 100, "=", "text")
    assert options.report is None
    assert not options.run and not options.dry_run


@pytest.mark.parametrize(("option", "value", "attribute", "expected"), FLAG_CASES)
def test_each_flag(option: str, value: str | None, attribute: str, expected: Any) -> None:
    argv = [option] if value is None else [option, value]
    assert getattr(parse_args(argv, {}), attribute) == expected


@pytest.mark.parametrize(("name", "value", "attribute", "expected"), ENV_CASES)
def test_each_env_var(name: str, value: str, attribute: str, expected: Any) -> None:
    assert getattr(parse_args([], {name: value}), attribute) == expected


def test_every_flag_has_a_tested_env_var() -> None:
    tested = {name for name, *_ in ENV_CASES}
    primary = {flag.env_names[0] for flag in FLAGS}
    assert primary <= tested
    assert primary <= FLAG_ENV


@pytest.mark.parametrize(
    ("argv", "env", "attribute", "expected"),
    [
        (["--width", "120"], {"KOMETA_WIDTH": "200"}, "width", 200),
        (["--run"], {"KOMETA_RUN": "false"}, "run", False),
        (["--debug"], {"KOMETA_DEBUG": "no"}, "debug", False),
        (["--dry-run"], {"KOMETA_DRY_RUN": "0"}, "dry_run", False),
        (["--times", "01:00"], {"KOMETA_TIMES": "02:00"}, "times", ["02:00"]),
        (["-rl", "A"], {"KOMETA_RUN_LIBRARIES": "B|C"}, "run_libraries", ["B", "C"]),
        (["--report", "a.json"], {"KOMETA_REPORT": "b.json"}, "report", Path("b.json")),
        (["--format", "json"], {"KOMETA_FORMAT": "text"}, "format", "text"),
        (["-c", "a.yml"], {"KOMETA_CONFIG": "b.yml"}, "config", Path("b.yml")),
        (["--width", "120"], {"KOMETA_WIDTH": "200", "PMM_WIDTH": "250"}, "width", 200),
        (["--width", "120"], {"KOMETA_WIDTH": ""}, "width", 120),
    ],
)
def test_env_wins_over_flag(argv: list[str], env: dict[str, str], attribute: str, expected: Any) -> None:
    assert getattr(parse_args(argv, env), attribute) == expected


@pytest.mark.parametrize("word", ["t", "true", "TRUE", "1", "yes", "Yes"])
def test_true_words(word: str) -> None:
    assert parse_args([], {"KOMETA_RUN": word}).run is True


@pytest.mark.parametrize("word", ["f", "false", "False", "0", "no", "NO"])
def test_false_words(word: str) -> None:
    assert parse_args(["--run"], {"KOMETA_RUN": word}).run is False


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        ([], {"KOMETA_TIMEOUT": "abc"}, "KOMETA_TIMEOUT: must be an integer at least 1, got 'abc'"),
        (["--timeout", "0"], {}, "--timeout: must be an integer at least 1, got '0'"),
        (["--width", "50"], {}, "--width: must be an integer between 90 and 300, got '50'"),
        (["-w", "301"], {}, "--width: must be an integer between 90 and 300, got '301'"),
        ([], {"KOMETA_WIDTH": "wide"}, "KOMETA_WIDTH: must be an integer between 90 and 300, got 'wide'"),
        (
            [],
            {"KOMETA_RUN": "maybe"},
            "KOMETA_RUN: must be true or false (t/true/1/yes or f/false/0/no), got 'maybe'",
        ),
        (
            ["--times", "25:00"],
            {},
            "--times: '25:00' is not a time of day; use HH:MM (00:00-23:59), separated by | or ,",
        ),
        (
            [],
            {"KOMETA_TIMES": "05:00|noon"},
            "KOMETA_TIMES: 'noon' is not a time of day; use HH:MM (00:00-23:59), separated by | or ,",
        ),
        (
            ["--times", "05:60"],
            {},
            "--times: '05:60' is not a time of day; use HH:MM (00:00-23:59), separated by | or ,",
        ),
        (["--divider", "=="], {}, "--divider: must be a single character, got '=='"),
        (["--format", "xml"], {}, "--format: must be text or json, got 'xml'"),
        ([], {"PMM_TIMEOUT": "x"}, "PMM_TIMEOUT: must be an integer at least 1, got 'x'"),
        (["--width"], {}, "argument --width/-w: expected one argument"),
        (["--bogus"], {}, "unrecognized arguments: --bogus"),
        (["--kometa-token"], {}, "--kometa-token: expected a value"),
    ],
)
def test_bad_values(argv: list[str], env: dict[str, str], message: str) -> None:
    with pytest.raises(CliError) as info:
        parse_args(argv, env)
    assert str(info.value) == message


def test_cli_error_is_a_value_error() -> None:
    assert issubclass(CliError, ValueError)


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["--run-libraries", "Movies"], {}),
        (["--run-files", "a"], {}),
        ([], {"KOMETA_RUN_LIBRARIES": "Movies"}),
        ([], {"KOMETA_RUN_FILES": "a.yml"}),
    ],
)
def test_run_libraries_and_files_imply_run(argv: list[str], env: dict[str, str]) -> None:
    assert parse_args(argv, env).run is True


def test_pipe_lists_drop_blanks() -> None:
    options = parse_args(["-rl", " Movies | |TV ", "-rf", "a.YML|b.yaml|c.yml.bak"], {})
    assert options.run_libraries == ["Movies", "TV"]
    assert options.run_files == ["a", "b", "c.yml.bak"]


def test_long_aliases() -> None:
    options = parse_args(["--time", "04:00", "--libraries", "A", "--run-file", "x", "--overlay"], {})
    assert (options.times, options.run_libraries, options.run_files) == (["04:00"], ["A"], ["x"])
    assert options.overlays_only
    assert parse_args([], {"KOMETA_LIBRARY": "Z"}).run_libraries == ["Z"]


def test_no_prefix_abbreviations() -> None:
    with pytest.raises(CliError, match="unrecognized arguments: --conf"):
        parse_args(["--conf", "x.yml"], {})


def test_cli_secrets() -> None:
    options = parse_args(
        ["--kometa-MyToken", "abc", "--pmm-other=x=y", "-pu", "http://p", "--plex-token", "t"], {}
    )
    assert options.secrets == {
        "MyToken": "abc",
        "mytoken": "abc",
        "other": "x=y",
        "plex_url": "http://p",
        "plex_token": "t",
    }


def test_ignored_kometa_env_vars() -> None:
    options = parse_args([], {"KOMETA_NO_COUNTDOWN": "true", "KOMETA_TESTS": "", "KOMETA_RUN": "1"})
    assert options.ignored_env == ["KOMETA_NO_COUNTDOWN"]


def test_secrets_from_env() -> None:
    env = {
        "KOMETA_PLEXTOKEN": "tok",
        "KOMETA_MyKey": "k",
        "KOMETA_PLEX_URL": "http://plex:32400",
        "KOMETA_RUN": "true",
        "KOMETA_RUN_LIBRARIES": "Movies",
        "KOMETA_DRY_RUN": "true",
        "KOMETA_REPORT": "r.json",
        "KOMETA_NO_COUNTDOWN": "true",
        "KOMETA_DOCKER": "True",
        "PMM_OLD": "old",
        "PMM_PLEXTOKEN": "loses",
        "PMM_RUN": "true",
        "HOME": "/root",
        "KOMETA_": "empty name",
    }
    assert secrets_from_env(env) == {
        "plextoken": "tok",
        "PLEXTOKEN": "tok",
        "mykey": "k",
        "MyKey": "k",
        "plex_url": "http://plex:32400",
        "PLEX_URL": "http://plex:32400",
        "old": "old",
        "OLD": "old",
    }


def test_secrets_from_env_with_explicit_flags() -> None:
    env = {"KOMETA_RUN": "true", "KOMETA_A": "1"}
    assert secrets_from_env(env, flags=["KOMETA_A"]) == {"run": "true", "RUN": "true"}


def test_collect_secrets_env_wins() -> None:
    options = parse_args(["--kometa-token", "cli", "--kometa-only", "c", "-pu", "http://cli"], {})
    env = {"KOMETA_TOKEN": "env", "KOMETA_PLEX_URL": "http://env"}
    secrets = collect_secrets(options, env)
    assert secrets["token"] == "env"
    assert secrets["only"] == "c"
    assert secrets["plex_url"] == "http://env"
