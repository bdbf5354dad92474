"""State files: exact round trips, atomic saves, clear errors on bad files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from plexsim import persist
from plexsim.dataset import generate
from plexsim.model import Artwork, ManagedHub
from plexsim.model import Library as Lib


@pytest.fixture(scope="module")
def lib() -> Lib:
    return generate(scale=120, shows=6)


def json_round_trip(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data))


def test_round_trip_is_exact(lib: Lib) -> None:
    data = persist.library_to_dict(lib)
    assert (data["format"], data["version"]) == ("plexsim-state", 1)
    restored = persist.library_from_dict(json_round_trip(data))
    assert persist.library_to_dict(restored) == data
    assert list(restored.items) == list(lib.items)
    assert all(restored.items[rk] == item for rk, item in lib.items.items())
    assert restored.tag_ids == lib.tag_ids and restored.tag_by_id == lib.tag_by_id
    assert restored.seq == lib.seq and restored.revision == lib.revision
    assert restored.hubs == lib.hubs and restored.sections == lib.sections


def test_round_trip_rebuilds_indexes(lib: Lib) -> None:
    restored = persist.library_from_dict(json_round_trip(persist.library_to_dict(lib)))
    show = lib.of_type(2, "show")[0]
    assert [i.rating_key for i in restored.leaves(show)] == [i.rating_key for i in lib.leaves(show)]
    for kind in ("movie", "collection"):
        assert [i.rating_key for i in restored.of_type(1, kind)] == [
            i.rating_key for i in lib.of_type(1, kind)
        ]
    col = lib.of_type(1, "collection")[0]
    found = restored.collection_by_title(1, col.title)
    assert found is not None and found.members == col.members
    assert restored.next_id("rating_key") == lib.seq.rating_key + 1


def test_round_trip_covers_edited_state() -> None:
    lib = generate(scale=20, shows=1)
    movie = lib.of_type(1, "movie")[0]
    movie.locked |= {"title", "label"}
    movie.prefs["languageOverride"] = "de"
    movie.artwork["posters"].append(
        Artwork("upload://posters/abc", selected=False, blob="abc", provider=None)
    )
    movie.tags["label"] = ["Never Registered"]  # a tag with no id yet: restoring must not invent one
    lib.blobs["abc"] = b"\x89PNG\r\n\x1a\n\x00\xff binary"
    smart = lib.new_collection(1, "Smart One", "movie", smart=True)
    smart.content = "server://x/com.plexapp.plugins.library/library/sections/1/all?type=1&resolution=4k"
    playlist = lib.new_collection(1, "unused", "movie")
    playlist.type, playlist.playlist_type = "playlist", "video"
    playlist.entries = [(lib.next_id("playlist_item"), movie.rating_key), (lib.next_id("playlist_item"), 101)]
    lib.hubs[1].append(ManagedHub(f"custom.collection.1.{smart.rating_key}", "Smart One", True, False, True))
    lib.server_prefs["FriendlyName"] = "sim"
    lib.friendly_name = "sim"
    data = persist.library_to_dict(lib)
    restored = persist.library_from_dict(json_round_trip(data))
    assert persist.library_to_dict(restored) == data
    assert restored.blobs == lib.blobs and restored.items[movie.rating_key].locked == {"title", "label"}
    assert restored.items[playlist.rating_key].entries == playlist.entries
    assert ("Never Registered" not in {name for _, name in restored.tag_ids}) and restored.seq == lib.seq


def test_loaded_library_shares_nothing_with_input(lib: Lib) -> None:
    data = persist.library_to_dict(lib)
    restored = persist.library_from_dict(data)
    first = next(iter(restored.items.values()))
    first.tags.setdefault("genre", []).append("Changed")
    first.media[0].parts[0].streams[0].attrs["codec"] = "changed"
    assert persist.library_to_dict(lib) == data


def test_save_and_load_atomically(lib: Lib, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    persist.save(lib, path)
    persist.save(lib, path)  # overwriting goes through a temp file and a rename too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]
    assert json.loads(path.read_text())["format"] == "plexsim-state"
    assert persist.library_to_dict(persist.load(path)) == persist.library_to_dict(lib)


def test_failed_save_keeps_old_file_and_leaves_no_temp(
    lib: Lib, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    path.write_text("old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        persist.save(lib, path)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[]", "expected a JSON object"),
        (b'{"format": "other", "version": 1}', "not a plexsim state file"),
        (b'{"format": "plexsim-state", "version": 99, "machine_identifier": "x"}', "unsupported"),
        (b'{"format": "plexsim-state", "version": 1}', "machine_identifier"),
    ],
)
def test_bad_file_names_path_and_problem(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=problem) as caught:
        persist.load(path)
    assert str(path) in str(caught.value)


def test_missing_file_names_path(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(ValueError, match="cannot read") as caught:
        persist.load(path)
    assert str(path) in str(caught.value)


def corrupt(lib: Lib, tmp_path: Path, change: Any) -> str:
    data = persist.library_to_dict(lib)
    change(data)
    path = tmp_path / "corrupt.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError) as caught:
        persist.load(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    return message


def test_bad_fields_are_named(lib: Lib, tmp_path: Path) -> None:
    def wrong_title(d: dict[str, Any]) -> None:
        d["items"][0]["title"] = 5

    def unknown_field(d: dict[str, Any]) -> None:
        d["items"][1]["colour"] = "red"

    def bad_stream(d: dict[str, Any]) -> None:
        d["items"][0]["media"][0]["parts"][0]["streams"][0]["attrs"] = {"height": 1080}

    def duplicate(d: dict[str, Any]) -> None:
        d["items"].append(d["items"][0])

    def bad_blob(d: dict[str, Any]) -> None:
        d["blobs"] = {"x": "***"}

    assert "items[0].title: expected str" in corrupt(lib, tmp_path, wrong_title)
    assert "items[1]: unknown field 'colour'" in corrupt(lib, tmp_path, unknown_field)
    assert "items[0].media[0].parts[0].streams[0].attrs" in corrupt(lib, tmp_path, bad_stream)
    assert "duplicate ratingKey" in corrupt(lib, tmp_path, duplicate)
    assert "blobs: invalid base64" in corrupt(lib, tmp_path, bad_blob)


def test_minimal_hand_written_dataset(tmp_path: Path) -> None:
    path = tmp_path / "dataset.json"
    movie = {"rating_key": 500, "type": "movie", "section_id": 1, "title": "Hand Made", "guid": "local://500"}
    movie |= {"added_at": 1, "updated_at": 1, "tags": {"genre": ["Drama"]}}
    section = {"id": 1, "type": "movie", "title": "Movies", "agent": "tv.plex.agents.movie"}
    section |= {"scanner": "Plex Movie", "uuid": "u", "location": "/data/Movies"}
    header = {"format": "plexsim-state", "version": 1, "machine_identifier": "0" * 40}
    path.write_text(json.dumps({**header, "sections": [section], "items": [movie]}))
    lib = persist.load(path)
    assert lib.items[500].title == "Hand Made" and lib.of_type(1, "movie")[0].rating_key == 500
    assert lib.next_id("rating_key") == 501  # sequences left out: raised past the ids in use
    assert lib.tag_name(lib.tag_id("genre", "Drama")) == "Drama"
