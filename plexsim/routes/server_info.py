"""Server root, identity, prefs, watch state and the cheap housekeeping endpoints clients touch."""

from __future__ import annotations

import time
from xml.etree.ElementTree import Element

from plexsim import query
from plexsim.http import BadRequest, NotFound, Request, Router
from plexsim.model import LIBRARY_IDENTIFIER, Item
from plexsim.render import container, el, finish, item_element, setting_element
from plexsim.routes.paging import page

SERVER_FLAGS = {
    "allowCameraUpload": 0,
    "allowChannelAccess": 1,
    "allowMediaDeletion": 1,
    "allowSharing": 1,
    "allowSync": 1,
    "backgroundProcessing": 1,
    "certificate": 0,
    "companionProxy": 1,
    "eventStream": 1,
    "hubSearch": 1,
    "multiuser": 1,
    "myPlex": 0,
    "myPlexSubscription": 0,
    "photoAutoTag": 0,
    "pluginHost": 1,
    "readOnlyLibraries": 0,
    "requestParametersInCookie": 1,
    "sync": 1,
    "transcoderAudio": 1,
    "transcoderLyrics": 1,
    "transcoderPhoto": 1,
    "transcoderSubtitles": 1,
    "transcoderVideo": 1,
    "updater": 1,
    "voiceSearch": 1,
}

# id -> (type, default, label, group, enumValues)
SERVER_SETTINGS: dict[str, tuple[str, str, str, str, str | None]] = {
    "FriendlyName": ("text", "", "Friendly name", "general", None),
    "DatabaseCacheSize": ("int", "40", "Database cache size (MB)", "library", None),
    "butlerUpdateChannel": ("text", "16", "Update channel", "general", "16:Public|8:Plex Pass"),
    "butlerStartHour": ("int", "2", "Time at which tasks start to run", "butler", None),
    "butlerEndHour": ("int", "5", "Time at which tasks stop running", "butler", None),
    "cinemaTrailersPrerollID": ("text", "", "Movie pre-roll video", "extras", None),
    "ScheduledLibraryUpdatesEnabled": ("bool", "0", "Update my library periodically", "library", None),
}
STUB_GET_ROUTES = (
    "/activities",
    "/hubs",
    "/library/onDeck",
    "/library/recentlyAdded",
    "/media/providers",
    "/system/agents",
    "/status/sessions",
    "/status/sessions/history/all",
    "/butler",
    "/updater/status",
    "/accounts",
    "/devices",
    "/clients",
    "/services/browse",
    "/transcode/sessions",
)


def server_root(request: Request) -> Element:
    lib = request.library
    root = el(
        None,
        "MediaContainer",
        size=0,
        friendlyName=lib.server_prefs.get("FriendlyName") or lib.friendly_name,
        machineIdentifier=lib.machine_identifier,
        version=lib.version,
        platform="Linux",
        platformVersion="6.8.0",
        diagnostics="logs,databases,streaminglogs",
        myPlexMappingState="unknown",
        myPlexSigninState="none",
        myPlexUsername="",
        ownerFeatures="",
        streamingBrainVersion=2,
        transcoderActiveVideoSessions=0,
        transcoderVideoBitrates="64,96,208,320,720,1500,2000,3000,4000,8000,10000,12000,20000",
        transcoderVideoQualities="0,1,2,3,4,5,6,7,8,9,10,11,12",
        transcoderVideoResolutions="128,128,160,240,320,480,768,720,720,1080,1080,1080,1080",
        updatedAt=lib.sections[min(lib.sections)].updated_at if lib.sections else 0,
        **SERVER_FLAGS,
    )
    for key in ("activities", "butler", "hubs", "library", "playlists", "status"):
        el(root, "Directory", count=1, key=key, title=key)
    return finish(root)


def identity(request: Request) -> Element:
    lib = request.library
    return el(
        None,
        "MediaContainer",
        size=0,
        claimed=0,
        machineIdentifier=lib.machine_identifier,
        version=lib.version,
    )


def library_root(request: Request) -> Element:
    root = container(
        allowSync=0, art="/:/resources/library-art.jpg", content="", title1="Plex Library", title2=""
    )
    el(root, "Directory", key="sections", title="Library Sections")
    el(root, "Directory", key="recentlyAdded", title="Recently Added Content")
    el(root, "Directory", key="onDeck", title="On Deck Content")
    return finish(root)


