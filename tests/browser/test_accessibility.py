"""信息无障碍, as far as it holds today: axe-core (npm, tests/a11y) run in the browser on the
cockpit's pages finds no text below WCAG AA contrast, and each page says its language,
following ?lang= as a person switches it."""

from __future__ import annotations

import pytest

from tests.helpers.cockpits import COMMUNITY, REPO, STREET
from tests.helpers.map import wait_for_map

AXE = REPO / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["color-contrast", "html-has-lang", "html-lang-valid", "valid-lang"]
PAGES = ["/", f"/street/{STREET}", f"/community/{COMMUNITY}", "/tasks", "/indicators",
         "/catalog", "/?lang=en"]  # fmt: skip


def _axe(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: make browser-deps runs `npm ci` in tests/a11y")
    # Evaluated, not added as a script tag: the cockpit's CSP refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (rules) => {
            const found = await axe.run(document, {runOnly: {type: 'rule', values: rules},
                                                   resultTypes: ['violations']});
            return found.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }""",
        RULES,
    )


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_text_contrast_meets_wcag_aa_and_the_page_says_its_language(tracked, server, path):
    page = tracked.page
    page.goto(f"{server}{path}")
    if path.startswith(("/?", "/street", "/community")) or path == "/":
        wait_for_map(page)
    page.wait_for_timeout(500)
    assert _axe(page) == []
    expected = "en" if "lang=en" in path else "zh-CN"
    page.wait_for_function(f"() => document.documentElement.lang === '{expected}'")


@pytest.mark.browser
def test_the_wall_meets_wcag_aa_contrast_in_its_dark_theme(browser, server, people):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server}/wall?token={people['kiosk']['token']}")
    page.wait_for_selector("#wall-map .js-plotly-plot canvas", timeout=30_000)
    page.wait_for_timeout(500)
    assert _axe(page) == []
    context.close()


SIZES = """() => Object.fromEntries(['.alert-item', '.kpi-value', '.headline-tile-name', '.top-nav a']
    .map(s => [s, parseFloat(getComputedStyle(document.querySelector(s)).fontSize)]))"""


@pytest.mark.browser
def test_larger_text_is_one_switch_away_and_stays_on_this_device(tracked, server):
    page = tracked.page
    page.goto(f"{server}/")
    wait_for_map(page)
    usual = page.evaluate(SIZES)
    switch = page.locator("#text-size-switch")
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()
    page.wait_for_function("() => document.documentElement.classList.contains('large-text')")
    larger = page.evaluate(SIZES)
    assert all(larger[s] >= 1.2 * usual[s] for s in usual), (usual, larger)
    assert switch.get_attribute("aria-pressed") == "true"
    # Another page, and a reload: still larger, on this device.
    page.goto(f"{server}/street/{STREET}")
    wait_for_map(page)
    assert page.evaluate(SIZES)[".alert-item"] == larger[".alert-item"]
    page.locator("#text-size-switch").click()
    page.wait_for_function("() => !document.documentElement.classList.contains('large-text')")
    assert page.evaluate(SIZES)[".alert-item"] == usual[".alert-item"]
