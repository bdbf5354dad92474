"""Every write is checked against the whole tree it leaves (config.yml and all it references), through
the HTTP API against a real bare git repository seeded from `config-repo/`.

An edit is refused (422 ``validation_failed``) only for errors the tree did not have before; the
answer names each new error's place in ``details.blocking`` and lists every problem of the tree in
``details.problems``. A refused edit never moves ``main``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient

from panel.db import Secret, get_session
from panel.repo import ConfigRepo
from panel.settings import PANEL_AUTHOR
from panel.yaml_edit import set_collection
from tests.support.panel_api import envelope

TV = "collections/tv.yml"
SHARED = "collections/shared.yml"
TEMPLATES = "templates:\n  Genre Pick:\n    plex_search:\n      all:\n        genre: <<genre>>\n"
USES_SHARED = "external_templates:\n  - file: collections/shared.yml\n"
CALL = "  Mysteries:\n    template: {name: Genre Pick, genre: Mystery}\n"


def text(repo: ConfigRepo, path: str) -> str:
    return repo.read_file(path)[0].decode("utf-8")


def place(content: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based line and column of ``needle`` (plus ``offset`` characters) in ``content``."""
    index = content.index(needle) + offset
    return content.count("\n", 0, index) + 1, index - content.rfind("\n", 0, index)


def put(client: FlaskClient, repo: ConfigRepo, path: str, content: str) -> Any:
    return client.put(f"/api/files/{path}", json={"content": content, "base": repo.head()})


def refused(resp: Any) -> dict[str, Any]:
    """The details of a 422 ``validation_failed`` answer."""
    error = envelope(resp, 422)["error"]
    assert error["code"] == "validation_failed"
    return dict(error["details"])


def where(problem: dict[str, Any]) -> tuple[str, int, int, str]:
    return problem["file"], problem["line"], problem["column"], problem["code"]


def share_a_template(client: FlaskClient, repo: ConfigRepo) -> str:
    """Put a templates file, then make tv.yml use one of its templates; return the sha of that file's commit."""
    added = envelope(put(client, repo, SHARED, TEMPLATES), 200)["data"]["sha"]
    envelope(put(client, repo, TV, USES_SHARED + text(repo, TV) + CALL), 200)
    return str(added)


