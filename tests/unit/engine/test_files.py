"""Collection files: resolving file blocks, checking the top level, merging external templates."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import requests

from modules import files
from modules.config import FileRef, load_config
from modules.config_blocks import FileKind
from modules.errors import ConfigError, Location, UnsupportedError
from modules.files import CollectionFile, load_collection_files, merged_templates
from modules.yamlio import where

REF_AT = Location("config.yml", 7, 9)
BASIC = "collections:\n  Action:\n    plex_search: {}\n"


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    """(config dir, defaults dir)."""
    config_dir, defaults_dir = tmp_path / "config", tmp_path / "defaults"
    config_dir.mkdir()
    defaults_dir.mkdir()
    return config_dir, defaults_dir


def put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def ref(kind: FileKind, value: str, **variables: Any) -> FileRef:
    return FileRef(kind, value, dict(variables), None, REF_AT)


def load(
    dirs: tuple[Path, Path], block: FileRef, library_type: str = "movie", **kw: Any
) -> list[CollectionFile]:
    return load_collection_files(block, dirs[0], dirs[1], library_type, **kw)


def fails(dirs: tuple[Path, Path], block: FileRef, **kw: Any) -> str:
    with pytest.raises(ConfigError) as info:
        load(dirs, block, **kw)
    return str(info.value).replace(str(dirs[0].parent), "ROOT")


# --------------------------------------------------------------------------- resolving


def test_file(dirs: tuple[Path, Path]) -> None:
    path = put(
        dirs[0] / "Movies.yml",
        BASIC + "templates:\n  T:\n    sort_title: x\ndynamic_collections:\n  D:\n    type: genre\n",
    )
    [cf] = load(dirs, ref("file", "Movies.yml"))
    assert (cf.source, cf.path, cf.file) == ("Movies.yml", path, str(path))
    assert list(cf.collections) == ["Action"]
    assert list(cf.templates) == ["T"] and list(cf.dynamic_collections) == ["D"]
    assert cf.external_templates == [] and cf.ref.value == "Movies.yml"
    assert where(cf.collections, cf.file, "Action") == Location(str(path), 2, 3)
    assert cf.data["collections"] is cf.collections


@pytest.mark.parametrize(
    ("written", "on_disk"),
    [
        ("Movies", "Movies.yml"),
        ("Movies", "Movies.yaml"),
        ("Movies.yml", "Movies.yaml"),
        ("Movies.yaml", "Movies.yml"),
    ],
)
def test_yml_and_yaml_fall_back(dirs: tuple[Path, Path], written: str, on_disk: str) -> None:
    path = put(dirs[0] / "sub" / on_disk, BASIC)
    [cf] = load(dirs, ref("file", f"sub/{written}"))
    assert (cf.path, cf.source) == (path, f"sub/{on_disk}")


def test_yml_preferred_when_both_exist(dirs: tuple[Path, Path]) -> None:
    put(dirs[0] / "M.yml", BASIC)
    put(dirs[0] / "M.yaml", BASIC)
    assert load(dirs, ref("file", "M"))[0].source == "M.yml"
    assert load(dirs, ref("file", "M.yaml"))[0].source == "M.yaml"


def test_file_path_from_config(dirs: tuple[Path, Path]) -> None:
    put(dirs[0] / "Movies.yml", BASIC)
    config = put(
        dirs[0] / "config.yml",
        "plex: {url: http://p, token: t}\nlibraries:\n  M:\n    collection_files:\n      - file: config/Movies\n",
    )
    [block] = load_config(config, {}).libraries["M"].collection_files
    [cf] = load(dirs, block)
    assert cf.source == "Movies.yml"


def test_absolute_file_outside_config_dir(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    path = put(tmp_path / "elsewhere" / "x.yml", BASIC)
    [cf] = load(dirs, ref("file", str(path)))
    assert cf.source == "../elsewhere/x.yml"


def test_folder(dirs: tuple[Path, Path]) -> None:
    put(dirs[0] / "cols" / "b.yaml", BASIC)
    put(dirs[0] / "cols" / "a.yml", BASIC)
    put(dirs[0] / "cols" / "notes.txt", "x")
    put(dirs[0] / "cols" / "deeper" / "c.yml", BASIC)
    loaded = load(dirs, ref("folder", "cols"))
    assert [cf.source for cf in loaded] == ["cols/a.yml", "cols/b.yaml"]


@pytest.mark.parametrize(
    ("library_type", "expected"),
    [("movie", "movie/genre.yml"), ("show", "both/genre.yml"), ("artist", "both/genre.yml")],
)
def test_default_search_order(dirs: tuple[Path, Path], library_type: str, expected: str) -> None:
    for folder in ("movie", "both", ""):
        put(dirs[1] / folder / "genre.yml", BASIC)
    [cf] = load(dirs, ref("default", "genre"), library_type)
    assert cf.source == "default:genre"
    assert cf.path == dirs[1] / expected


def test_default_in_root_chart_and_award(dirs: tuple[Path, Path]) -> None:
    put(dirs[1] / "seasonal.yml", BASIC)
    put(dirs[1] / "chart" / "tmdb.yml", BASIC)
    put(dirs[1] / "award" / "oscars.yml", BASIC)
    assert load(dirs, ref("default", "seasonal"))[0].path == dirs[1] / "seasonal.yml"
    assert load(dirs, ref("default", "tmdb.yml"))[0].path == dirs[1] / "chart" / "tmdb.yml"
    assert load(dirs, ref("default", "oscars"))[0].path == dirs[1] / "award" / "oscars.yml"


def test_url(dirs: tuple[Path, Path]) -> None:
    seen: list[str] = []

    def fetch(url: str) -> str:
        seen.append(url)
        return BASIC

    [cf] = load(dirs, ref("url", "https://example.com/a.yml"), fetch=fetch)
    assert seen == ["https://example.com/a.yml"]
    assert (cf.source, cf.path, cf.file) == ("https://example.com/a.yml", None, "https://example.com/a.yml")
    assert list(cf.collections) == ["Action"]


def test_http_get_uses_timeout_and_status(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, Any]] = []

    class Response:
        text = BASIC

        def raise_for_status(self) -> None:
            calls.append(("raise_for_status", None))

    def get(url: str, timeout: Any = None) -> Response:
        calls.append((url, timeout))
        return Response()

    monkeypatch.setattr(files.requests, "get", get)
    assert files.http_get("https://x/y.yml") == BASIC
    assert calls == [("https://x/y.yml", 30), ("raise_for_status", None)]


def test_none_sections_are_empty(dirs: tuple[Path, Path]) -> None:
    put(dirs[0] / "t.yml", "templates:\ncollections:\n")
    [cf] = load(dirs, ref("file", "t.yml"))
    assert (cf.templates, cf.collections, cf.dynamic_collections) == ({}, {}, {})


# --------------------------------------------------------------------------- errors


def test_missing_file(dirs: tuple[Path, Path]) -> None:
    assert fails(dirs, ref("file", "Nope")) == (
        "config.yml:7:9: file: Nope: not found (looked for ROOT/config/Nope.yml and ROOT/config/Nope.yaml)"
    )


def test_missing_folder(dirs: tuple[Path, Path]) -> None:
    assert (
        fails(dirs, ref("folder", "cols"))
        == "config.yml:7:9: folder: cols: not a directory (ROOT/config/cols)"
    )


def test_empty_folder(dirs: tuple[Path, Path]) -> None:
    (dirs[0] / "cols").mkdir()
    assert fails(dirs, ref("folder", "cols")) == (
        "config.yml:7:9: folder: cols: has no .yml or .yaml files (ROOT/config/cols)"
    )


def test_unknown_default(dirs: tuple[Path, Path]) -> None:
    put(dirs[1] / "movie" / "genre.yml", BASIC)
    put(dirs[1] / "both" / "studio.yml", BASIC)
    put(dirs[1] / "show" / "network.yml", BASIC)
    assert fails(dirs, ref("default", "genres")) == (
        "config.yml:7:9: no default named `genres` for movie libraries (did you mean `genre`?)"
    )


def test_default_of_the_other_library_type(dirs: tuple[Path, Path]) -> None:
    put(dirs[1] / "show" / "network.yml", BASIC)
    assert fails(dirs, ref("default", "network")) == (
        "config.yml:7:9: no default named `network` for movie libraries "
        "(`network` is a default for show libraries)"
    )


def test_kometa_default_not_shipped_is_unsupported(dirs: tuple[Path, Path]) -> None:
    with pytest.raises(UnsupportedError) as info:
        load(dirs, ref("default", "genre"))
    assert (
        str(info.value)
        == "config.yml:7:9: Kometa default `genre` is not shipped by this engine yet; it is skipped"
    )


def test_default_with_folder_prefix(dirs: tuple[Path, Path]) -> None:
    path = put(dirs[1] / "chart" / "basic.yml", BASIC)
    assert [f.path for f in load(dirs, ref("default", "chart/basic"), "show")] == [path]


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (requests.ConnectionError("connection refused"), "connection refused"),
        (
            requests.HTTPError("404 Client Error: Not Found for url: https://x/a.yml"),
            "404 Client Error: Not Found for url: https://x/a.yml",
        ),
        (TimeoutError(), "TimeoutError"),
    ],
)
def test_url_unreachable(dirs: tuple[Path, Path], error: Exception, reason: str) -> None:
    def fetch(url: str) -> str:
        raise error

    assert fails(dirs, ref("url", "https://x/a.yml"), fetch=fetch) == (
        f"config.yml:7:9: url: https://x/a.yml: cannot download: {reason}"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "collections:\n  A: {plex_search: [}\n",
            "F:2:21: YAML syntax error: while parsing a flow node expected the node content, but found '}'",
            id="yaml-syntax",
        ),
        pytest.param(
            "collections:\n  A: {}\n  A: {}\n",
            'F:3:3: YAML syntax error: while constructing a mapping found duplicate key "A" with value "{}" (original value: "{}")',
            id="duplicate-keys",
        ),
        pytest.param(
            BASIC + "overlays:\n  4K: {}\n",
            "F:4:1: overlays: not allowed in a collection file (allowed: templates, collections, dynamic_collections, external_templates, metadata); overlay files are not yet supported",
            id="overlays",
        ),
        pytest.param(
            BASIC + "playlists:\n  P: {}\n",
            "F:4:1: playlists: not allowed in a collection file (allowed: templates, collections, dynamic_collections, external_templates, metadata); playlists belong in playlist_files, which are not yet supported",
            id="playlists",
        ),
        pytest.param(
            BASIC + "colections:\n  B: {}\n",
            "F:4:1: colections: not allowed in a collection file (allowed: templates, collections, dynamic_collections, external_templates, metadata)",
            id="typo",
        ),
        pytest.param(
            "- Action\n- Drama\n",
            "F:1:1: a collection file must be a mapping with templates, collections, dynamic_collections, external_templates, metadata, got a list",
            id="not-mapping",
        ),
        pytest.param(
            "just text\n",
            "F: a collection file must be a mapping with templates, collections, dynamic_collections, external_templates, metadata, got str 'just text'",
            id="scalar",
        ),
        pytest.param(
            "",
            "F: collection file is empty; it needs one of templates, collections, dynamic_collections, external_templates, metadata",
            id="empty",
        ),
        pytest.param(
            "# only a comment\n",
            "F: collection file is empty; it needs one of templates, collections, dynamic_collections, external_templates, metadata",
            id="comment-only",
        ),
        pytest.param(
            "collections:\n  - Action\n",
            "F:1:1: collections: must be a mapping of name: definition, got a list",
            id="collections-list",
        ),
        pytest.param(
            "templates: yes\n",
            "F:1:1: templates: must be a mapping of name: definition, got str 'yes'",
            id="templates-scalar",
        ),
        pytest.param(
            BASIC + "external_templates:\n  - file: a.yml\n    url: https://x\n",
            "F:6:5: external_templates[0]: a file block takes only one of file, folder, default, url, git, repo; found file and url",
            id="external-two-kinds",
        ),
        pytest.param(
            BASIC + "external_templates: 5\n",
            "F:4:1: external_templates: must be a list of file blocks (- file: ..., - default: ...), got 5",
            id="external-not-list",
        ),
    ],
)
def test_collection_file_errors(dirs: tuple[Path, Path], text: str, message: str) -> None:
    path = put(dirs[0] / "F.yml", text)
    with pytest.raises(ConfigError) as info:
        load(dirs, ref("file", "F.yml"))
    assert str(info.value).replace(str(path), "F") == message


def test_url_file_errors_name_the_url(dirs: tuple[Path, Path]) -> None:
    with pytest.raises(ConfigError) as info:
        load(dirs, ref("url", "https://x/a.yml"), fetch=lambda url: "overlays: {}\n")
    assert str(info.value).startswith("https://x/a.yml:1:1: overlays: not allowed in a collection file")


# --------------------------------------------------------------------------- external templates


def test_external_templates_merge_under_own(dirs: tuple[Path, Path]) -> None:
    put(dirs[0] / "shared.yml", "templates:\n  Own:\n    from: shared\n  Shared:\n    from: shared\n")
    put(dirs[0] / "more.yml", "templates:\n  Shared:\n    from: more\n  More:\n    from: more\n")
    put(
        dirs[0] / "Movies.yml",
        """\
        external_templates:
          - file: shared.yml
            template_variables:
              lang: fr
          - file: more
        templates:
          Own:
            from: own
        collections:
          A:
            template: {name: Own}
        """,
    )
    [cf] = load(dirs, ref("file", "Movies.yml"))
    assert [(r.kind, r.value, r.template_variables) for r in cf.external_templates] == [
        ("file", "shared.yml", {"lang": "fr"}),
        ("file", "more", {}),
    ]
    templates, variables = merged_templates(cf, dirs[0], dirs[1], "movie")
    assert {name: t["from"] for name, t in templates.items()} == {
        "Own": "own",
        "Shared": "shared",
        "More": "more",
    }
    assert variables == {"Shared": {"lang": "fr"}, "More": {}}
    assert cf.templates == {"Own": {"from": "own"}}  # the file's own mapping is not changed


def test_external_templates_nested_defaults_urls_and_cycles(dirs: tuple[Path, Path]) -> None:
    put(dirs[1] / "both" / "base.yml", "templates:\n  Base:\n    from: default\n")
    put(
        dirs[0] / "mid.yml",
        "templates:\n  Mid: {from: mid}\nexternal_templates:\n  - default: base\n    template_variables: {b: 2}\n  - file: Movies.yml\n",
    )
    put(
        dirs[0] / "Movies.yml",
        "external_templates:\n  - file: mid.yml\n    template_variables: {a: 1, b: 1}\n  - url: https://x/t.yml\n",
    )
    [cf] = load(dirs, ref("file", "Movies.yml"))
    fetch = lambda url: "templates:\n  Remote: {from: url}\n  Base: {from: url}\n"  # noqa: E731
    templates, variables = merged_templates(cf, dirs[0], dirs[1], "show", fetch)
    assert {name: t["from"] for name, t in templates.items()} == {
        "Mid": "mid",
        "Base": "default",
        "Remote": "url",
    }
    assert variables == {"Mid": {"a": 1, "b": 1}, "Base": {"a": 1, "b": 2}, "Remote": {}}


def test_external_templates_errors_propagate(dirs: tuple[Path, Path]) -> None:
    put(dirs[0] / "Movies.yml", BASIC + "external_templates:\n  - git: someone/templates\n")
    [cf] = load(dirs, ref("file", "Movies.yml"))

    def offline(url: str) -> str:
        raise OSError("network is unreachable")

    with pytest.raises(ConfigError) as info:
        merged_templates(cf, dirs[0], dirs[1], "movie", offline)
    assert info.value.location == Location(str(dirs[0] / "Movies.yml"), 5, 5)
    assert "git: someone/templates: cannot download" in info.value.message


def test_external_templates_from_an_unshipped_kometa_default_are_skipped_with_a_warning(
    dirs: tuple[Path, Path],
) -> None:
    """As in the file lists: Kometa's `basic` is not shipped here, so its block is told and skipped, and
    the file's other templates still load."""
    put(dirs[0] / "shared.yml", "templates:\n  Shared:\n    from: shared\n")
    put(dirs[0] / "Movies.yml", BASIC + "external_templates:\n  - default: basic\n  - file: shared.yml\n")
    [cf] = load(dirs, ref("file", "Movies.yml"))
    told: list[str] = []
    templates, _variables = merged_templates(cf, dirs[0], dirs[1], "movie", warn=told.append)
    assert {name: t["from"] for name, t in templates.items()} == {"Shared": "shared"}
    assert len(told) == 1 and "`basic` is not shipped by this engine" in told[0]
