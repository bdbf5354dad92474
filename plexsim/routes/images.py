"""Posters, backgrounds, themes and logos: list, upload (bytes or URL), select, delete, serve, transcode.

Uploaded bytes are stored and served back unchanged (clients find their own overlays by EXIF), named
`upload://<kind>/<sha1>`; an upload selects the image, locks its field and moves `updatedAt`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, quote, urlsplit
from xml.etree.ElementTree import Element

from plexsim import artwork
from plexsim.http import BadRequest, Handler, NotFound, Request, Response, Result, Router
from plexsim.model import ARTWORK_KINDS, Artwork, Item, Library
from plexsim.render import artwork_key, container, el, finish
from plexsim.routes.common import item_arg

SINGULAR = {"posters": "poster", "arts": "art", "themes": "theme", "clearLogos": "clearLogo"}
FIELD_TO_PLURAL = {field: plural for plural, field in ARTWORK_KINDS.items()}
MAX_REMOTE_BYTES = 32 * 1024 * 1024
COMPOSITE = "default://posters/composite"  # the generated poster of a collection or playlist


def _has_composite(item: Item, plural: str) -> bool:
    return plural == "posters" and item.type in ("collection", "playlist")


def list_artwork(request: Request, plural: str) -> Element:
    """The candidates of one kind; collections and playlists also offer their generated composite."""
    item = item_arg(request)
    root = container()
    element = "Track" if plural == "themes" else "Photo"
    entries = item.artwork.get(plural, [])
    for art in entries:
        key = artwork_key(item, art.rating_key)
        el(
            root,
            element,
            key=key,
            ratingKey=art.rating_key,
            selected=art.selected,
            thumb=key,
            provider=art.provider,
            type=SINGULAR[plural] if element == "Track" else None,
        )
    if _has_composite(item, plural):
        key = f"/library/metadata/{item.rating_key}/file?url={quote(COMPOSITE, safe='')}"
        selected = not any(a.selected for a in entries)
        el(root, "Photo", key=key, ratingKey=COMPOSITE, selected=selected, thumb=key)
    return finish(root)


@contextmanager
def unlocked(lib: Library) -> Iterator[None]:
    """Let other requests run while this one waits on the network (the URL may point back at us)."""
    lib.lock.release()
    try:
        yield
    finally:
        lib.lock.acquire()


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _fetch(lib: Library, url: str) -> bytes:
    with unlocked(lib):
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                data: bytes = answer.read(MAX_REMOTE_BYTES + 1)
        except OSError as exc:
            raise BadRequest(f"could not fetch {url}: {exc}") from None
    if len(data) > MAX_REMOTE_BYTES:
        raise BadRequest(f"{url} is larger than {MAX_REMOTE_BYTES} bytes")
    return data


def _store(lib: Library, plural: str, data: bytes) -> Artwork:
    if not data:
        raise BadRequest("an upload needs the image bytes as the body, or a url parameter")
    digest = hashlib.sha1(data).hexdigest()
    lib.blobs[digest] = data
    return Artwork(rating_key=f"upload://{plural}/{digest}", blob=digest)


def _select(lib: Library, item: Item, plural: str, chosen: Artwork) -> None:
    entries = [a for a in item.artwork.get(plural, []) if a.rating_key != chosen.rating_key]
    for entry in entries:
        entry.selected = False
    chosen.selected = True
    item.artwork[plural] = [chosen, *entries]
    item.locked.add(ARTWORK_KINDS[plural])
    lib.touch(item)


def upload_artwork(request: Request, plural: str) -> None:
    """Store posted bytes, fetch a loopback `url`, or record any other `url` as a remote image; select it."""
    lib = request.library
    item = item_arg(request)
    url = request.get("url")
    if url:
        parsed = urlsplit(url)
        if parsed.scheme not in ("http", "https"):
            raise BadRequest(f"url must be http or https, got {url!r}")
        if _is_loopback(url):
            chosen = _store(lib, plural, _fetch(lib, url))
            if lib.items.get(item.rating_key) is not item:
                raise NotFound(f"item {item.rating_key} was deleted during the upload")
        else:
            chosen = Artwork(rating_key=url, provider="url")
    else:
        chosen = _store(lib, plural, request.body)
    _select(lib, item, plural, chosen)


def select_artwork(request: Request, plural: str) -> None:
    """Select a candidate by its ratingKey (`PUT .../poster?url=`); the composite deselects all others."""
    lib = request.library
    item = item_arg(request)
    wanted = request.require("url")
    if wanted == COMPOSITE and _has_composite(item, plural):
        for entry in item.artwork.get(plural, []):
            entry.selected = False
        item.locked.add(ARTWORK_KINDS[plural])
        lib.touch(item)
        return
    for entry in item.artwork.get(plural, []):
        if entry.rating_key == wanted:
            _select(lib, item, plural, entry)
            return
    raise NotFound(f"item {item.rating_key} has no {SINGULAR[plural]} {wanted!r}")


def delete_artwork(request: Request, plural: str) -> None:
    """Drop the selected image; the agent's (else the composite, else the first left) becomes current."""
    lib = request.library
    item = item_arg(request)
    remaining = [a for a in item.artwork.get(plural, []) if not a.selected]
    agent = [a for a in remaining if a.rating_key.startswith("metadata://")]
    if agent:
        agent[0].selected = True
    elif remaining and not _has_composite(item, plural):
        remaining[0].selected = True
    item.artwork[plural] = remaining
    item.locked.discard(ARTWORK_KINDS[plural])
    lib.touch(item)


