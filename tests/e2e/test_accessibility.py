"""axe-core on every page of the web UI, in the light and the dark theme: no serious or critical
violations. axe-core comes from the frontend's dev dependencies (panel/frontend/node_modules, installed by
`npm ci`, which `make test` runs first where npm exists).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .conftest import Guard, Stack, guard_context, sign_in, watch_page

AXE = Path(__file__).resolve().parents[2] / "panel" / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/",
    "/files/config.yml",
    "/libraries",
    "/libraries/Movies",
    "/collections",
    "/collections/collections/movies.yml/Modern%20Action%20Hits",
    "/history",
    "/settings/tokens",
    "/settings/users",
    "/settings/secrets",
    "/settings/audit",
]
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target) }));
}"""


def violations(page: Page) -> list[dict[str, object]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, object]] = page.evaluate(RUN_AXE)
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser: Browser, stack: Stack, scheme: str) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run `npm ci` in panel/frontend")
    guard = Guard()
    # The app's CSP refuses inline scripts, axe's injection included; this context alone bypasses it.
    context = browser.new_context(
        viewport={"width": 1400, "height": 900},
        color_scheme=scheme,  # type: ignore[arg-type]
        bypass_csp=True,
    )
    guard_context(context, guard)
    page = context.new_page()
    watch_page(page, guard)
    page.goto(stack.url + "/")
    page.get_by_label("Username").wait_for()
    found: dict[str, object] = {"/signin": v} if (v := violations(page)) else {}
    sign_in(page, stack)
    for path in PAGES:
        page.evaluate(
            "(path) => { history.pushState(null, '', path); dispatchEvent(new PopStateEvent('popstate')); }",
            path,
        )
        page.get_by_role("heading", level=1).first.wait_for()
        if path.startswith("/files/"):
            page.wait_for_selector(".monaco-editor .view-lines")
        if path.startswith("/collections/"):
            page.get_by_role("list", name="Preview items").wait_for()
        page.wait_for_load_state("networkidle")
        if result := violations(page):
            found[path] = result
    context.close()
    guard.check()
    assert not found, json.dumps(found, indent=1)
