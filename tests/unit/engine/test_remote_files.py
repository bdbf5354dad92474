"""`git:` and `repo:` file blocks (issue 13, item 13).

Kometa reads `git: user/path` from its community configs repository as `<base>/user/path.yml` and
`repo: path` as `<settings.custom_repo>/path.yml` (a repository web page `/tree/<branch>/` read from its raw
address). Here a loopback HTTP server stands in for the raw-file host (the base URL is configurable), so
these tests download for real, keep the copy in the cache folder, and then run with the server gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from modules.config_blocks import FileKind, FileRef
from modules.errors import ConfigError, Location
from modules.files import CollectionFile, http_get, load_collection_files, merged_templates
from modules.remote_files import COMMUNITY_URL, RemoteFiles, cache_dir, community_url, raw_repo_url
from tests.support.engine_run import LocalHttp, local_http

AT = Location("config.yml", 7, 9)
GENRES = b"collections:\n  Westerns:\n    plex_search: {all: {genre: Western}}\n"


@pytest.fixture
def host() -> Iterator[LocalHttp]:
    with local_http() as server:
        server.files["/meisnate12/Genres.yml"] = GENRES
        server.files["/charts/Top.yml"] = b"collections:\n  Top:\n    plex_all: true\n"
        server.files["/shared/templates.yml"] = b"templates:\n  Remote:\n    sort_title: '!<<key>>'\n"
        yield server


def remote(host_url: str, cache: Path, custom_repo: str | None = None) -> RemoteFiles:
    return RemoteFiles(http_get, cache, host_url, custom_repo)


def load(
    kind: FileKind, value: str, where: Path, files: RemoteFiles, warnings: list[str]
) -> list[CollectionFile]:
    block = FileRef(kind, value, {}, None, AT)
    return load_collection_files(block, where, where, "movie", None, files, warnings.append)


def test_git_is_read_from_the_community_base_and_kept(host: LocalHttp, tmp_path: Path) -> None:
    warnings: list[str] = []
    files = remote(host.url, tmp_path / "cache")
    [loaded] = load("git", "meisnate12/Genres", tmp_path, files, warnings)
    assert list(loaded.collections) == ["Westerns"]
    assert loaded.source == "git:meisnate12/Genres"
    assert loaded.file == f"{host.url}/meisnate12/Genres.yml"
    assert host.gets == ["/meisnate12/Genres.yml"]
    assert files.cached(loaded.file).read_bytes() == GENRES
    assert warnings == []


def test_repo_is_read_under_custom_repo(host: LocalHttp, tmp_path: Path) -> None:
    files = remote("http://127.0.0.1:9/unused", tmp_path / "cache", custom_repo=f"{host.url}/charts/")
    [loaded] = load("repo", "Top", tmp_path, files, [])
    assert list(loaded.collections) == ["Top"]
    assert host.gets == ["/charts/Top.yml"]


def test_an_offline_run_uses_the_kept_copy_with_a_warning(tmp_path: Path) -> None:
    with local_http() as server:
        server.files["/meisnate12/Genres.yml"] = GENRES
        online = remote(server.url, tmp_path / "cache")
        load("git", "meisnate12/Genres", tmp_path, online, [])
        url = server.url
    warnings: list[str] = []
    [loaded] = load("git", "meisnate12/Genres", tmp_path, remote(url, tmp_path / "cache"), warnings)
    assert list(loaded.collections) == ["Westerns"]
    [warning] = warnings
    assert warning.startswith(
        f"config.yml:7:9: git: meisnate12/Genres: cannot download {url}/meisnate12/Genres.yml"
    )
    assert "using the copy kept in" in warning


def test_offline_without_a_kept_copy_fails_clearly(tmp_path: Path) -> None:
    with local_http() as server:
        url = server.url
    with pytest.raises(ConfigError) as info:
        load("git", "meisnate12/Genres", tmp_path, remote(url, tmp_path / "cache"), [])
    assert info.value.location == AT
    message = info.value.message
    assert message.startswith(f"git: meisnate12/Genres: cannot download {url}/meisnate12/Genres.yml (")
    assert f"no copy is kept in {tmp_path / 'cache' / 'remote'}" in message


def test_a_missing_remote_file_is_an_error_naming_the_address(host: LocalHttp, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load("git", "someone/Nothing", tmp_path, remote(host.url, tmp_path / "cache"), [])
    assert f"cannot download {host.url}/someone/Nothing.yml (404 Client Error" in info.value.message


def test_repo_without_custom_repo_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load("repo", "Top", tmp_path, remote("http://127.0.0.1:9", tmp_path), [])
    assert (
        str(info.value) == "config.yml:7:9: repo: Top: needs settings.custom_repo (the repository's address)"
    )


def test_external_templates_from_git(host: LocalHttp, tmp_path: Path) -> None:
    (tmp_path / "Movies.yml").write_text(
        "external_templates:\n  git: shared/templates\n  template_variables: {key: x}\ncollections:\n"
        "  A: {template: {name: Remote}, plex_all: true}\n",
        encoding="utf-8",
    )
    files = remote(host.url, tmp_path / "cache")
    [cf] = load("file", "Movies.yml", tmp_path, files, [])
    templates, variables = merged_templates(cf, tmp_path, tmp_path, "movie", remote=files)
    assert templates["Remote"] == {"sort_title": "!<<key>>"}
    assert variables == {"Remote": {"key": "x"}}


def test_addresses() -> None:
    """Kometa's rules: `.yml` is added when missing; a web page of a repository is read from its raw address."""
    files = RemoteFiles(
        http_get, Path("c"), "http://h/base/", "https://github.com/me/configs/tree/main/kometa"
    )
    assert files.address("git", "meisnate12/Genres", AT) == "http://h/base/meisnate12/Genres.yml"
    assert files.address("git", "meisnate12/Genres.yaml", AT) == "http://h/base/meisnate12/Genres.yaml"
    assert files.address("repo", "movies/charts", AT).endswith("/me/configs/main/kometa/movies/charts.yml")
    assert raw_repo_url("http://127.0.0.1:8/files/") == "http://127.0.0.1:8/files"


def test_bases_from_the_environment(tmp_path: Path) -> None:
    assert community_url({}) == COMMUNITY_URL
    assert community_url({"KOMETA_COMMUNITY_URL": "http://127.0.0.1:8/c/"}) == "http://127.0.0.1:8/c"
    assert cache_dir(tmp_path, {}) == tmp_path / "cache"
    assert cache_dir(tmp_path, {"KOMETA_CACHE_DIR": "/data/cache"}) == Path("/data/cache")
