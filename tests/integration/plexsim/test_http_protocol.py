"""The wire protocol, checked with raw `requests` and `http.client` (no plexapi): XML documents, booleans,
paging by header and by query, authentication, error statuses, keep-alive and HEAD.

Expected counts come from the `dataset` fixture.
"""

from __future__ import annotations

import http.client
import re
import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import plexapi
import pytest
import requests

from plexsim.dataset import MOVIES_SECTION_ID, SHOWS_SECTION_ID
from plexsim.model import Library
from plexsim.server import PlexSimServer
from tests.integration.plexsim.conftest import TOKEN

AUTH = {"X-Plex-Token": TOKEN}
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
MOVIES_ALL = f"/library/sections/{MOVIES_SECTION_ID}/all"


def get(server: PlexSimServer, path: str, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.get(server.url + path, headers={**AUTH, **(headers or {})}, timeout=30)


def get_xml(server: PlexSimServer, path: str, headers: dict[str, str] | None = None) -> ET.Element:
    response = get(server, path, headers)
    assert response.status_code == 200, response.text
    return ET.fromstring(response.content)


def paging(root: ET.Element) -> tuple[int, int, int]:
    """(size, totalSize, offset) of a container."""
    return int(root.attrib["size"]), int(root.attrib["totalSize"]), int(root.attrib["offset"])


def movie_count(dataset: Library) -> int:
    return len(dataset.of_type(MOVIES_SECTION_ID, "movie"))


# --------------------------------------------------------------------------- documents


def test_responses_are_xml_documents_typed_text_xml(shared_server: PlexSimServer) -> None:
    response = get(shared_server, "/library/sections")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    assert "charset=utf-8" in response.headers["Content-Type"].lower()
    assert response.content.startswith(XML_DECLARATION)
    assert int(response.headers["Content-Length"]) == len(response.content)


XML_GETS = (
    "/",
    "/identity",
    "/library",
    "/library/sections",
    f"{MOVIES_ALL}?includeMeta=1",
    f"/library/sections/{MOVIES_SECTION_ID}/collections",
    f"/library/sections/{MOVIES_SECTION_ID}/genre?type=1",
    f"/library/sections/{MOVIES_SECTION_ID}/prefs",
    f"/library/sections/{MOVIES_SECTION_ID}/timeline",
    f"/library/sections/{MOVIES_SECTION_ID}/refresh",
    "/library/sections/all/refresh",
    f"/hubs/sections/{MOVIES_SECTION_ID}",
    f"/hubs/sections/{MOVIES_SECTION_ID}/manage",
    "/hubs/search?query=the",
    "/:/prefs",
    "/playlists",
    "/activities",
    "/status/sessions",
)


@pytest.mark.parametrize("path", XML_GETS)
def test_every_get_answers_a_media_container(shared_server: PlexSimServer, path: str) -> None:
    response = get(shared_server, path)
    assert response.status_code == 200
    assert response.content.startswith(XML_DECLARATION)
    assert ET.fromstring(response.content).tag == "MediaContainer"


def test_metadata_children_and_leaves_answer_media_containers(
    shared_server: PlexSimServer, dataset: Library
) -> None:
    show = dataset.of_type(SHOWS_SECTION_ID, "show")[0]
    for path in ("", "/children", "/allLeaves", "/posters", "/arts"):
        assert get_xml(shared_server, f"/library/metadata/{show.rating_key}{path}").tag == "MediaContainer"


# --------------------------------------------------------------------------- booleans


def plexapi_bool_attributes() -> frozenset[str]:
    """Every attribute name plexapi 4.18 reads with `utils.cast(bool, ...)`, from its own source."""
    pattern = re.compile(r"cast\(bool,\s*data\.attrib\.get\(['\"](\w+)['\"]")
    found: set[str] = set()
    for source in Path(plexapi.__file__).parent.rglob("*.py"):
        found.update(pattern.findall(source.read_text(encoding="utf-8")))
    return frozenset(found)


# Same names that plexapi parses as something else on these elements.
NOT_BOOLEAN = {("Setting", "default"), ("Sort", "default"), ("Directory", "network"), ("Video", "network")}
BOOLEAN_PREFIX = re.compile(r"^(allow|has|is|can|enable)[A-Z]")


def boolean_violations(root: ET.Element, bool_names: frozenset[str]) -> Iterator[str]:
    """Attributes spelled True/False/true/false anywhere, and boolean attributes that are not "0"/"1"."""
    for element in root.iter():
        for name, value in element.attrib.items():
            named_boolean = name in bool_names or BOOLEAN_PREFIX.match(name) is not None
            boolean = named_boolean and (element.tag, name) not in NOT_BOOLEAN
            if value in ("True", "False", "true", "false") or (boolean and value not in ("0", "1")):
                yield f"<{element.tag} {name}={value!r}>"


def test_booleans_are_only_0_or_1_in_listings(shared_server: PlexSimServer) -> None:
    names = plexapi_bool_attributes()
    assert {"allowSync", "selected", "DOVIPresent", "forced", "smart"} <= names
    for path in (
        "/",
        "/identity",
        "/library/sections",
        f"{MOVIES_ALL}?includeMeta=1&includeGuids=1",
        f"/library/sections/{SHOWS_SECTION_ID}/all?includeMeta=1&includeGuids=1",
        f"/library/sections/{SHOWS_SECTION_ID}/all?type=4",
        f"/library/sections/{MOVIES_SECTION_ID}/collections?includeMeta=1",
        f"/hubs/sections/{MOVIES_SECTION_ID}/manage",
        f"/hubs/sections/{MOVIES_SECTION_ID}",
        "/hubs/search?query=the",
        "/playlists",
        "/:/prefs",
        f"/library/sections/{MOVIES_SECTION_ID}/prefs",
    ):
        assert list(boolean_violations(get_xml(shared_server, path), names)) == [], path


def test_booleans_are_only_0_or_1_in_detail_views(shared_server: PlexSimServer, dataset: Library) -> None:
    names = plexapi_bool_attributes()
    movies = dataset.of_type(MOVIES_SECTION_ID, "movie")
    chosen = [m for m in movies if len(m.media) > 1][:3] + [
        m for m in movies if any(s.attrs.get("DOVIPresent") for p in m.media[0].parts for s in p.streams)
    ][:3]
    chosen += [m for m in movies if m.tags.get("collection")][:2]
    show = dataset.of_type(SHOWS_SECTION_ID, "show")[0]
    season = dataset.children(show.rating_key)[0]
    collection = dataset.of_type(MOVIES_SECTION_ID, "collection")[0]
    keys = [m.rating_key for m in chosen] + [show.rating_key, season.rating_key, collection.rating_key]
    keys.append(dataset.children(season.rating_key)[0].rating_key)
    for key in keys:
        root = get_xml(shared_server, f"/library/metadata/{key}?includePreferences=1&includeGuids=1")
        assert len(root) == 1
        assert list(boolean_violations(root, names)) == [], key


# --------------------------------------------------------------------------- paging


def test_paging_by_headers(shared_server: PlexSimServer, dataset: Library) -> None:
    headers = {"X-Plex-Container-Start": "10", "X-Plex-Container-Size": "7"}
    root = get_xml(shared_server, MOVIES_ALL, headers)
    assert paging(root) == (7, movie_count(dataset), 10)
    assert len(root) == 7
    everything = get_xml(shared_server, MOVIES_ALL)
    assert [v.get("ratingKey") for v in root] == [v.get("ratingKey") for v in everything][10:17]


def test_paging_by_query_parameters(shared_server: PlexSimServer, dataset: Library) -> None:
    root = get_xml(shared_server, f"{MOVIES_ALL}?X-Plex-Container-Start=3&X-Plex-Container-Size=4")
    assert paging(root) == (4, movie_count(dataset), 3)
    by_header = get_xml(
        shared_server, MOVIES_ALL, {"X-Plex-Container-Start": "3", "X-Plex-Container-Size": "4"}
    )
    assert [v.get("ratingKey") for v in root] == [v.get("ratingKey") for v in by_header]


def test_without_paging_everything_comes_back(shared_server: PlexSimServer, dataset: Library) -> None:
    root = get_xml(shared_server, MOVIES_ALL)
    assert paging(root) == (movie_count(dataset), movie_count(dataset), 0)
    keys = [int(v.attrib["ratingKey"]) for v in root]
    assert sorted(keys) == sorted(m.rating_key for m in dataset.of_type(MOVIES_SECTION_ID, "movie"))


def test_size_zero_gives_no_children_but_the_total(shared_server: PlexSimServer, dataset: Library) -> None:
    root = get_xml(shared_server, f"{MOVIES_ALL}?X-Plex-Container-Start=0&X-Plex-Container-Size=0")
    assert paging(root) == (0, movie_count(dataset), 0)
    assert len(root) == 0
    episodes = get_xml(
        shared_server, f"/library/sections/{SHOWS_SECTION_ID}/all?type=4&X-Plex-Container-Size=0"
    )
    assert int(episodes.attrib["totalSize"]) == len(dataset.of_type(SHOWS_SECTION_ID, "episode"))


def test_start_past_the_end_gives_no_children(shared_server: PlexSimServer, dataset: Library) -> None:
    start = movie_count(dataset) + 5
    root = get_xml(
        shared_server, MOVIES_ALL, {"X-Plex-Container-Start": str(start), "X-Plex-Container-Size": "10"}
    )
    assert paging(root) == (0, movie_count(dataset), start)
    assert len(root) == 0


def test_the_last_page_is_short(shared_server: PlexSimServer, dataset: Library) -> None:
    start = movie_count(dataset) - 3
    root = get_xml(
        shared_server, MOVIES_ALL, {"X-Plex-Container-Start": str(start), "X-Plex-Container-Size": "10"}
    )
    assert paging(root) == (3, movie_count(dataset), start)


def test_limit_caps_the_total(shared_server: PlexSimServer) -> None:
    root = get_xml(shared_server, f"{MOVIES_ALL}?limit=5")
    assert paging(root) == (5, 5, 0)
    paged = get_xml(
        shared_server, f"{MOVIES_ALL}?limit=5", {"X-Plex-Container-Start": "3", "X-Plex-Container-Size": "10"}
    )
    assert paging(paged) == (2, 5, 3)
    assert [v.get("ratingKey") for v in paged] == [v.get("ratingKey") for v in root][3:]


def test_include_meta_puts_meta_first(shared_server: PlexSimServer) -> None:
    root = get_xml(shared_server, f"{MOVIES_ALL}?includeMeta=1", {"X-Plex-Container-Size": "2"})
    assert [child.tag for child in root] == ["Meta", "Video", "Video"]
    assert root.attrib["size"] == "2"  # Meta is not an item
    assert root[0].find("Type") is not None
    assert get_xml(shared_server, MOVIES_ALL, {"X-Plex-Container-Size": "2"}).find("Meta") is None


def test_children_and_details_page_too(shared_server: PlexSimServer, dataset: Library) -> None:
    show = max(dataset.of_type(SHOWS_SECTION_ID, "show"), key=lambda s: len(dataset.leaves(s)))
    leaves = dataset.leaves(show)
    root = get_xml(
        shared_server,
        f"/library/metadata/{show.rating_key}/allLeaves",
        {"X-Plex-Container-Start": "1", "X-Plex-Container-Size": "2"},
    )
    assert paging(root) == (2, len(leaves), 1)
    assert [int(v.attrib["ratingKey"]) for v in root] == [e.rating_key for e in leaves[1:3]]


# --------------------------------------------------------------------------- authentication


def test_requests_without_a_token_are_unauthorized(shared_server: PlexSimServer) -> None:
    response = requests.get(shared_server.url + "/library/sections", timeout=10)
    assert response.status_code == 401
    assert ET.fromstring(response.content).tag == "Response"


def test_a_wrong_token_is_unauthorized_in_header_and_query(shared_server: PlexSimServer) -> None:
    url = shared_server.url + "/library/sections"
    assert requests.get(url, headers={"X-Plex-Token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(url, params={"X-Plex-Token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(url + "/", headers={"X-Plex-Token": ""}, timeout=10).status_code == 401


def test_the_right_token_works_in_header_or_query(shared_server: PlexSimServer) -> None:
    url = shared_server.url + "/library/sections"
    assert requests.get(url, headers={"X-Plex-Token": TOKEN}, timeout=10).status_code == 200
    assert requests.get(url, params={"X-Plex-Token": TOKEN}, timeout=10).status_code == 200


def test_unknown_paths_are_unauthorized_before_not_found(shared_server: PlexSimServer) -> None:
    assert requests.get(shared_server.url + "/nope", timeout=10).status_code == 401


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "path", ["/library/metadata/999999", "/library/sections/99/all", "/nope", "/library/metadata/abc"]
)
def test_unknown_keys_are_404_xml(shared_server: PlexSimServer, path: str) -> None:
    response = get(shared_server, path)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert (root.tag, root.attrib["code"]) == ("Response", "404")


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("year%3E%3E=abc", "year>>"),
        ("nosuchfield=1", "nosuchfield"),
        ("push=1&year=2000", "push"),
        ("year=2000&pop=1", "pop"),
        ("sort=nosuchsort", "nosuchsort"),
        ("type=99", "type"),
    ],
)
def test_malformed_filters_are_400_naming_the_key(
    shared_server: PlexSimServer, query: str, named: str
) -> None:
    response = get(shared_server, f"{MOVIES_ALL}?{query}")
    assert response.status_code == 400
    status = ET.fromstring(response.content).attrib["status"]
    assert named in status


