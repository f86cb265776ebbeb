"""The cockpit on a phone (浙政钉 or any phone browser), at 390×844 and 360×800 with touch:
nothing wider than the screen, every control a 44 px tap target, the header and 需关注
before the map, a tap on the map drilling down, and a 督办 signed for and done."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser

from tests.helpers.browser import TrackedPage, browser_sign_in
from tests.helpers.cockpits import STREET
from tests.helpers.map import GRAPH, labels_drawn, screen_point, wait_for_map

PHONES = [(390, 844), (360, 800)]

# Every control a finger may need, with its size; a checkbox or radio is tapped by its label,
# and a dropdown's focus proxy sits inside the dropdown's own button.
SMALL_TARGETS = """() => {
    const out = [];
    const visible = (r, s) => r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
    for (const el of document.querySelectorAll(
            'a[href], button, select, summary, input, textarea, [role=button]')) {
        if (el.classList.contains('dash-dropdown-focus-target')) continue;
        let target = el;
        if (el.matches('input[type=checkbox], input[type=radio]')) target = el.closest('label') || el;
        if (el.closest('.js-plotly-plot') && !el.closest('.modebar-container')) continue;
        const r = target.getBoundingClientRect(), s = getComputedStyle(target);
        if (!visible(r, s)) continue;
        if (r.height < 44 - 0.5 || r.width < 44 - 0.5)
            out.push(`${target.tagName}.${target.className} "${(target.textContent || '').trim().slice(0, 16)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
}"""

OVERFLOW = """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"""


def _phone(browser: Browser, server: str, person: dict, size: tuple[int, int]) -> TrackedPage:
    width, height = size
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="zh-CN",
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(30_000)
    browser_sign_in(page, server, person)
    return TrackedPage(page)


def _fits(page) -> None:
    scroll, client = page.evaluate(OVERFLOW)
    assert scroll <= client, f"wider than the screen: {scroll} > {client}"
    small = page.evaluate(SMALL_TARGETS)
    assert not small, "tap targets under 44 px: " + "; ".join(small[:8])


@pytest.mark.browser
@pytest.mark.parametrize("size", PHONES, ids=["390x844", "360x800"])
def test_the_district_page_fits_a_phone_in_the_order_an_official_needs(
    browser, server, people, size
):
    phone = _phone(browser, server, people["district"], size)
    page = phone.page
    page.goto(f"{server}/")
    wait_for_map(page)
    page.wait_for_selector(".alert-row .dispatch-button")
    _fits(page)
    screen = size[1]
    period = page.locator(".period-select").bounding_box()
    counts = page.locator(".head-counts").bounding_box()
    alerts = page.locator("#alerts").bounding_box()
    the_map = page.locator(".map-panel").bounding_box()
    assert period["y"] + period["height"] <= screen and counts["y"] + counts["height"] <= screen
    # 需关注 starts within the first two screens, before the map; the map is full width.
    assert alerts["y"] < 2 * screen and alerts["y"] < the_map["y"]
    assert the_map["width"] >= size[0] - 24
    assert len(labels_drawn(page)) >= 4  # the streets named on it
    # 适老化 on a phone: the larger text still fits the screen.
    page.locator("#text-size-switch").tap()
    page.wait_for_function("() => document.documentElement.classList.contains('large-text')")
    _fits(page)
    assert page.locator("details.domain[open]").count() <= 1  # the rest folded
    assert phone.external_requests() == []
    assert phone.errors == []
    page.context.close()


@pytest.mark.browser
def test_a_tap_on_the_map_drills_down_on_a_phone(browser, server, people, areas):
    phone = _phone(browser, server, people["district"], PHONES[0])
    page = phone.page
    page.goto(f"{server}/")
    wait_for_map(page)
    street = areas[STREET]
    page.locator(".map-panel").scroll_into_view_if_needed()
    x, y = screen_point(page, street["lon"], street["lat"])
    page.touchscreen.tap(x, y)
    page.wait_for_url(f"**/street/{STREET}**")
    wait_for_map(page, street["name_zh"])
    _fits(page)
    assert phone.external_requests() == []
    page.context.close()


@pytest.mark.browser
def test_a_task_is_dispatched_signed_for_and_done_on_phones(browser, server, people, as_person):
    district = as_person(server, people["district"]).page
    district.goto(f"{server}/street/{STREET}")
    first = district.locator(".alert-row .alert-item").first
    indicator_id = first.get_attribute("href").split("indicator=")[1].split("&")[0]
    district.goto(f"{server}/tasks")
    district.click(".task-new summary")
    district.select_option("#task-new-area", STREET)
    district.select_option("#task-new-indicator", indicator_id)
    district.select_option("#task-new-severity", "red")
    district.click("#task-new")
    district.wait_for_selector(".task-facts")
    task_url = district.url

    phone = _phone(browser, server, people["street"], PHONES[1])
    page = phone.page
    page.goto(f"{server}/tasks")
    _fits(page)
    page.goto(task_url)
    page.wait_for_selector("#task-sign")
    _fits(page)
    page.locator("#task-sign").tap()
    page.wait_for_selector(".task-facts .task-state:text-is('已签收')")
    _fits(page)
    page.locator("form:has(#task-done) textarea").fill("现场核查，已整改")
    page.locator("#task-done").tap()
    page.wait_for_selector(".task-facts .task-state:text-is('已办结，待数据核验')")
    _fits(page)
    assert phone.external_requests() == []
    page.context.close()


VIEW = f"""() => {{
    const map = document.querySelector('{GRAPH}')._fullLayout.map._subplot.map;
    const c = map.getCenter();
    return [c.lng, c.lat, map.getZoom()];
}}"""


def _touch(cdp, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send("Input.dispatchTouchEvent", {
        "type": kind, "touchPoints": [{"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)],
    })  # fmt: skip


@pytest.mark.browser
def test_the_map_pans_and_zooms_by_touch_without_drilling_down(browser, server, people):
    phone = _phone(browser, server, people["district"], PHONES[0])
    page = phone.page
    page.goto(f"{server}/")
    wait_for_map(page)
    page.locator(".map-panel").scroll_into_view_if_needed()
    box = page.locator(f"{GRAPH} canvas").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = page.context.new_cdp_session(page)
    lon, lat, zoom = page.evaluate(VIEW)
    # One finger drags the map to the right: its centre moves west.
    _touch(cdp, "touchStart", [(x - 60, y)])
    for step in range(1, 13):
        _touch(cdp, "touchMove", [(x - 60 + step * 10, y)])
        page.wait_for_timeout(20)
    _touch(cdp, "touchEnd", [])
    page.wait_for_timeout(600)
    panned = page.evaluate(VIEW)
    assert panned[0] < lon - 1e-4 and abs(panned[2] - zoom) < 0.05
    # Two fingers spread apart: it zooms in.
    _touch(cdp, "touchStart", [(x - 20, y), (x + 20, y)])
    for step in range(1, 13):
        _touch(cdp, "touchMove", [(x - 20 - step * 6, y), (x + 20 + step * 6, y)])
        page.wait_for_timeout(20)  # a frame between moves, as fingers give
    _touch(cdp, "touchEnd", [])
    page.wait_for_timeout(800)
    assert page.evaluate(VIEW)[2] > zoom + 0.3
    assert page.url.rstrip("/") == server.rstrip("/")  # a drag is not a tap: still the district
    page.context.close()


@pytest.mark.browser
def test_a_phone_shows_the_first_screen_before_any_script_has_run(browser, server, people):
    """The HTML alone (as on a slow network, before 1.2 MB of script has come and been
    compiled) shows the header with the period and counts, the headline and 需关注, in
    the order and size of the app's page; once the app has drawn, one page is left."""
    phone = _phone(browser, server, people["district"], PHONES[0])
    state = phone.page.context.storage_state()
    phone.page.context.close()
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="zh-CN", java_script_enabled=False, storage_state=state,
    )  # fmt: skip
    bare = TrackedPage(context.new_page())
    page = bare.page
    page.goto(f"{server}/")
    scroll, client = page.evaluate(OVERFLOW)
    assert scroll <= client, f"wider than the screen: {scroll} > {client}"
    screen = 844
    header = page.locator(".first-screen .cockpit-header")
    assert "数据期" in header.inner_text() and "2" in header.locator(".period-select").inner_text()
    assert header.locator(".head-count.red").is_visible()
    assert header.bounding_box()["y"] + header.bounding_box()["height"] <= screen
    tiles = page.locator(".first-screen .headline-tile .headline-tile-value .v")
    assert tiles.count() >= 4 and all(text.strip() for text in tiles.all_inner_texts())
    alerts = page.locator(".first-screen .alerts-panel")
    assert alerts.locator(".alert-item").count() > 0 and alerts.bounding_box()["y"] < 2 * screen
    # Dash's "Loading" is not shown over it, and nothing in the copy takes a tap or focus.
    assert not page.locator("._dash-loading").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement === document.body")
    assert bare.external_requests() == []
    context.close()

    # With its scripts, the app draws the page and the copy goes.
    phone = _phone(browser, server, people["district"], PHONES[0])
    page = phone.page
    page.goto(f"{server}/")
    wait_for_map(page)
    assert page.locator("#first-screen").count() == 0
    assert page.locator(".cockpit-header").count() == 1
    assert phone.errors == []
    page.context.close()


@pytest.mark.browser
def test_a_folded_domain_draws_its_cards_when_first_opened(browser, server, people):
    """Only the open domain's cards are built with the page (a third of its components
    otherwise); opening another draws as many cards as its heading says, once."""
    phone = _phone(browser, server, people["district"], PHONES[0])
    page = phone.page
    page.goto(f"{server}/")
    wait_for_map(page)
    folded = page.locator("details.domain:not([open])")
    assert folded.count() >= 3
    assert page.locator("details.domain:not([open]) .kpi-card").count() == 0
    domain = folded.first.get_attribute("class").split()[-1]  # domain-<name>
    section = page.locator(f"details.{domain}")
    said = int(re.search(r"(\d+)", section.locator(".domain-summary .muted").inner_text())[1])
    section.locator("summary").tap()
    cards = section.locator(".kpi-card")
    cards.first.wait_for()
    assert cards.count() == said
    assert all(v.strip() for v in cards.locator(".kpi-value").all_inner_texts())
    assert all("indicator=" in (cards.nth(n).get_attribute("href") or "") for n in range(said))
    # Folded and opened again: the same cards, not drawn twice.
    section.locator("summary").tap()
    section.locator("summary").tap()
    page.wait_for_timeout(500)
    assert cards.count() == said
    _fits(page)
    assert phone.external_requests() == []
    assert phone.errors == []
    page.context.close()
