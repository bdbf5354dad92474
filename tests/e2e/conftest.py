"""Browser end-to-end tests: Debian's Chromium (never a downloaded one) driven by Playwright against the
real stack that `make run` starts (panel under gunicorn, its own redis-server, plexsim), one per module.

Every page is guarded: a request to any host but 127.0.0.1 is blocked and fails the test, and so does a
console error or an uncaught page error (a failed HTTP status counts only when the test expects it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.support.panel_stack import Launcher

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LOOPBACK = {"127.0.0.1"}

pytestmark = pytest.mark.slow


@dataclass
class Stack:
    """The running stack: the panel's URL, the first admin's password, and plexsim's URL and token."""

    url: str
    password: str
    plex_url: str = ""
    plex_token: str = ""

    def token(self, username: str = "admin", password: str | None = None) -> str:
        resp = requests.post(
            f"{self.url}/api/auth/login",
            json={"username": username, "password": password or self.password},
            timeout=10,
        )
        assert resp.status_code == 200, resp.text
        return str(resp.json()["data"]["access_token"])

    def api(self, method: str, path: str, token: str | None = None, **kwargs: object) -> requests.Response:
        headers = {"Authorization": f"Bearer {token or self.token()}"}
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not shutil.which("redis-server") or not Path(CHROMIUM).exists():
        pytest.skip("needs redis-server and Debian's chromium (make system-deps)")
    folder = tmp_path_factory.mktemp("e2e-stack")
    launcher = Launcher(folder)
    try:
        services = launcher.wait_ready(timeout=90)
        token = (folder / "data" / "plexsim-token").read_text().strip()
        yield Stack(
            url=services["panel"][0],
            password=launcher.admin_password(),
            plex_url=services["plexsim"][0],
            plex_token=token,
        )
    finally:
        launcher.stop()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Guard:
    """What a page did that a test must not allow: foreign requests, console and page errors."""

    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    allowed_statuses: set[int] = field(default_factory=set)

    def allow_status(self, *codes: int) -> None:
        """A failed response with one of these codes is part of the test (e.g. the 422 of invalid YAML)."""
        self.allowed_statuses.update(codes)

    def check(self) -> None:
        assert not self.foreign, f"requests left 127.0.0.1: {self.foreign}"
        unexpected = [s for s in self.statuses if s not in self.allowed_statuses]
        assert not unexpected, f"unexpected failed responses: {unexpected}; console: {self.errors}"
        real = [e for e in self.errors if "Failed to load resource" not in e]
        assert not real, f"console errors: {real}"


def guard_context(context: BrowserContext, guard: Guard) -> None:
    def route(route: object) -> None:
        request = route.request  # type: ignore[attr-defined]
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")) or host in LOOPBACK:
            route.continue_()  # type: ignore[attr-defined]
        else:
            guard.foreign.append(request.url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    context.on("response", lambda resp: resp.status >= 400 and guard.statuses.append(resp.status))


def watch_page(page: Page, guard: Guard) -> None:
    page.on("console", lambda msg: msg.type == "error" and guard.errors.append(msg.text))
    page.on("pageerror", lambda exc: guard.errors.append(f"page error: {exc}"))


@pytest.fixture
def guard() -> Guard:
    return Guard()


@pytest.fixture
def context(browser: Browser, guard: Guard) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme="light")
    guard_context(context, guard)
    yield context
    context.close()
    guard.check()


@pytest.fixture
def page(context: BrowserContext, guard: Guard) -> Page:
    page = context.new_page()
    watch_page(page, guard)
    return page


def sign_in(
    page: Page, stack: Stack, path: str = "/", username: str = "admin", password: str | None = None
) -> None:
    """Open `path`, which lands on the sign-in page, and sign in; the app returns to `path`."""
    page.goto(stack.url + path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or stack.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin" not in url)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
