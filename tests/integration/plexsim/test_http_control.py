"""The simulator's own `/__plexsim/*` endpoints (request statistics, reset, save), request bodies sent with
chunked transfer coding, and edited values the XML writer must survive; a fresh server per test.
"""

from __future__ import annotations

import hashlib
import io
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import requests
from PIL import Image
from plexapi.server import PlexServer

from plexsim.dataset import MOVIES_SECTION_ID
from plexsim.model import Library
from plexsim.server import PlexSimServer
from tests.integration.plexsim.conftest import TOKEN

AUTH = {"X-Plex-Token": TOKEN}


def stats(server: PlexSimServer) -> dict[str, object]:
    response = requests.get(server.url + "/__plexsim/stats", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    data: dict[str, object] = response.json()
    return data


def call(server: PlexSimServer, method: str, path: str, token: str | None = TOKEN) -> int:
    headers = {"X-Plex-Token": token} if token is not None else {}
    return requests.request(method, server.url + path, headers=headers, timeout=10).status_code


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), (200, 30, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


# --------------------------------------------------------------------------- stats


def test_a_fresh_server_has_counted_nothing(server: PlexSimServer) -> None:
    assert stats(server) == {"total": 0, "reads": 0, "writes": 0, "routes": {}, "statuses": {}}


def test_stats_count_by_method_and_route_template_with_reads_and_writes_apart(
    server: PlexSimServer, dataset: Library
) -> None:
    movie = dataset.of_type(MOVIES_SECTION_ID, "movie")[0]
    assert call(server, "GET", "/identity") == 200
    assert call(server, "GET", "/identity") == 200
    assert call(server, "GET", f"/library/sections/{MOVIES_SECTION_ID}/all?limit=3") == 200
    assert call(server, "GET", f"/library/metadata/{movie.rating_key}") == 200
    assert call(server, "GET", f"/library/metadata/{movie.rating_key}/children") == 200
    assert call(server, "PUT", f"/:/rate?key={movie.rating_key}&identifier=x&rating=4") == 200
    assert call(server, "GET", f"/:/scrobble?key={movie.rating_key}&identifier=x") == 200
    assert call(server, "HEAD", "/library/sections") == 200
    assert call(server, "GET", "/nope") == 404
    assert call(server, "GET", "/identity", token=None) == 401
    assert call(server, "POST", "/identity") == 405
    assert call(server, "DELETE", "/library/metadata/999999") == 404
    assert stats(server) == {
        "total": 12,
        "reads": 9,
        "writes": 3,
        "routes": {
            "DELETE /library/metadata/{rk}": 1,
            "GET /:/scrobble": 1,
            "GET /identity": 3,
            "GET /library/metadata/{rk}": 1,
            "GET /library/metadata/{rk}/children": 1,
            "GET /library/sections/{section}/all": 1,
            "GET <unmatched>": 1,
            "HEAD /library/sections": 1,
            "POST /identity": 1,
            "PUT /:/rate": 1,
        },
        "statuses": {"200": 8, "401": 1, "404": 2, "405": 1},
    }


def test_control_requests_are_never_counted(server: PlexSimServer) -> None:
    for _ in range(3):
        stats(server)
    requests.post(server.url + "/__plexsim/nope", timeout=10)
    assert stats(server)["total"] == 0


def test_deleting_the_stats_zeroes_them(server: PlexSimServer) -> None:
    call(server, "GET", "/identity")
    call(server, "PUT", "/:/prefs?DatabaseCacheSize=64")
    assert stats(server)["total"] == 2
    response = requests.delete(server.url + "/__plexsim/stats", timeout=10)
    assert response.status_code == 200
    assert stats(server) == {"total": 0, "reads": 0, "writes": 0, "routes": {}, "statuses": {}}
    call(server, "GET", "/identity")
    assert stats(server)["routes"] == {"GET /identity": 1}


def test_unknown_control_endpoints_are_404_json(server: PlexSimServer) -> None:
    response = requests.get(server.url + "/__plexsim/nope", timeout=10)
    assert response.status_code == 404
    assert "error" in response.json()


# --------------------------------------------------------------------------- reset


def title_of(server: PlexSimServer, rating_key: int) -> str:
    response = requests.get(f"{server.url}/library/metadata/{rating_key}", headers=AUTH, timeout=10)
    return ET.fromstring(response.content)[0].attrib["title"]


def test_reset_brings_back_the_dataset_after_an_edit(server: PlexSimServer, dataset: Library) -> None:
    movie = dataset.of_type(MOVIES_SECTION_ID, "movie")[5]
    edit = (
        f"/library/sections/{MOVIES_SECTION_ID}/all?type=1&id={movie.rating_key}"
        "&title.value=Renamed%20Movie&title.locked=1"
    )
    assert call(server, "PUT", edit) == 200
    assert title_of(server, movie.rating_key) == "Renamed Movie"
    assert call(server, "DELETE", f"/library/metadata/{movie.rating_key + 1}") == 200
    response = requests.post(server.url + "/__plexsim/reset", timeout=30)
    assert response.status_code == 200
    assert response.json()["items"] == len(dataset.items)
    assert title_of(server, movie.rating_key) == movie.title
    assert call(server, "GET", f"/library/metadata/{movie.rating_key + 1}") == 200
    assert stats(server)["total"] == 2  # reset also zeroes the statistics


def test_save_without_a_state_file_is_404(server: PlexSimServer) -> None:
    assert requests.post(server.url + "/__plexsim/save", timeout=10).status_code == 404


# --------------------------------------------------------------------------- chunked bodies


def chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_poster_upload_with_a_chunked_body_is_stored_byte_for_byte(
    server: PlexSimServer, dataset: Library
) -> None:
    movie = dataset.of_type(MOVIES_SECTION_ID, "movie")[2]
    image = png_bytes()
    posters = f"{server.url}/library/metadata/{movie.rating_key}/posters"
    response = requests.post(posters, data=chunks(image, 100), headers=AUTH, timeout=10)
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code == 200, response.text
    listing = ET.fromstring(requests.get(posters, headers=AUTH, timeout=10).content)
    selected = [p for p in listing if p.attrib.get("selected") == "1"]
    assert len(selected) == 1
    assert selected[0].attrib["ratingKey"] == f"upload://posters/{hashlib.sha1(image).hexdigest()}"
    stored = requests.get(server.url + selected[0].attrib["key"], headers=AUTH, timeout=10)
    assert stored.content == image


def test_a_malformed_chunked_body_is_400_and_closes_the_connection(server: PlexSimServer) -> None:
    host, port = server.server_address[:2]
    with socket.create_connection((str(host), port), timeout=10) as sock:
        sock.sendall(
            b"POST /library/metadata/101/posters HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            + f"X-Plex-Token: {TOKEN}\r\n\r\nzz\r\nhello\r\n0\r\n\r\n".encode()
        )
        answer = sock.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 400")
    assert b"Connection: close" in answer


# --------------------------------------------------------------------------- awkward values


def test_control_characters_in_an_edit_never_break_the_xml(server: PlexSimServer, dataset: Library) -> None:
    movie = dataset.of_type(MOVIES_SECTION_ID, "movie")[1]
    edit = (
        f"/library/sections/{MOVIES_SECTION_ID}/all?type=1&id={movie.rating_key}"
        "&title.value=Bell%07%20%26%20%3CBook%3E%0Aend&summary.value=tab%09line%0Dx%1B"
    )
    assert call(server, "PUT", edit) == 200
    plexapi_movie = PlexServer(server.url, TOKEN).fetchItem(movie.rating_key)
    assert plexapi_movie.title == "Bell & <Book>\nend"  # BEL dropped, markup escaped, newline kept
    assert plexapi_movie.summary == "tab\tline\rx"
