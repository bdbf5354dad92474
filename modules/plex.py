"""The Plex gateway: the only module that talks to Plex, always through plexapi's server connection.

It reads list views as raw XML (plexapi's objects reload themselves when an attribute is missing, which
would cost one request per item), counts every request, and batches writes where Plex allows it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote
from xml.etree.ElementTree import Element

import requests
from plexapi.exceptions import BadRequest, NotFound, PlexApiException, Unauthorized
from plexapi.server import PlexServer

from modules.errors import PlexError

LIBTYPES = {"movie": 1, "show": 2, "season": 3, "episode": 4, "collection": 18}
PAGE_SIZE = 2500  # items per request when reading the section listing (parsed in full)
SEARCH_PAGE_SIZE = 50_000  # items per request when only rating keys are read (searches, collection children)
BATCH = 100
READS = frozenset({"GET", "HEAD"})

# A streamed listing is scanned, not parsed: the container's start tag, and each item's start tag up to its
# ratingKey attribute (attribute by attribute, so a ">" inside a quoted value cannot end the tag early).
_CONTAINER = re.compile(rb"<MediaContainer(?:\s+[^\s=>/]+=\"[^\"]*\")*\s*/?>")
_ATTRIBUTE = re.compile(rb'([^\s=>/]+)="([^"]*)"')
_ITEM_KEY = re.compile(
    rb'<(?:Video|Directory|Photo|Track|Playlist)(?:\s+[^\s=>/]+="[^"]*")*?\s+ratingKey="(\d+)"'
)


class CountingSession(requests.Session):
    """A requests session that counts Plex reads and writes and can log each request."""

    def __init__(self, log_requests: bool = False) -> None:
        super().__init__()
        self.reads = 0
        self.writes = 0
        self.log_requests = log_requests
        self.request_log: list[str] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        verb = method.decode() if isinstance(method, bytes) else method
        if verb.upper() in READS:
            self.reads += 1
        else:
            self.writes += 1
        response = super().request(method, url, *args, **kwargs)
        if self.log_requests:
            line = f"{verb.upper()} {response.url} -> {response.status_code}"
            self.request_log.append(line)
            logging.getLogger("kometa").info(f"Plex request: {line}")
        return response


@dataclass
class Section:
    key: int
    title: str
    type: str
    agent: str


@dataclass
class PlexItem:
    """One item as a list view shows it: enough to compare, filter and report without reloading."""

    rating_key: int
    type: str
    title: str
    attrs: dict[str, str]
    tags: dict[str, list[str]] = field(default_factory=dict)
    resolutions: list[str] = field(default_factory=list)
    locked: set[str] = field(default_factory=set)

    def number(self, name: str) -> float | None:
        value = self.attrs.get(name)
        try:
            return float(value) if value not in (None, "") else None
        except ValueError:
            return None

    @property
    def year(self) -> int | None:
        value = self.number("year")
        return int(value) if value is not None else None

    @property
    def sort_title(self) -> str:
        return self.attrs.get("titleSort") or self.title


@dataclass
class PlexCollection:
    """A collection as the section's collection list shows it."""

    rating_key: int
    title: str
    attrs: dict[str, str]
    labels: list[str] = field(default_factory=list)

    @property
    def smart(self) -> bool:
        return self.attrs.get("smart") == "1"

    @property
    def content(self) -> str:
        return self.attrs.get("content", "")


TAG_ELEMENTS = {
    "Genre": "genre",
    "Collection": "collection",
    "Label": "label",
    "Director": "director",
    "Writer": "writer",
    "Role": "actor",
    "Producer": "producer",
    "Country": "country",
}


def item_from_xml(node: Element) -> PlexItem:
    tags: dict[str, list[str]] = {}
    resolutions: list[str] = []
    locked: set[str] = set()
    for child in node:
        kind = TAG_ELEMENTS.get(child.tag)
        if kind is not None:
            tags.setdefault(kind, []).append(child.attrib.get("tag", ""))
        elif child.tag == "Media":
            resolutions.append(child.attrib.get("videoResolution", ""))
        elif child.tag == "Field" and child.attrib.get("locked") == "1":
            locked.add(child.attrib.get("name", ""))
    return PlexItem(
        rating_key=int(node.attrib["ratingKey"]),
        type=node.attrib.get("type", ""),
        title=node.attrib.get("title", ""),
        attrs=dict(node.attrib),
        tags=tags,
        resolutions=resolutions,
        locked=locked,
    )


