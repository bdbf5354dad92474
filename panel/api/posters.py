"""``GET /api/plex/libraries/<section>/items/<rating_key>/poster``: an item's poster through the panel.

The browser never sees the Plex token: the panel fetches Plex's ``thumb`` with it and streams the image
back. Only items of a library config.yml (on main) names are served, checked against the cached listing
(:mod:`panel.plex_listing`), so the check costs no Plex request; anything but an image, or one past
``MAX_POSTER_BYTES``, is refused. Answers carry an ETag from Plex's image path (it changes with the
image) and may be kept by the browser for an hour.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict

import requests
from flask import Blueprint, Response, request

from modules.cli import secrets_from_env
from modules.config import LibraryConfig, load_config
from modules.errors import KometaError, PlexError
from modules.plex import PlexGateway
from panel.api.common import get_repo, stored_secret_values
from panel.api.envelope import ApiError
from panel.api.preview import config_folder, listing_cache, plex_server
from panel.openapi import documented, query_param
from panel.plex_listing import server_key
from panel.preview import LenientSecrets

bp = Blueprint("posters", __name__)
MAX_POSTER_BYTES = 10 * 1024 * 1024
POSTER_MAX_AGE = 3600
MAX_WIDTH = 2000
TITLES_KEPT = 16
_titles: OrderedDict[str, tuple[list[str], LibraryConfig | None]] = OrderedDict()
_titles_lock = threading.Lock()


@bp.get("/plex/libraries/<int:section>/items/<int:rating_key>/poster")
@documented(
    query={
        "width": query_param(
            f"Fit the poster into this width (and 1.5 times it in height), 1 to {MAX_WIDTH} pixels, "
            "resized by Plex; without it, the poster as Plex keeps it",
            {"type": "integer", "minimum": 1, "maximum": MAX_WIDTH},
        )
    }
)
def poster(section: int, rating_key: int) -> Response | tuple[Response, int]:
    """An item's poster, streamed from Plex with the token kept on the server; only items of a library
    config.yml names. Cached by the browser for an hour (ETag follows Plex's image)."""
    width = _width(request.args.get("width"))
    titles, library = _configured_titles()
    try:
        url, token = plex_server(library)
    except ApiError:
        raise ApiError(
            404, "not_found", "no Plex server is configured, so no library has items", {}
        ) from None
    cache = listing_cache()
    try:
        with cache.gateway(url, token) as gateway:
            server = server_key(url, token)
            sections = cache.sections(gateway, server)
            found = next((s for s in sections if s.key == section and s.title in titles), None)
            if found is None:
                raise ApiError(404, "not_found", f"library {section} is not one config.yml names", {})
            listing = cache.listing(gateway, server, found)
            item = listing.items.get(rating_key)
            thumb = item.attrs.get("thumb") if item else None
            if not thumb:
                message = f"item {rating_key} is not in library {found.title!r} or has no poster"
                raise ApiError(404, "not_found", message, {})
            etag = hashlib.sha256(f"{url}{thumb}?{width}".encode()).hexdigest()[:32]
            if etag in request.if_none_match:
                return _cached_response(Response(status=304), etag)
            data, mimetype = _fetch_image(gateway, thumb, width)
    except PlexError as exc:
        message = str(exc).replace(token, "***") if token else str(exc)
        raise ApiError(503, "plex_unreachable", message, {"url": url}) from None
    return _cached_response(Response(data, mimetype=mimetype), etag)


def _configured_titles() -> tuple[list[str], LibraryConfig | None]:
    """The Plex titles config.yml's libraries name on main, and one library (for its ``plex:`` block);
    kept per commit and secrets, so a page of posters loads config.yml once."""
    sha = get_repo().resolve("main")
    secrets = {**secrets_from_env(os.environ), **stored_secret_values()}
    key = hashlib.sha256(repr((sha, sorted(secrets.items()))).encode()).hexdigest()
    with _titles_lock:
        hit = _titles.get(key)
    if hit is not None:
        return hit
    with config_folder("main") as (_sha, folder, secrets):
        path = folder / "config.yml"
        try:
            config = load_config(path, LenientSecrets(secrets)) if path.is_file() else None
        except KometaError:
            config = None
    libraries = list(config.libraries.values()) if config else []
    found = (list(dict.fromkeys(lib.library_name for lib in libraries)), libraries[0] if libraries else None)
    with _titles_lock:
        _titles[key] = found
        while len(_titles) > TITLES_KEPT:
            _titles.popitem(last=False)
    return found


def _width(raw: str | None) -> int | None:
    """``?width=``: a whole number of pixels from 1 to MAX_WIDTH; 400 naming the parameter otherwise."""
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_WIDTH):
        message = f"'width' must be a whole number of pixels from 1 to {MAX_WIDTH}, got {raw!r}"
        raise ApiError(400, "bad_request", message, {"field": "width"})
    return int(raw)


def _fetch_image(gateway: PlexGateway, thumb: str, width: int | None) -> tuple[bytes, str]:
    """The image at Plex's ``thumb`` path (fitted to ``width`` by Plex's photo transcoder), at most
    MAX_POSTER_BYTES; PlexError for anything else."""
    server = gateway.server
    key, params = thumb, {}
    if width is not None:
        key, params = "/photo/:/transcode", {"url": thumb, "width": str(width), "height": str(width * 3 // 2)}
    try:
        with gateway.session.get(
            server.url(key), params=params, headers=server._headers(), timeout=server._timeout, stream=True
        ) as answer:
            if answer.status_code != 200:
                raise PlexError(f"Plex answered {answer.status_code} for the poster")
            mimetype = answer.headers.get("Content-Type", "").split(";")[0].strip()
            if not mimetype.startswith("image/"):
                raise PlexError(f"Plex sent {mimetype or 'no type'} instead of an image")
            data = b""
            for chunk in answer.iter_content(chunk_size=1 << 16):
                data += chunk
                if len(data) > MAX_POSTER_BYTES:
                    raise PlexError(f"the poster is larger than {MAX_POSTER_BYTES} bytes")
    except requests.RequestException as exc:
        raise PlexError(f"Plex did not answer the poster request: {type(exc).__name__}") from None
    return data, mimetype


def _cached_response(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"private, max-age={POSTER_MAX_AGE}"
    return response
