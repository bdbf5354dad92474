"""Collection posters and backgrounds from a URL or a file, uploaded only when the source or Plex changed.

A small SQLite cache beside config.yml remembers what was uploaded (source signature) and what Plex's
`thumb`/`art` became, so an unchanged source and an untouched image cost no request.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from modules.context import LibraryContext
from modules.errors import DefinitionError, Location
from modules.plex import PlexCollection

KINDS = {
    "url_poster": ("posters", "thumb"),
    "file_poster": ("posters", "thumb"),
    "url_background": ("arts", "art"),
    "file_background": ("arts", "art"),
}


class ArtworkCache:
    """(server, rating key, image kind) -> (source signature, Plex attribute value after the upload)."""

    def __init__(self, path: Path | None) -> None:
        self.db = sqlite3.connect(str(path) if path else ":memory:")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS artwork (server TEXT, rating_key INTEGER, kind TEXT, "
            "signature TEXT, current TEXT, PRIMARY KEY (server, rating_key, kind))"
        )

    def get(self, server: str, rating_key: int, kind: str) -> tuple[str, str] | None:
        row = self.db.execute(
            "SELECT signature, current FROM artwork WHERE server=? AND rating_key=? AND kind=?",
            (server, rating_key, kind),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def put(self, server: str, rating_key: int, kind: str, signature: str, current: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO artwork VALUES (?, ?, ?, ?, ?)",
            (server, rating_key, kind, signature, current),
        )
        self.db.commit()

    def close(self) -> None:
        self.db.close()


@dataclass
class ArtworkSource:
    key: str
    plural: str
    attribute: str
    signature: str
    url: str | None = None
    data: bytes | None = None


def sources(details: dict[str, object], config_dir: Path, where: Location) -> list[ArtworkSource]:
    found = []
    for key, (plural, attribute) in KINDS.items():
        value = details.get(key)
        if value is None:
            continue
        if key.startswith("url_"):
            url = str(value)
            if not url.startswith(("http://", "https://")):
                raise DefinitionError(f"{key} must be an http(s) URL, got {url!r}", where)
            found.append(ArtworkSource(key, plural, attribute, f"url:{url}", url=url))
        else:
            path = (config_dir / str(value)).resolve()
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise DefinitionError(f"{key}: cannot read {path}: {exc.strerror}", where) from None
            found.append(
                ArtworkSource(key, plural, attribute, f"sha1:{hashlib.sha1(data).hexdigest()}", data=data)
            )
    return found


def pending(
    context: LibraryContext,
    cache: ArtworkCache,
    collection: PlexCollection | None,
    wanted: list[ArtworkSource],
) -> list[ArtworkSource]:
    """Sources whose upload is needed: new collection, new source, or Plex's image changed since."""
    if collection is None:
        return wanted
    server = context.gateway.machine_identifier
    out = []
    for source in wanted:
        known = cache.get(server, collection.rating_key, source.plural)
        if (
            known is None
            or known[0] != source.signature
            or known[1] != collection.attrs.get(source.attribute, "")
        ):
            out.append(source)
    return out


def upload(
    context: LibraryContext, cache: ArtworkCache, collection: PlexCollection, todo: list[ArtworkSource]
) -> None:
    gateway = context.gateway
    for source in todo:
        gateway.upload_poster(collection.rating_key, data=source.data, url=source.url, kind=source.plural)
    if todo:
        fresh = gateway.collections(context.section).get(collection.title)
        attrs = fresh.attrs if fresh else {}
        for source in todo:
            cache.put(
                gateway.machine_identifier,
                collection.rating_key,
                source.plural,
                source.signature,
                attrs.get(source.attribute, ""),
            )