class PlexGateway:
    """A connection to one Plex server; every engine read and write goes through here."""

    def __init__(
        self,
        url: str,
        token: str | None,
        timeout: int = 60,
        verify_ssl: bool = True,
        log_requests: bool = False,
    ) -> None:
        self.session = CountingSession(log_requests)
        self.session.verify = verify_ssl
        try:
            self.server = PlexServer(url, token, session=self.session, timeout=timeout)
        except Unauthorized:
            raise PlexError(f"Plex at {url} refused the token (401 Unauthorized)") from None
        except (requests.RequestException, PlexApiException) as exc:
            raise PlexError(f"cannot connect to Plex at {url}: {exc}") from None
        self.url = url

    # ---- low level
    def query(
        self, key: str, method: str = "GET", params: Iterable[tuple[str, str]] | None = None, **kw: Any
    ) -> Element | None:
        verb = {
            "GET": self.session.get,
            "PUT": self.session.put,
            "POST": self.session.post,
            "DELETE": self.session.delete,
        }
        try:
            return self.server.query(key, method=verb[method], params=list(params or []), **kw)
        except (BadRequest, NotFound, Unauthorized) as exc:
            raise PlexError(f"Plex refused {method} {key}: {exc}") from None
        except requests.RequestException as exc:
            raise PlexError(f"Plex did not answer {method} {key}: {exc}") from None

    @property
    def reads(self) -> int:
        return self.session.reads

    @property
    def writes(self) -> int:
        return self.session.writes

    @property
    def machine_identifier(self) -> str:
        return str(self.server.machineIdentifier)

    # ---- sections and listings
    def sections(self) -> list[Section]:
        root = self.query("/library/sections")
        found = []
        for node in root if root is not None else []:
            found.append(
                Section(
                    int(node.attrib["key"]),
                    node.attrib["title"],
                    node.attrib["type"],
                    node.attrib.get("agent", ""),
                )
            )
        return found

    def section(self, title: str) -> Section:
        for section in self.sections():
            if section.title == title:
                return section
        known = ", ".join(s.title for s in self.sections())
        raise PlexError(f"Plex has no library named {title!r} (it has: {known})")

    def paged(self, key: str, params: list[tuple[str, str]]) -> Iterator[Element]:
        """Every child of a paged listing, requesting PAGE_SIZE items at a time."""
        start = 0
        while True:
            headers = {"X-Plex-Container-Start": str(start), "X-Plex-Container-Size": str(PAGE_SIZE)}
            root = self.query(key, params=params, headers=headers)
            if root is None:
                return
            children = [c for c in root if c.tag != "Meta"]
            yield from children
            total = int(root.attrib.get("totalSize", root.attrib.get("size", len(children))))
            start += PAGE_SIZE
            if start >= total or not children:
                return

    def list_items(self, section: Section, libtype: str | None = None) -> list[PlexItem]:
        number = LIBTYPES[libtype or section.type]
        # no includeGuids: PlexItem keeps no guids (GuidIndex reads them separately, when needed)
        params = [("type", str(number))]
        return [item_from_xml(node) for node in self.paged(f"/library/sections/{section.key}/all", params)]

    def search_keys(self, section: Section, params: list[tuple[str, str]]) -> list[int]:
        """Rating keys matching a Plex filter query, in Plex's order (one request up to SEARCH_PAGE_SIZE)."""
        return self.keys(f"/library/sections/{section.key}/all", params)

    def keys(self, key: str, params: list[tuple[str, str]]) -> list[int]:
        """The rating keys of a listing's items, in order, SEARCH_PAGE_SIZE items per request.

        Only the keys are needed, so the answer is streamed and scanned for its items' `ratingKey`
        instead of being parsed into a tree: a search over a large library returns tens of megabytes of
        XML, which ElementTree would take seconds and hundreds of megabytes to build.
        """
        found: list[int] = []
        start = 0
        while True:
            headers = {"X-Plex-Container-Start": str(start), "X-Plex-Container-Size": str(SEARCH_PAGE_SIZE)}
            page, container = self._stream_keys(key, params, headers)
            if container.get("size", str(len(page))) != str(len(page)):
                # an item the scan cannot read (never seen from Plex): parse this page properly
                root = self.query(key, params=params, headers=headers)
                page = [
                    int(n.attrib["ratingKey"]) for n in (root if root is not None else []) if n.tag != "Meta"
                ]
                container = dict(root.attrib) if root is not None else {}
            found.extend(page)
            start += len(page)
            total = int(container.get("totalSize", container.get("size", len(page))))
            if len(page) < SEARCH_PAGE_SIZE or start >= total:
                return found

    def _stream_keys(
        self, key: str, params: list[tuple[str, str]], headers: dict[str, str]
    ) -> tuple[list[int], dict[str, str]]:
        """One GET through plexapi's connection (its URL, token and timeout): item keys and container attributes."""
        server = self.server
        try:
            with self.session.get(
                server.url(key),
                headers=server._headers(**headers),
                params=params,
                timeout=server._timeout,
                stream=True,
            ) as response:
                if response.status_code not in (200, 201, 204):
                    text = response.text.replace("\n", " ")
                    raise PlexError(f"Plex refused GET {key}: ({response.status_code}) {response.url} {text}")
                keys: list[int] = []
                container: dict[str, str] | None = None
                pending = b""
                for chunk in response.iter_content(chunk_size=1 << 20):
                    pending += chunk
                    if container is None:
                        match = _CONTAINER.search(pending)
                        if match is None:
                            continue
                        container = {k.decode(): v.decode() for k, v in _ATTRIBUTE.findall(match.group(0))}
                    # "<" never occurs inside a tag, so every tag that starts before the last "<" is complete
                    cut = pending.rfind(b"<")
                    keys.extend(int(k) for k in _ITEM_KEY.findall(pending, 0, cut))
                    pending = pending[cut:]
                keys.extend(int(k) for k in _ITEM_KEY.findall(pending))
        except requests.RequestException as exc:
            raise PlexError(f"Plex did not answer GET {key}: {exc}") from None
        return keys, container or {}

    def filter_choices(
        self, section: Section, name: str, libtype: str | None = None
    ) -> list[tuple[str, str]]:
        number = LIBTYPES[libtype or section.type]
        root = self.query(f"/library/sections/{section.key}/{name}", params=[("type", str(number))])
        return [
            (n.attrib.get("key", ""), n.attrib.get("title", "")) for n in (root if root is not None else [])
        ]

    # ---- collections
    def collections(self, section: Section) -> dict[str, PlexCollection]:
        found: dict[str, PlexCollection] = {}
        for node in self.paged(f"/library/sections/{section.key}/collections", []):
            labels = [c.attrib.get("tag", "") for c in node if c.tag == "Label"]
            col = PlexCollection(
                int(node.attrib["ratingKey"]), node.attrib.get("title", ""), dict(node.attrib), labels
            )
            found[col.title] = col
        return found

    def collection_keys(self, collection: PlexCollection) -> list[int]:
        return self.keys(f"/library/collections/{collection.rating_key}/children", [])

    def metadata_uri(self, keys: Iterable[int]) -> str:
        joined = ",".join(str(k) for k in keys)
        return f"server://{self.machine_identifier}/com.plexapp.plugins.library/library/metadata/{joined}"

    def section_uri(self, section: Section, query: str) -> str:
        return f"server://{self.machine_identifier}/com.plexapp.plugins.library/library/sections/{section.key}/all?{query}"

    def create_collection(
        self, section: Section, title: str, libtype: str, keys: list[int]
    ) -> PlexCollection:
        params = [
            ("sectionId", str(section.key)),
            ("smart", "0"),
            ("title", title),
            ("type", str(LIBTYPES[libtype])),
            ("uri", self.metadata_uri(keys[:BATCH])),
        ]
        root = self.query("/library/collections", "POST", params)
        node = next(iter(root)) if root is not None else None
        if node is None:
            raise PlexError(f"Plex created no collection {title!r}")
        col = PlexCollection(int(node.attrib["ratingKey"]), title, dict(node.attrib))
        if len(keys) > BATCH:
            self.add_to_collection(col, keys[BATCH:])
        return col

    def create_smart_collection(
        self, section: Section, title: str, libtype: str, query: str
    ) -> PlexCollection:
        params = [
            ("sectionId", str(section.key)),
            ("smart", "1"),
            ("title", title),
            ("type", str(LIBTYPES[libtype])),
            ("uri", self.section_uri(section, query)),
        ]
        root = self.query("/library/collections", "POST", params)
        node = next(iter(root)) if root is not None else None
        if node is None:
            raise PlexError(f"Plex created no smart collection {title!r}")
        return PlexCollection(int(node.attrib["ratingKey"]), title, dict(node.attrib))

    def update_smart_filter(self, section: Section, collection: PlexCollection, query: str) -> None:
        self.query(
            f"/library/collections/{collection.rating_key}/items",
            "PUT",
            [("uri", self.section_uri(section, query))],
        )

    def add_to_collection(self, collection: PlexCollection, keys: list[int]) -> None:
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            self.query(
                f"/library/collections/{collection.rating_key}/items",
                "PUT",
                [("uri", self.metadata_uri(chunk))],
            )

    def remove_from_collection(
        self, section: Section, collection: PlexCollection, keys: list[int], libtype: str
    ) -> None:
        """One tag-removal edit per batch of items, instead of one DELETE per item."""
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            params = [
                ("type", str(LIBTYPES[libtype])),
                ("id", ",".join(str(k) for k in chunk)),
                ("collection[].tag.tag-", quote(collection.title, safe="")),
            ]
            self.query(f"/library/sections/{section.key}/all", "PUT", params)

    def edit_items(
        self, section: Section, keys: list[int], libtype: str, params: list[tuple[str, str]]
    ) -> None:
        """One multi-item edit (Plex applies tag adds to every item named in `id`)."""
        base = [("type", str(LIBTYPES[libtype])), ("id", ",".join(str(k) for k in keys))]
        self.query(f"/library/sections/{section.key}/all", "PUT", base + params)

    def edit_collection(
        self, section: Section, collection: PlexCollection, params: list[tuple[str, str]]
    ) -> None:
        if params:
            base = [("type", "18"), ("id", str(collection.rating_key))]
            self.query(f"/library/sections/{section.key}/all", "PUT", base + params)

    def collection_prefs(self, collection: PlexCollection, prefs: list[tuple[str, str]]) -> None:
        if prefs:
            self.query(f"/library/collections/{collection.rating_key}/prefs", "PUT", prefs)

    def move_in_collection(self, collection: PlexCollection, key: int, after: int | None) -> None:
        params = [("after", str(after))] if after is not None else []
        self.query(f"/library/collections/{collection.rating_key}/items/{key}/move", "PUT", params)

    def delete_collection(self, collection: PlexCollection) -> None:
        self.query(f"/library/collections/{collection.rating_key}", "DELETE")

    # ---- hubs (visibility)
    def managed_hubs(self, section: Section) -> dict[str, dict[str, str]]:
        root = self.query(f"/hubs/sections/{section.key}/manage")
        return {n.attrib.get("identifier", ""): dict(n.attrib) for n in (root if root is not None else [])}

    def set_visibility(
        self, section: Section, collection: PlexCollection, library: bool, home: bool, shared: bool
    ) -> None:
        params = [
            ("metadataItemId", str(collection.rating_key)),
            ("promotedToRecommended", "1" if library else "0"),
            ("promotedToOwnHome", "1" if home else "0"),
            ("promotedToSharedHome", "1" if shared else "0"),
        ]
        self.query(f"/hubs/sections/{section.key}/manage", "POST", params)

    # ---- images
    def upload_poster(
        self, rating_key: int, data: bytes | None = None, url: str | None = None, kind: str = "posters"
    ) -> None:
        params = [("url", url)] if url else []
        self.query(f"/library/metadata/{rating_key}/{kind}", "POST", params, data=data)
