"""Libraries and collections in Chromium against the real stack: a library's managed and unmanaged Plex
collections, a collection edited in the form and committed through the review dialog (then in history and
in the file), and the live preview holding what a plexapi search of plexsim returns.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from playwright.sync_api import Page, expect
from plexapi.server import PlexServer

from .conftest import Stack, screenshot, sign_in

MOVIES = "collections/movies.yml"


def plex(stack: Stack) -> PlexServer:
    return PlexServer(stack.plex_url, stack.plex_token, timeout=30)


def editor_path(file: str, name: str) -> str:
    return f"/collections/{file}/{quote(name, safe='')}"


def test_a_library_page_shows_managed_and_unmanaged_collections(page: Page, stack: Stack) -> None:
    movies = plex(stack).library.section("Movies")
    # A collection the config defines, made in Plex as a run would: the page must call it managed.
    movies.createCollection("Staff Picks", items=movies.search(genre="Western")[:2])
    unmanaged = sorted(c.title for c in movies.collections() if c.title != "Staff Picks")
    assert unmanaged, "plexsim's demo library has collections the config does not make"

    sign_in(page, stack, "/")
    page.get_by_role("link", name="Movies", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name="Movies")).to_be_visible()
    managed = page.get_by_role("table", name="Managed collections in Plex")
    expect(managed.get_by_role("cell", name="Staff Picks", exact=True)).to_be_visible()
    expect(managed.get_by_text("In the config")).to_be_visible()
    others = page.get_by_role("table", name="Unmanaged collections in Plex")
    for title in unmanaged:
        expect(others.get_by_role("cell", name=title, exact=True)).to_be_visible()
    expect(others.get_by_role("cell", name="Staff Picks", exact=True)).to_have_count(0)
    config = page.get_by_role("table", name="Collections in the config")
    link = config.get_by_role("link", name=f"{MOVIES}:", exact=False).first
    expect(link).to_have_attribute("href", f"/files/{MOVIES}?line=35")
    screenshot(page, "library")
    link.click()
    expect(page.get_by_role("heading", name=MOVIES)).to_be_visible()
    page.goto(stack.url + "/libraries")
    expect(page.get_by_role("table", name="Libraries").get_by_role("link", name="Movies")).to_be_visible()
    screenshot(page, "libraries")


def test_edit_a_collection_in_the_form_and_commit_it(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "/collections")
    table = page.get_by_role("table", name="Collections")
    page.get_by_label("Search").fill("late night")
    table.get_by_role("link", name="Late Night Thrills").click()
    expect(page.get_by_role("heading", level=1, name="Late Night Thrills")).to_be_visible()
    summary = "Short scares for a weeknight, picked in the form."
    page.get_by_label("Summary").fill(summary)
    page.get_by_label("Sync mode").click()
    page.get_by_role("option", name="sync", exact=True).click()
    page.get_by_role("tab", name="YAML").click()
    page.wait_for_selector(".monaco-editor .view-lines")
    expect(page.locator(".monaco-editor .view-lines")).to_contain_text(summary)
    page.get_by_role("button", name="Review and commit").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Review changes to Late Night Thrills in")).to_be_visible()
    screenshot(page, "collection-review")
    dialog.get_by_role("button", name="Commit", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Committed [0-9a-f]{7}"))).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)

    last = stack.api("GET", "/api/history?limit=1").json()["data"]["items"][0]
    assert last["message"] == "Update collection Late Night Thrills"
    assert last["files"] == [MOVIES]
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    expect(page.get_by_text("Update collection Late Night Thrills").first).to_be_visible()

    page.goto(stack.url + f"/files/{MOVIES}?line=50")
    page.wait_for_selector(".monaco-editor .view-lines")
    text = page.evaluate(
        "(p) => window.__monaco.editor.getModels().find((m) => m.uri.path.endsWith(p)).getValue()", MOVIES
    )
    block = text.split("Late Night Thrills:", 1)[1].split("\n  Unwatched Gems:", 1)[0]
    assert f"summary: {summary}" in block
    assert "sync_mode: sync" in block
    assert "# the default, written out" in text, "comments elsewhere in the file are kept"


def test_the_preview_holds_what_a_plexapi_search_returns(page: Page, stack: Stack) -> None:
    base = stack.api("GET", "/api/system/status").json()["data"]["git"]["head"]
    created = stack.api(
        "POST",
        "/api/collections",
        json={
            "file": MOVIES,
            "name": "E2E Westerns",
            "yaml": "plex_search:\n  all:\n    genre: Western\nsummary: Every western\n",
            "base": base,
        },
    )
    assert created.status_code == 201, created.text
    expected = {
        int(m.ratingKey): m.title for m in plex(stack).library.section("Movies").search(genre="Western")
    }
    assert 0 < len(expected) < 60

    sign_in(page, stack, editor_path(MOVIES, "E2E Westerns"))
    items = page.get_by_role("list", name="Preview items").locator("li")
    expect(items).to_have_count(len(expected))
    shown = {int(item.get_attribute("data-rating-key") or 0): item.inner_text() for item in items.all()}
    assert set(shown) == set(expected)
    for key, title in expected.items():
        assert title in shown[key]
    expect(page.get_by_text(f"{len(expected)} items")).to_be_visible()
    posters = page.get_by_role("list", name="Preview items").get_by_role("img")
    expect(posters.first).to_have_attribute("src", re.compile(r"^blob:"))
    page.wait_for_function("() => !document.querySelector('[data-poster=loading]')")
    screenshot(page, "collection-preview")
