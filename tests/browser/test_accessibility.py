"""信息无障碍: axe-core (npm, tests/a11y) run in the browser on the cockpit's pages finds no
serious or critical violation of any of its rules (Dash's own controls included, as
assets/dash_a11y.js mends them), no text below WCAG AA contrast, and each page says its
language, following ?lang= as a person switches it; everything on a cockpit page is
reached and worked with the keyboard alone."""

from __future__ import annotations

import pytest

from tests.helpers.cockpits import COMMUNITY, REPO, STREET
from tests.helpers.map import wait_for_map

AXE = REPO / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
# Every rule at serious or critical impact, and these whatever axe makes of them.
RULES = ["color-contrast", "html-has-lang", "html-lang-valid", "valid-lang"]
SERIOUS = ["serious", "critical"]
PAGES = ["/", f"/street/{STREET}", f"/community/{COMMUNITY}", "/tasks", "/indicators",
         "/catalog", "/?lang=en"]  # fmt: skip


def _axe(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: make browser-deps runs `npm ci` in tests/a11y")
    # Evaluated, not added as a script tag: the cockpit's CSP refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async ([rules, serious]) => {
            const found = await axe.run(document, {resultTypes: ['violations']});
            return found.violations
                .filter(v => rules.includes(v.id) || serious.includes(v.impact))
                .map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }""",
        [RULES, SERIOUS],
    )


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_violation_aa_contrast_and_the_page_says_its_language(tracked, server, path):
    page = tracked.page
    page.goto(f"{server}{path}")
    if path.startswith(("/?", "/street", "/community")) or path == "/":
        wait_for_map(page)
    page.wait_for_timeout(500)
    assert _axe(page) == []
    expected = "en" if "lang=en" in path else "zh-CN"
    page.wait_for_function(f"() => document.documentElement.lang === '{expected}'")


@pytest.mark.browser
def test_the_wall_has_no_serious_violation_and_aa_contrast_in_its_dark_theme(
    browser, server, people
):
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


# Every control a person can use, as the keyboard should find it: visible, not inert, not
# taken out of the tab order on purpose (a radio group is one stop: its arrows move within).
UNREACHED = """() => [...document.querySelectorAll(
        'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, '
        + 'textarea, summary')]
    .filter(e => e.checkVisibility({checkVisibilityCSS: true}) && !e.closest('[inert]')
        && e.tabIndex >= 0 && !e.dataset.tabbed
        && !(e.type === 'radio' && document.querySelector(
            `input[type=radio][name="${e.name}"][data-tabbed]`)))
    .map(e => `${e.tagName}.${e.className} "${(e.textContent || '').trim().slice(0, 16)}"`)"""
FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    e.dataset.tabbed = '1';
    const s = getComputedStyle(e);
    const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== 'none';
    return [`${e.tagName}#${e.id}.${e.className}`, ring];
}"""


@pytest.mark.browser
def test_everything_on_a_cockpit_page_is_reached_and_worked_with_the_keyboard(tracked, server):
    page = tracked.page
    page.goto(f"{server}/")
    wait_for_map(page)
    unringed = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:  # round the whole page, back to the document
            break
        if not focused[1]:
            unringed.append(focused[0])
    else:
        pytest.fail("Tab never came back round: a keyboard trap")
    assert page.evaluate(UNREACHED) == []
    assert unringed == [], "focused without a visible ring: " + "; ".join(unringed[:5])
    # The period is chosen with the keyboard alone: its button opens the list, the arrows
    # move, Enter chooses, and the page follows.
    page.locator("#period-select").focus()
    shown = page.locator("#period-select").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement.closest('.dash-dropdown-content [role=listbox]')"
    )
    chosen = page.evaluate("() => document.activeElement.value")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("(chosen) => document.activeElement.value !== chosen", arg=chosen)
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('period=')")
    page.wait_for_function(
        "(before) => document.querySelector('#period-select').innerText !== before", arg=shown
    )
    # The map's colouring, a radio group, with the arrows.
    wait_for_map(page)
    page.locator("#map-mode input:checked").focus()
    before = page.evaluate("() => location.search")
    page.keyboard.press("ArrowLeft" if "colour=value" in before else "ArrowRight")
    page.wait_for_function("(before) => location.search !== before", arg=before)