def library_all(request: Request) -> Element:
    """`/library/all?type=N&<filters>` (plexapi's `library.search`): the same query run in every section that
    has items of that type (each section's own type when `type` is absent), sections in order."""
    lib = request.library
    found: list[Item] = []
    for section in lib.sections.values():
        try:
            query.result_libtype(section, request.get("type"), None)
        except query.QueryError:
            continue  # no items of the requested type in this section
        found += query.search_cached(lib, section, request.params, None)
    root = container(title1="All", viewGroup="secondary")
    include_guids = request.flag("includeGuids")

    def render(parent: Element, item: Item) -> None:
        section = lib.sections.get(item.section_id)
        where: dict[str, object] = {"librarySectionID": item.section_id}
        if section is not None:
            where.update(
                librarySectionTitle=section.title, librarySectionKey=f"/library/sections/{section.id}"
            )
        item_element(parent, lib, item, include_guids=include_guids, extra=where)

    return page(root, request, found, render)


def get_prefs(request: Request) -> Element:
    root = el(None, "MediaContainer", size=0)
    for setting_id, (kind, default, label, group, enum) in SERVER_SETTINGS.items():
        value = request.library.server_prefs.get(setting_id, default)
        if setting_id == "FriendlyName" and not value:
            value = request.library.friendly_name
        setting_element(
            root, setting_id, value, type=kind, default=default, label=label, group=group, enumValues=enum
        )
    return finish(root)


def put_prefs(request: Request) -> None:
    for key, value in request.params:
        if key not in SERVER_SETTINGS:
            raise BadRequest(f"unknown preference '{key}'")
        request.library.server_prefs[key] = value
    request.library.changed()


def _watched_item(request: Request) -> Item:
    """The item named by `key` (a rating key or `/library/metadata/N`) or `ratingKey`."""
    raw = request.get("ratingKey") or request.get("key") or ""
    if not raw:
        raise BadRequest("missing required parameter 'key' (the item's rating key)")
    tail = raw.rstrip("/").rsplit("/", 1)[-1]
    item = request.library.items.get(int(tail)) if tail.isdigit() else None
    if item is None:
        raise NotFound(f"no metadata item with key {raw!r}")
    return item


def scrobble(request: Request) -> None:
    now = int(time.time())
    item = _watched_item(request)
    targets = request.library.leaves(item) or [item]
    for target in targets:
        target.view_count += 1
        target.last_viewed_at = now
        target.view_offset = 0
    request.library.changed()


def unscrobble(request: Request) -> None:
    item = _watched_item(request)
    for target in request.library.leaves(item) or [item]:
        target.view_count = 0
        target.last_viewed_at = None
        target.view_offset = 0
    request.library.changed()


def rate(request: Request) -> None:
    item = _watched_item(request)
    try:
        rating = float(request.require("rating"))
    except ValueError:
        raise BadRequest("rating must be a number") from None
    if not (0 <= rating <= 10 or rating == -1):
        raise BadRequest(f"rating must be between 0 and 10 (or -1 to clear it), got {rating:g}")
    item.user_rating = None if rating < 0 else rating
    item.last_rated_at = None if rating < 0 else int(time.time())
    request.library.changed()


def progress(request: Request) -> None:
    item = _watched_item(request)
    offset = request.int_param("time", request.int_param("offset", 0)) or 0
    item.view_offset = offset
    request.library.changed()


def myplex_account(request: Request) -> Element:
    return el(
        None,
        "MyPlex",
        authToken="",
        username="",
        mappingState="unknown",
        signInState="none",
        publicAddress="127.0.0.1",
        publicPort=0,
        privateAddress="127.0.0.1",
        privatePort=0,
        subscriptionActive=0,
    )


def empty(request: Request) -> Element:
    return container(identifier=LIBRARY_IDENTIFIER)


def nothing(request: Request) -> None:
    return None


def register(router: Router) -> None:
    router.add("GET", "/", server_root)
    router.add("GET", "/identity", identity)
    router.add("GET", "/library", library_root)
    router.add("GET", "/library/all", library_all)
    router.add("GET", "/:/prefs", get_prefs)
    router.add("PUT", "/:/prefs", put_prefs)
    router.add("GET PUT", "/:/scrobble", scrobble)
    router.add("GET PUT", "/:/unscrobble", unscrobble)
    router.add("GET PUT", "/:/rate", rate)
    router.add("GET PUT POST", "/:/progress", progress)
    router.add("GET PUT POST", "/:/timeline", progress)
    router.add("GET", "/myplex/account", myplex_account)
    for template in STUB_GET_ROUTES:
        router.add("GET", template, empty)
    router.add("PUT", "/updater/check", nothing)
