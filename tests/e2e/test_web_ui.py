"""The web UI in Chromium against the real stack: sign in, edit a file and commit it through the review
dialog, see it in history and revert it, invalid YAML refused at its line, a viewer without edit controls,
a deep link surviving a reload, and a personal access token used with curl.
"""

from __future__ import annotations

import re
import subprocess

from playwright.sync_api import Browser, Page, expect

from .conftest import Guard, Stack, guard_context, screenshot, sign_in, watch_page

MARKER_JS = "(owner) => window.__monaco.editor.getModelMarkers({owner}).map(m => m.startLineNumber)"


def nav(page: Page, name: str) -> None:
    """Follow a link of the sidebar."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def open_file(page: Page, path: str) -> None:
    """Open `path` from the Files page's tree, like a user."""
    nav(page, "Files")
    folders = path.split("/")[:-1]
    for folder in folders:
        page.get_by_role("button", name=folder, exact=True).click()
    page.get_by_role("button", name=path.split("/")[-1], exact=True).click()
    expect(page.get_by_role("heading", name=path)).to_be_visible()
    page.wait_for_selector(".monaco-editor .view-lines")


def type_at_end(page: Page, text: str) -> None:
    """Put the cursor at the end of the editor's text and type a new last line."""
    page.locator(".monaco-editor .view-lines").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.keyboard.press("Home")
    page.keyboard.type(text)
    page.keyboard.press("Escape")


def head(stack: Stack) -> str:
    return str(stack.api("GET", "/api/system/status").json()["data"]["git"]["head"])


def test_edit_commit_history_and_revert(page: Page, stack: Stack) -> None:
    sign_in(page, stack)
    expect(page.get_by_role("heading", name="Movies")).to_be_visible()
    expect(page.get_by_text("Plex up")).to_be_visible()
    screenshot(page, "dashboard")

    open_file(page, "collections/movies.yml")
    type_at_end(page, "# edited in the browser")
    expect(page.get_by_text("Unsaved draft")).to_be_visible()
    screenshot(page, "files-editor")
    page.keyboard.press("Control+s")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Review changes to collections/movies.yml")).to_be_visible()
    dialog.locator(".monaco-diff-editor").wait_for()
    dialog.get_by_label("Commit message").fill("Note the browser edit")
    screenshot(page, "review-dialog")
    dialog.get_by_role("button", name="Commit").click()
    expect(page.get_by_text(re.compile(r"Committed [0-9a-f]{7}"))).to_be_visible()
    expect(dialog).to_be_hidden()

    content = stack.api("GET", "/api/files/collections/movies.yml").json()["data"]["content"]
    assert content.rstrip().endswith("# edited in the browser")

    nav(page, "History")
    row = page.get_by_role("row").filter(has_text="Note the browser edit")
    expect(row).to_be_visible()
    screenshot(page, "history")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Note the browser edit")).to_be_visible()
    page.locator(".monaco-diff-editor").wait_for()
    expect(page.locator(".monaco-diff-editor").get_by_text("# edited in the browser")).to_be_visible()
    screenshot(page, "commit")

    page.get_by_role("button", name="Revert this commit").click()
    page.get_by_role("dialog").get_by_role("button", name="Revert").click()
    expect(page.get_by_role("heading", name='Revert "Note the browser edit"')).to_be_visible()
    content = stack.api("GET", "/api/files/collections/movies.yml").json()["data"]["content"]
    assert "# edited in the browser" not in content


def test_invalid_yaml_is_shown_at_its_line_and_nothing_is_committed(
    page: Page, stack: Stack, guard: Guard
) -> None:
    guard.allow_status(422)
    before = head(stack)
    sign_in(page, stack)
    open_file(page, "config.yml")
    type_at_end(page, "broken: a: b")
    line = page.evaluate(
        "() => window.__monaco.editor.getModels().find(m => m.uri.path === '/repo/config.yml').getLineCount()"
    )
    page.keyboard.press("Control+s")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Commit").click()
    expect(dialog.get_by_text("Nothing was committed")).to_be_visible()
    problem = dialog.get_by_role("button", name=re.compile(rf"^Error config\.yml:{line}:\d+ "))
    expect(problem).to_be_visible()
    screenshot(page, "invalid-yaml")
    problem.click()
    expect(dialog).to_be_hidden()
    page.wait_for_function(
        f"() => window.__monaco.editor.getModelMarkers({{owner: 'panel'}}).some(m => m.startLineNumber === {line})"
    )
    assert line in page.evaluate(MARKER_JS, "panel")
    expect(page.get_by_role("button", name=re.compile(rf"^Error config\.yml:{line}:\d+ "))).to_be_visible()
    assert head(stack) == before