def test_a_wrong_method_is_405_with_an_allow_header(shared_server: PlexSimServer) -> None:
    response = requests.post(shared_server.url + "/identity", headers=AUTH, timeout=10)
    assert response.status_code == 405
    assert ET.fromstring(response.content).attrib["code"] == "405"
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET", "HEAD"}
    delete = requests.delete(shared_server.url + MOVIES_ALL, headers=AUTH, timeout=10)
    assert delete.status_code == 405
    assert "PUT" in delete.headers["Allow"]


def test_an_oversized_body_is_refused_and_the_connection_closed(shared_server: PlexSimServer) -> None:
    host, port = shared_server.server_address[:2]
    with socket.create_connection((str(host), port), timeout=10) as sock:
        sock.sendall(
            f"POST /library/metadata/1/posters HTTP/1.1\r\nHost: x\r\nX-Plex-Token: {TOKEN}\r\n"
            f"Content-Length: {1 << 40}\r\n\r\n".encode()
        )
        answer = sock.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"Connection: close" in answer


# --------------------------------------------------------------------------- connections


def test_twenty_requests_share_one_connection(shared_server: PlexSimServer) -> None:
    host, port = shared_server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        connection.connect()
        first_socket = connection.sock
        for n in range(20):
            path = ("/identity", "/library/sections", "/nope", f"{MOVIES_ALL}?limit=2")[n % 4]
            connection.request("GET", path, headers=AUTH)
            response = connection.getresponse()
            response.read()
            assert response.status in (200, 404)
            assert connection.sock is first_socket, f"request {n} needed a new connection"
    finally:
        connection.close()