def artwork_bytes(lib: Library, item: Item, plural: str, art: Artwork | None) -> bytes:
    """The bytes of one candidate; None stands for the generated composite of a collection or playlist."""
    if art is None:
        if _has_composite(item, plural):
            return artwork.generated_image(item, plural)
        raise NotFound(f"item {item.rating_key} has no {SINGULAR[plural]}")
    if art.blob is not None:
        return lib.blobs[art.blob]
    if art.rating_key.startswith("metadata://"):
        return artwork.generated_image(item, plural)
    raise NotFound(f"{art.rating_key} is a remote image and this server is offline")


def image_response(data: bytes) -> Response:
    return Response(body=data, content_type=artwork.image_content_type(data))


def _selected(item: Item, plural: str) -> Artwork | None:
    return next((a for a in item.artwork.get(plural, []) if a.selected), None)


def serve_selected(request: Request, field: str) -> Response:
    item = item_arg(request)
    plural = FIELD_TO_PLURAL[field]
    return image_response(artwork_bytes(request.library, item, plural, _selected(item, plural)))


def _file_bytes(lib: Library, item: Item, wanted: str) -> bytes:
    """Bytes of the candidate whose ratingKey is `wanted` (the `url` of `/library/metadata/{rk}/file`)."""
    if wanted == COMPOSITE and _has_composite(item, "posters"):
        return artwork_bytes(lib, item, "posters", None)
    for plural, entries in item.artwork.items():
        for entry in entries:
            if entry.rating_key == wanted:
                return artwork_bytes(lib, item, plural, entry)
    raise NotFound(f"item {item.rating_key} has no image {wanted!r}")


def serve_file(request: Request) -> Response:
    return image_response(_file_bytes(request.library, item_arg(request), request.require("url")))


def serve_composite(request: Request) -> Response:
    item = item_arg(request, kinds=("collection", "playlist"))
    return image_response(artwork.generated_image(item, "posters"))


def resolve_local(lib: Library, url: str, host: str | None = None) -> bytes:
    """Bytes behind one of our own image URLs (what `/photo/:/transcode?url=` points at).

    An absolute URL must name this server (`host`, the request's Host header) or a loopback address:
    other hosts are remote images, which an offline server cannot fetch.
    """
    parsed = urlsplit(url)
    if parsed.netloc and parsed.netloc != host and not _is_loopback(url):
        raise NotFound(f"{url!r} is a remote image and this server is offline")
    parts = [p for p in parsed.path.split("/") if p]
    key_at = 2 if parts[:1] == ["library"] else 1
    if parts[:1] not in (["library"], ["playlists"]) or len(parts) <= key_at or not parts[key_at].isdigit():
        raise NotFound(f"cannot transcode {url!r}")
    item = lib.items.get(int(parts[key_at]))
    if item is None:
        raise NotFound(f"no such key: {parsed.path}")
    kind = parts[3] if len(parts) > 3 and parts[0] == "library" else "composite"
    if kind == "file":
        return _file_bytes(lib, item, parse_qs(parsed.query).get("url", [""])[0])
    plural = FIELD_TO_PLURAL.get(kind, "posters")
    return artwork_bytes(lib, item, plural, _selected(item, plural))


def transcode(request: Request) -> Response:
    """`/photo/:/transcode?url=&width=&height=`: the image fitted into the box (one side alone is fine)."""
    url = request.require("url")
    width = request.int_param("width", 0) or 0
    height = request.int_param("height", 0) or 0
    data = resolve_local(request.library, url, request.headers.get("Host"))
    if width > 0 or height > 0:
        data = artwork.resize(data, width, height)
    return image_response(data)


def _kind_handler(handler: Callable[[Request, str], Result], kind: str) -> Handler:
    """`handler` with its artwork kind (plural or field name) bound, as a route handler."""

    def bound(request: Request) -> Result:
        return handler(request, kind)

    return bound


def register(router: Router) -> None:
    for plural, field in ARTWORK_KINDS.items():
        singular = SINGULAR[plural]
        router.add("GET", f"/library/metadata/{{rk}}/{plural}", _kind_handler(list_artwork, plural))
        router.add("POST", f"/library/metadata/{{rk}}/{plural}", _kind_handler(upload_artwork, plural))
        router.add("PUT", f"/library/metadata/{{rk}}/{singular}", _kind_handler(select_artwork, plural))
        router.add("DELETE", f"/library/metadata/{{rk}}/{field}", _kind_handler(delete_artwork, plural))
        router.add("GET", f"/library/metadata/{{rk}}/{field}/{{ts}}", _kind_handler(serve_selected, field))
        router.add("GET", f"/library/metadata/{{rk}}/{field}", _kind_handler(serve_selected, field))
    router.add("GET", "/library/metadata/{rk}/file", serve_file)
    router.add("GET", "/library/collections/{rk}/composite/{ts}", serve_composite)
    router.add("GET", "/playlists/{rk}/composite/{ts}", serve_composite)
    router.add("GET", "/photo/:/transcode", transcode)