def test_a_viewer_sees_no_edit_controls_and_the_api_refuses_anyway(
    page: Page, stack: Stack, guard: Guard
) -> None:
    created = stack.api(
        "POST", "/api/users", json={"username": "vera", "password": "viewer-pass-1", "role": "viewer"}
    )
    assert created.status_code in (201, 409), created.text
    sign_in(page, stack, "/files/config.yml", username="vera", password="viewer-pass-1")
    page.wait_for_selector(".monaco-editor .view-lines")
    expect(page.get_by_text("Read only")).to_be_visible()
    expect(page.get_by_role("button", name="Review & commit")).to_have_count(0)
    expect(page.get_by_role("button", name="Discard")).to_have_count(0)
    nav(page, "Settings")
    expect(page.get_by_role("tab", name="Users")).to_have_count(0)
    screenshot(page, "viewer")

    token = stack.token("vera", "viewer-pass-1")
    current = stack.api("GET", "/api/files/config.yml", token).json()["data"]
    refused = stack.api(
        "PUT", "/api/files/config.yml", token, json={"content": "x: 1\n", "base": current["commit"]}
    )
    assert refused.status_code == 403


def test_reload_on_a_deep_link_keeps_the_page(page: Page, stack: Stack) -> None:
    sha = head(stack)
    deep = f"/history/{sha}"
    sign_in(page, stack, deep)
    assert page.url == stack.url + deep
    title = page.get_by_role("heading", level=1)
    expect(title).not_to_be_empty()
    page.reload()
    # The access token lives in memory only: unless the server keeps a refresh cookie, the user signs in
    # again after a reload and lands back on the same deep link.
    signin = page.get_by_role("button", name="Sign in")
    signin.or_(page.get_by_text(sha)).first.wait_for()
    if signin.is_visible():
        assert "next=" in page.url
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill(stack.password)
        signin.click()
    page.wait_for_url(stack.url + deep)
    expect(page.get_by_text(sha)).to_be_visible()

    page.goto(stack.url + "/files/config.yml?line=30")
    assert page.url.endswith("/files/config.yml?line=30")


def test_a_new_token_is_shown_once_and_works_with_curl(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "/settings/tokens")
    page.get_by_label("Token name").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_test_id("new-token").inner_text()
    assert token.startswith("kp_")
    screenshot(page, "settings-tokens")
    done = subprocess.run(
        ["curl", "-s", "-H", f"Authorization: Bearer {token}", f"{stack.url}/api/files"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert '"success": true' in done.stdout or '"success":true' in done.stdout
    page.reload()  # the refresh cookie keeps the session across the reload
    expect(page.get_by_role("cell", name="laptop")).to_be_visible()
    expect(page.get_by_text(token)).to_have_count(0)


def test_dark_theme_follows_the_system(browser: Browser, stack: Stack) -> None:
    guard = Guard()
    context = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme="dark")
    guard_context(context, guard)
    page = context.new_page()
    watch_page(page, guard)
    sign_in(page, stack, "/files/collections/movies.yml?line=5")
    page.wait_for_selector(".monaco-editor .view-lines")
    page.wait_for_function("() => window.__monaco.editor.getEditors()[0]?.getPosition()?.lineNumber === 5")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 19, 22)"
    screenshot(page, "files-dark")
    context.close()
    guard.check()


def test_a_conflict_opens_the_merge_view_and_both_edits_land(
    page: Page, browser: Browser, stack: Stack, guard: Guard
) -> None:
    guard.allow_status(409)
    other_context = browser.new_context(viewport={"width": 1400, "height": 900})
    guard_context(other_context, guard)
    other = other_context.new_page()
    watch_page(other, guard)
    for each in (page, other):
        sign_in(each, stack)
        open_file(each, "collections/tv.yml")
    type_at_end(page, "# first writer")
    type_at_end(other, "# second writer")

    page.keyboard.press("Control+s")
    page.get_by_role("dialog").get_by_role("button", name="Commit").click()
    expect(page.get_by_text(re.compile(r"Committed [0-9a-f]{7}"))).to_be_visible()

    other.keyboard.press("Control+s")
    dialog = other.get_by_role("dialog")
    dialog.get_by_role("button", name="Commit").click()
    expect(dialog.get_by_text("Merge collections/tv.yml")).to_be_visible()
    expect(dialog.locator(".monaco-diff-editor").get_by_text("# first writer")).to_be_visible()
    result = dialog.locator(".monaco-diff-editor .modified-in-monaco-diff-editor .view-lines")
    result.click()
    other.keyboard.press("Control+End")
    other.keyboard.press("Enter")
    other.keyboard.press("Home")
    other.keyboard.type("# first writer")
    screenshot(other, "merge-view")
    dialog.get_by_role("button", name="Commit the result").click()
    expect(other.get_by_text(re.compile(r"Committed [0-9a-f]{7}"))).to_be_visible()
    other_context.close()

    content = stack.api("GET", "/api/files/collections/tv.yml").json()["data"]["content"]
    assert "# first writer" in content and "# second writer" in content