def test_a_requests_session_reuses_its_connection(shared_server: PlexSimServer) -> None:
    with requests.Session() as session:
        session.headers.update(AUTH)
        for path in ("/identity", "/nope", "/library/sections", f"{MOVIES_ALL}?year%3E%3E=abc") * 5:
            session.get(shared_server.url + path, timeout=10)
        pools = session.get_adapter(shared_server.url).poolmanager.pools
        (pool,) = [pools[key] for key in pools.keys()]  # noqa: SIM118 (not a dict)
        assert pool.num_requests == 20
        assert pool.num_connections == 1


def test_head_answers_the_get_headers_without_a_body(shared_server: PlexSimServer) -> None:
    got = get(shared_server, "/library/sections")
    head = requests.head(shared_server.url + "/library/sections", headers=AUTH, timeout=10)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    assert int(head.headers["Content-Length"]) == len(got.content)
    assert requests.head(shared_server.url + "/library/sections", timeout=10).status_code == 401


def test_percent_encoded_paths_are_decoded(shared_server: PlexSimServer, dataset: Library) -> None:
    first, second = dataset.of_type(MOVIES_SECTION_ID, "movie")[:2]
    root = get_xml(shared_server, f"/library/metadata/{first.rating_key}%2C{second.rating_key}")
    assert [int(v.attrib["ratingKey"]) for v in root] == [first.rating_key, second.rating_key]


def test_options_preflight_lists_the_methods_without_a_token(shared_server: PlexSimServer) -> None:
    response = requests.options(
        shared_server.url + MOVIES_ALL,
        headers={"Origin": "http://app.example", "Access-Control-Request-Method": "PUT"},
        timeout=10,
    )
    assert response.status_code == 204
    assert {"GET", "PUT"} <= {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_keep_alive_requests_do_not_wait_for_delayed_acks(shared_server: PlexSimServer) -> None:
    """Headers and body go out together with Nagle off; split writes cost ~40 ms per request on Linux."""
    with requests.Session() as session:
        session.headers.update(AUTH)
        session.get(shared_server.url + "/identity", timeout=10)
        began = time.perf_counter()
        for _ in range(30):
            session.get(shared_server.url + "/identity", timeout=10)
        assert time.perf_counter() - began < 0.8  # ~0.06 s when right, ~1.3 s with the delayed-ACK stall
