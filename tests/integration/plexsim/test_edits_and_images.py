"""Item edits and images through plexapi: field values and locks, tags, batch and multi-item edits, posters
and backgrounds uploaded as files or URLs (bytes kept exactly, EXIF included), selection, deletion and
image transcoding.

Expected values come from `dataset` or from what the test itself wrote; no test touches the network
beyond loopback.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image
from plexapi import utils
from plexapi.exceptions import BadRequest
from plexapi.server import PlexServer

from plexsim.dataset import MOVIES_SECTION_ID
from plexsim.model import Item, Library

OVERLAY_TAG = 0x04BC  # Kometa marks its overlaid posters with this EXIF tag


def movies_of(dataset: Library) -> list[Item]:
    return dataset.of_type(MOVIES_SECTION_ID, "movie")


def movie_with(dataset: Library, wanted: Any, skip: int = 0) -> Item:
    found = [m for m in movies_of(dataset) if wanted(m)]
    assert len(found) > skip, "the demo dataset has no such movie"
    return found[skip]


def fresh(plex: PlexServer, item: Item) -> Any:
    return plex.fetchItem(item.rating_key)


def field_names(obj: Any) -> set[str]:
    return {f.name for f in obj.fields}


def png_bytes(size: tuple[int, int] = (40, 60), colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_overlay_tag(size: tuple[int, int] = (60, 90)) -> bytes:
    exif = Image.Exif()
    exif[OVERLAY_TAG] = "overlay"
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 220)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def download(plex: PlexServer, key: str) -> bytes:
    answer = requests.get(plex.url(key, includeToken=True), timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.content


@pytest.fixture
def image_site() -> Iterator[tuple[str, bytes]]:
    """A loopback web server serving one JPEG at `/poster.jpg`."""
    data = jpeg_with_overlay_tag((30, 45))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/poster.jpg" else 404)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{site.server_address[1]}/poster.jpg", data
    site.shutdown()
    site.server_close()


# --------------------------------------------------------------------------- fields and locks


def test_edit_title_locks_and_can_unlock(plex: PlexServer, dataset: Library) -> None:
    movie = fresh(plex, movies_of(dataset)[3])
    movie.editTitle("Edited Title")
    movie.reload()
    assert movie.title == "Edited Title"
    assert "title" in field_names(movie)
    movie.editTitle("Edited Again", locked=False)
    movie.reload()
    assert movie.title == "Edited Again"
    assert "title" not in field_names(movie)
    with pytest.raises(BadRequest):
        movie.editTitle("")
    assert movie.reload().title == "Edited Again"


def test_edit_summary_sort_title_date_and_ratings(plex: PlexServer, dataset: Library) -> None:
    want = movie_with(dataset, lambda m: m.summary and m.user_rating is None)
    movie = fresh(plex, want)
    movie.editSummary("").editSortTitle("Zzz Sorted").editOriginallyAvailable("2001-02-03")
    movie.editUserRating(6.5)
    movie.reload()
    assert movie.summary == ""
    assert movie.titleSort == "Zzz Sorted"
    assert movie.originallyAvailableAt == datetime(2001, 2, 3)
    assert movie.userRating == 6.5
    assert field_names(movie) >= {"summary", "titleSort", "originallyAvailableAt", "userRating"}
    movie.rate(8)
    assert movie.reload().userRating == 8.0
    assert movie.title == want.title


def test_unknown_edit_fields_are_refused(plex: PlexServer, dataset: Library) -> None:
    movie = fresh(plex, movies_of(dataset)[0])
    with pytest.raises(BadRequest):
        movie.editField("noSuchField", "x")
    with pytest.raises(BadRequest):
        movie.editField("year", "not a number")
    assert movie.reload().year == movies_of(dataset)[0].year


def test_labels_and_genres_add_and_remove(plex: PlexServer, dataset: Library) -> None:
    want = movie_with(dataset, lambda m: len(m.tag_names("genre")) >= 2 and not m.tag_names("label"))
    movie = fresh(plex, want)
    movie.addLabel("Kids & Family").reload().addLabel("Favorite")
    assert [label.tag for label in movie.reload().labels] == ["Kids & Family", "Favorite"]
    movie.removeLabel("Kids & Family")
    assert [label.tag for label in movie.reload().labels] == ["Favorite"]
    movie.addGenre("Film-Noir")
    assert [g.tag for g in movie.reload().genres] == [*want.tag_names("genre"), "Film-Noir"]
    movie.removeGenre(want.tag_names("genre")[0])
    assert [g.tag for g in movie.reload().genres] == [*want.tag_names("genre")[1:], "Film-Noir"]
    assert field_names(movie) >= {"label", "genre"}


def test_adding_a_tag_to_a_list_view_item_keeps_tags_the_list_did_not_show(
    plex: PlexServer, dataset: Library
) -> None:
    want = movie_with(dataset, lambda m: len(m.tag_names("genre")) == 3)
    partial = next(m for m in plex.library.section("Movies").all() if m.ratingKey == want.rating_key)
    partial.addGenre("Extra")
    assert [g.tag for g in fresh(plex, want).genres] == [*want.tag_names("genre"), "Extra"]


def test_batch_edits_apply_together(plex: PlexServer, dataset: Library) -> None:
    movie = fresh(plex, movies_of(dataset)[7])
    movie.batchEdits().editTitle("Batch").editSummary("Batch summary").addLabel("Batched").saveEdits()
    movie.reload()
    assert (movie.title, movie.summary) == ("Batch", "Batch summary")
    assert [label.tag for label in movie.labels] == ["Batched"]
    assert field_names(movie) >= {"title", "summary", "label"}


def test_multi_edits_add_tags_to_each_item(plex: PlexServer, dataset: Library) -> None:
    labelled = movie_with(dataset, lambda m: bool(m.tag_names("label")))
    plain = [m for m in movies_of(dataset) if not m.tag_names("label")][:2]
    chosen = [labelled, *plain]
    movies = plex.library.section("Movies")
    movies.batchMultiEdits([fresh(plex, m) for m in chosen]).addLabel("Shared").saveMultiEdits()
    for want in chosen:
        assert [label.tag for label in fresh(plex, want).labels] == [*want.tag_names("label"), "Shared"]
    movies.batchMultiEdits([fresh(plex, m) for m in chosen]).removeLabel("Shared").saveMultiEdits()
    for want in chosen:
        assert [label.tag for label in fresh(plex, want).labels] == want.tag_names("label")


def test_lock_and_unlock_a_field_for_the_whole_section(plex: PlexServer, dataset: Library) -> None:
    movies = plex.library.section("Movies")
    sample = movies_of(dataset)[::80]
    movies.lockAllField("thumb")
    assert all("thumb" in field_names(fresh(plex, m)) for m in sample)
    movies.unlockAllField("thumb")
    assert all("thumb" not in field_names(fresh(plex, m)) for m in sample)


# --------------------------------------------------------------------------- posters


@pytest.mark.parametrize("kind", ["png", "jpeg-with-exif"])
def test_uploaded_poster_is_selected_locked_and_served_unchanged(
    plex: PlexServer, dataset: Library, tmp_path: Path, kind: str
) -> None:
    data = png_bytes() if kind == "png" else jpeg_with_overlay_tag()
    path = tmp_path / ("poster.png" if kind == "png" else "poster.jpg")
    path.write_bytes(data)
    movie = fresh(plex, movies_of(dataset)[11])
    before = movie.thumb
    movie.uploadPoster(filepath=str(path))
    movie.reload()
    sha1 = hashlib.sha1(data).hexdigest()
    selected = [p for p in movie.posters() if p.selected]
    assert [p.ratingKey for p in selected] == [f"upload://posters/{sha1}"]
    assert movie.thumb != before
    assert "thumb" in field_names(movie)
    assert download(plex, movie.thumb) == data
    kometa_url = plex.url(selected[0].key) + f"&X-Plex-Token={plex._token}"
    served = requests.get(kometa_url, timeout=10).content
    assert served == data
    if kind != "png":
        assert Image.open(io.BytesIO(served)).getexif().get(OVERLAY_TAG) == "overlay"


def test_poster_from_loopback_url_is_fetched_and_stored(
    plex: PlexServer, dataset: Library, image_site: tuple[str, bytes]
) -> None:
    url, data = image_site
    movie = fresh(plex, movies_of(dataset)[12])
    movie.uploadPoster(url=url)
    movie.reload()
    selected = [p for p in movie.posters() if p.selected]
    assert [p.ratingKey for p in selected] == [f"upload://posters/{hashlib.sha1(data).hexdigest()}"]
    assert download(plex, movie.thumb) == data
    other = fresh(plex, movies_of(dataset)[19])
    other.uploadPoster(url=plex.url(movie.thumb, includeToken=True))  # a loopback URL of the simulator itself
    assert download(plex, other.reload().thumb) == data


def test_poster_from_remote_url_is_recorded_not_fetched(plex: PlexServer, dataset: Library) -> None:
    remote = "http://example.invalid/p.jpg"  # .invalid never resolves: a fetch attempt would fail the upload
    movie = fresh(plex, movies_of(dataset)[13])
    movie.uploadPoster(url=remote)
    posters = movie.reload().posters()
    assert [(p.ratingKey, p.selected) for p in posters if p.selected] == [(remote, True)]
    assert "thumb" in field_names(movie)


def test_set_poster_switches_back_and_delete_poster_reverts(
    plex: PlexServer, dataset: Library, tmp_path: Path
) -> None:
    movie = fresh(plex, movies_of(dataset)[14])
    original = next(p for p in movie.posters() if p.selected)
    original_bytes = download(plex, movie.thumb)
    path = tmp_path / "p.png"
    path.write_bytes(png_bytes())
    movie.uploadPoster(filepath=str(path))
    movie.setPoster(next(p for p in movie.reload().posters() if p.ratingKey == original.ratingKey))
    movie.reload()
    assert [p.ratingKey for p in movie.posters() if p.selected] == [original.ratingKey]
    assert download(plex, movie.thumb) == original_bytes

    movie.uploadPoster(filepath=str(path))
    movie.reload().deletePoster()
    movie.reload()
    assert [p.ratingKey for p in movie.posters() if p.selected] == [original.ratingKey]
    assert not any(p.ratingKey.startswith("upload://") for p in movie.posters())
    assert "thumb" not in field_names(movie)


def test_uploaded_background(plex: PlexServer, dataset: Library, tmp_path: Path) -> None:
    data = png_bytes((160, 90), (10, 200, 10))
    path = tmp_path / "art.png"
    path.write_bytes(data)
    movie = fresh(plex, movies_of(dataset)[15])
    before = movie.art
    movie.uploadArt(filepath=str(path))
    movie.reload()
    sha1 = hashlib.sha1(data).hexdigest()
    assert [a.ratingKey for a in movie.arts() if a.selected] == [f"upload://arts/{sha1}"]
    assert movie.art != before
    assert "art" in field_names(movie)
    assert download(plex, movie.art) == data
    assert [p.ratingKey for p in movie.posters() if p.selected] == [
        f"metadata://posters/plexsim_{movie.ratingKey}"
    ]


def test_transcode_image_returns_the_requested_size(
    plex: PlexServer, dataset: Library, tmp_path: Path
) -> None:
    path = tmp_path / "p.jpg"
    path.write_bytes(jpeg_with_overlay_tag((60, 90)))
    movie = fresh(plex, movies_of(dataset)[16])
    movie.uploadPoster(filepath=str(path))
    movie.reload()
    answer = requests.get(plex.transcodeImage(movie.thumb, height=120, width=80), timeout=10)
    assert answer.status_code == 200
    assert Image.open(io.BytesIO(answer.content)).size == (80, 120)
    generated = requests.get(
        plex.transcodeImage(fresh(plex, movies_of(dataset)[17]).thumb, 300, 200), timeout=10
    )
    assert Image.open(io.BytesIO(generated.content)).size == (200, 300)


def test_collection_poster_upload_and_back_to_composite(
    plex: PlexServer, dataset: Library, tmp_path: Path
) -> None:
    movies = [fresh(plex, m) for m in movies_of(dataset)[:2]]
    col = plex.createCollection("With Poster", plex.library.section("Movies"), items=movies)
    composite = next(p for p in col.posters() if p.selected)
    assert col.thumb.startswith(f"/library/collections/{col.ratingKey}/composite/")
    assert Image.open(io.BytesIO(download(plex, col.thumb))).size[0] > 0
    resized = requests.get(plex.transcodeImage(col.thumb, 150, 100), timeout=10)
    assert Image.open(io.BytesIO(resized.content)).size == (100, 150)
    data = jpeg_with_overlay_tag()
    path = tmp_path / "c.jpg"
    path.write_bytes(data)
    col.uploadPoster(filepath=str(path))
    col.reload()
    sha1 = hashlib.sha1(data).hexdigest()
    assert [p.ratingKey for p in col.posters() if p.selected] == [f"upload://posters/{sha1}"]
    assert download(plex, col.thumb) == data
    assert "thumb" in field_names(col)
    col.setPoster(composite)
    col.reload()
    assert col.thumb.startswith(f"/library/collections/{col.ratingKey}/composite/")
    assert [p.ratingKey for p in col.posters() if p.selected] == [composite.ratingKey]


def test_upload_without_bytes_or_with_a_bad_url_is_refused(plex: PlexServer, dataset: Library) -> None:
    rating_key = movies_of(dataset)[18].rating_key
    for params in ({}, {"url": "ftp://127.0.0.1/p.jpg"}):
        with pytest.raises(BadRequest):
            plex.query(
                f"/library/metadata/{rating_key}/posters{utils.joinArgs(params)}", method=plex._session.post
            )
