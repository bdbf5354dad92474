"""What the engine knows about one library during a run: the listing (read once), collections, hubs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from modules.plex import PlexCollection, PlexGateway, PlexItem, Section, item_from_xml

DETAIL_BATCH = 100  # rating keys per `/library/metadata/{k1,k2,...}` request


@dataclass
class LibraryContext:
    """One library's Plex state, read once per run and kept current as the engine writes."""

    gateway: PlexGateway
    section: Section
    libtype: str
    now: datetime
    dry_run: bool = False
    ignore_ids: set[int] = field(default_factory=set)
    items: dict[int, PlexItem] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    collections: dict[str, PlexCollection] = field(default_factory=dict)
    made: set[str] = field(default_factory=set)  # titles the run's definitions have built so far
    _hubs: dict[str, dict[str, str]] | None = None
    _members: dict[str, list[int]] | None = None
    _tag_ids: dict[str, dict[str, str]] = field(default_factory=dict)
    _full_tags: dict[int, dict[str, list[str]]] | None = None
    _details: dict[int, PlexItem] = field(default_factory=dict)

    @classmethod
    def load(
        cls, gateway: PlexGateway, section: Section, now: datetime, dry_run: bool = False
    ) -> LibraryContext:
        libtype = section.type
        context = cls(gateway, section, libtype, now, dry_run)
        listing = gateway.list_items(section, libtype)
        context.items = {item.rating_key: item for item in listing}
        context.order = [item.rating_key for item in listing]
        context.collections = gateway.collections(section)
        return context

    def members(self, title: str) -> list[int]:
        """Current members of a regular collection, from the listing's Collection tags (no request)."""
        if self._members is None:
            index: dict[str, list[int]] = {}
            for key in self.order:
                for name in self.items[key].tags.get("collection", []):
                    index.setdefault(name, []).append(key)
            self._members = index
        return list(self._members.get(title, []))

    def membership_changed(self) -> None:
        """Collection tags in the listing were changed by this run: the members index is rebuilt on demand."""
        self._members = None

    def hubs(self) -> dict[str, dict[str, str]]:
        if self._hubs is None:
            self._hubs = self.gateway.managed_hubs(self.section)
        return self._hubs

    def tag_id(self, kind: str, name: str) -> str | None:
        """Plex's id for a tag name (one filter-choice request per tag kind per run); `kind` may name another
        level (`episode.director`: the directors of the library's episodes)."""
        if kind not in self._tag_ids:
            level, _, field_name = kind.rpartition(".")
            choices = self.gateway.filter_choices(self.section, field_name, level or self.libtype)
            self._tag_ids[kind] = {title.lower(): key for key, title in choices}
        return self._tag_ids[kind].get(name.lower())

    def full_tags(self) -> dict[int, dict[str, list[str]]]:
        """Every item's complete tags in Plex's order, by rating key.

        List views cut tags short (Plex shows a few actors, directors, writers and no producers there), so
        this reads item details, DETAIL_BATCH items per request, once per run. Items whose details Plex does
        not return keep their list-view tags.
        """
        if self._full_tags is None:
            details = self.details(self.order)
            self._full_tags = {
                key: (details[key].tags if key in details else item.tags) for key, item in self.items.items()
            }
        return self._full_tags

    def details(self, keys: list[int]) -> dict[int, PlexItem]:
        """Items as their details show them (complete tags, locked fields), DETAIL_BATCH per request; each
        item is read at most once per run; the engine's item edits update these copies (modules/item_details.py)."""
        missing = [k for k in keys if k not in self._details]
        for start in range(0, len(missing), DETAIL_BATCH):
            chunk = missing[start : start + DETAIL_BATCH]
            root = self.gateway.query(f"/library/metadata/{','.join(str(k) for k in chunk)}")
            for node in root if root is not None else []:
                if "ratingKey" in node.attrib:
                    detail = item_from_xml(node)
                    self._details[detail.rating_key] = detail
        return {k: self._details[k] for k in keys if k in self._details}

    def details_known(self, keys: list[int]) -> list[PlexItem]:
        """The detail copies already read for `keys` (no request)."""
        return [self._details[k] for k in keys if k in self._details]

    def choices(self, kind: str, libtype: str | None = None) -> list[tuple[str, str]]:
        """(key, title) values Plex offers for a filter, over the library's items (or `libtype`'s, e.g. episodes)."""
        return self.gateway.filter_choices(self.section, kind, libtype or self.libtype)

    def title_of(self, key: int) -> str:
        item = self.items.get(key)
        return item.title if item else str(key)
