"""Route modules, one per family of Plex endpoints; `build_router` wires them all."""

from __future__ import annotations

from plexsim.http import Router


def build_router() -> Router:
    from plexsim.routes import collections, hubs, images, metadata, playlists, sections, server_info

    router = Router()
    for module in (server_info, sections, metadata, collections, images, playlists, hubs):
        module.register(router)
    return router