def test_deleting_a_file_config_yml_uses_is_refused_at_the_line_that_uses_it(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    head, config = repo.head(), text(repo, "config.yml")
    details = refused(client.delete(f"/api/files/{TV}?base={head}"))
    (error,) = details["blocking"]
    assert where(error) == ("config.yml", *place(config, "file: collections/tv.yml"), "missing-file")
    assert error["pointer"] == "/libraries/TV Shows/collection_files/0/file"
    assert error in details["problems"]
    assert repo.head() == head and text(repo, TV)


def test_config_yml_naming_a_file_that_does_not_exist_is_refused(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    head = repo.head()
    config = text(repo, "config.yml").replace("file: collections/tv.yml", "file: collections/tvv.yml")
    (error,) = refused(put(client, repo, "config.yml", config))["blocking"]
    assert where(error) == ("config.yml", *place(config, "file: collections/tvv.yml"), "missing-file")
    assert error["hint"] == "did you mean `tv.yml`?"
    assert repo.head() == head


def test_removing_a_template_another_file_uses_is_refused_at_the_call(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    share_a_template(client, repo)
    head, tv = repo.head(), text(repo, TV)
    call = ("collections/tv.yml", *place(tv, "name: Genre Pick"), "unknown-template")
    (error,) = refused(put(client, repo, SHARED, "templates: {}\n"))["blocking"]
    assert where(error) == call and "Genre Pick" in error["message"]
    (error,) = refused(client.delete(f"/api/files/{SHARED}?base={head}"))["blocking"]
    assert where(error) == (TV, *place(tv, "file: collections/shared.yml"), "missing-file")
    assert repo.head() == head and text(repo, SHARED) == TEMPLATES


def test_reverting_the_commit_that_added_a_template_file_still_in_use_is_refused(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    added = share_a_template(client, repo)
    head = repo.head()
    (error,) = refused(client.post(f"/api/history/{added}/revert", json={}))["blocking"]
    assert where(error)[::3] == (TV, "missing-file")
    assert repo.head() == head


def test_a_collection_using_what_its_library_lacks_is_refused(client: FlaskClient, repo: ConfigRepo) -> None:
    # tv.yml alone could be any library's file; config.yml makes it the "TV Shows" library's.
    head = repo.head()
    definition = {"plex_search": {"all": {"edition": "Director's Cut"}}}
    body = {"file": TV, "name": "Cuts", "definition": definition, "base": head}
    (error,) = refused(client.post("/api/collections", json=body))["blocking"]
    would_be = set_collection(text(repo, TV), "Cuts", definition)
    assert where(error) == (TV, *place(would_be, "edition:"), "wrong-library-type")
    assert "not available for shows" in error["message"]
    assert repo.head() == head


def test_an_error_already_on_main_does_not_block_an_unrelated_fix(
    client: FlaskClient, repo: ConfigRepo
) -> None:
    # A broken reference that reached main from outside the panel (e.g. an old push).
    config = text(repo, "config.yml").replace("file: collections/tv.yml", "file: collections/gone.yml")
    repo.write({"config.yml": config.encode()}, repo.head(), PANEL_AUTHOR, "an old push")
    old = ("config.yml", *place(config, "file: collections/gone.yml"), "missing-file")

    edited = text(repo, "collections/movies.yml") + "# reviewed\n"
    assert envelope(put(client, repo, "collections/movies.yml", edited), 200)["data"]["unchanged"] is False

    head = repo.head()
    details = refused(
        put(client, repo, "collections/new.yml", "collections:\n  X:\n    sync_mode: sometimes\n")
    )
    assert [where(p)[0] for p in details["blocking"]] == ["collections/new.yml"]
    assert old in [where(p) for p in details["problems"]]
    assert repo.head() == head

    fixed = config.replace("file: collections/gone.yml", "file: collections/tv.yml")
    assert envelope(put(client, repo, "config.yml", fixed), 200)["data"]["files"] == ["config.yml"]


def test_placeholders_of_stored_secrets_are_not_reported(
    app: Flask, client: FlaskClient, repo: ConfigRepo
) -> None:
    with app.app_context():
        session = get_session()
        session.add(Secret(name="plextoken", value="ciphertext"))
        session.commit()
    config = text(repo, "config.yml").replace("timeout: 60", "timeout: 60\n  db_cache: <<cache_size>>")
    # A placeholder the store lacks is a warning (the engine's environment may fill it), not a refusal.
    assert envelope(put(client, repo, "config.yml", config), 200)["data"]["files"] == ["config.yml"]
    details = refused(client.delete(f"/api/files/{TV}?base={repo.head()}"))
    notes = {
        (p["pointer"], p["severity"], p["code"]) for p in details["problems"] if p["severity"] == "warning"
    }
    assert ("/plex/token", "warning", "undeclared-secret") not in notes
    assert {
        ("/plex/url", "warning", "undeclared-secret"),
        ("/plex/db_cache", "warning", "undeclared-secret"),
    } <= notes


def test_a_stray_file_is_still_checked_on_its_own(client: FlaskClient, repo: ConfigRepo) -> None:
    head = repo.head()
    (error,) = refused(put(client, repo, "notes/todo.yml", "ideas: [unclosed\n"))["blocking"]
    assert where(error) == ("notes/todo.yml", 2, 1, "yaml-syntax")
    assert repo.head() == head


def test_valid_collection_edits_still_commit(client: FlaskClient, repo: ConfigRepo) -> None:
    definition = {"plex_search": {"all": {"genre": "Comedy"}}}
    body = {"file": TV, "name": "Laughs", "definition": definition, "base": repo.head()}
    created = envelope(client.post("/api/collections", json=body), 201)["data"]
    assert created["files"] == [TV]
    ident = quote(f"{TV}::Laughs", safe="")
    deleted = envelope(client.delete(f"/api/collections/{ident}?base={repo.head()}"), 200)["data"]
    assert deleted["files"] == [TV] and "Laughs" not in text(repo, TV)


def test_an_edit_is_checked_again_on_the_head_it_lands_on(
    client: FlaskClient, repo: ConfigRepo, monkeypatch: Any
) -> None:
    """Two edits, each valid alone: tv.yml starts calling a shared template while another writer empties
    the templates file. Whichever lands second is checked against the first and refused."""
    import panel.api.files as files_api

    envelope(put(client, repo, SHARED, TEMPLATES), 200)
    envelope(put(client, repo, TV, USES_SHARED + text(repo, TV)), 200)
    real_check = files_api.check_changes

    def check_then_someone_else_commits(changes: Any, *args: Any, **kwargs: Any) -> None:
        real_check(changes, *args, **kwargs)
        repo.write({SHARED: b"templates: {}\n"}, repo.head(), PANEL_AUTHOR, "Empty the shared templates")

    monkeypatch.setattr(files_api, "check_changes", check_then_someone_else_commits)
    base, tv = repo.head(), text(repo, TV) + CALL
    resp = client.put(f"/api/files/{TV}", json={"content": tv, "base": base})
    (error,) = refused(resp)["blocking"]
    assert where(error) == (TV, *place(tv, "name: Genre Pick"), "unknown-template")
    assert repo.head() != base and text(repo, SHARED) == "templates: {}\n" and text(repo, TV) + CALL == tv
