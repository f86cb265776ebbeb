"""The wall screen, in headless Chromium at the sizes of real wall screens."""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from tests.helpers.browser import ARTIFACTS, TrackedPage, serving_a_copy

pytestmark = pytest.mark.browser


def playlist_names(settings) -> list[str]:
    """The areas the wall should visit, worked out from the warehouse the slow way:
    the district, the streets whose alerts weigh most (summed priority), each followed by
    its most urgent communities, as many as the shipped settings say."""
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    try:
        period = con.execute("SELECT max(period) FROM ind.indicator_value").fetchall()[0][0]

        def counts(codes: list[str]) -> list[tuple]:
            out = []
            for code in codes:
                weight, red, amber = con.execute(
                    "SELECT (SELECT coalesce(sum(priority), 0) FROM ind.alert al "
                    "        JOIN ind.area a ON a.code = al.area_code WHERE al.period = $p "
                    "        AND (a.code = $c OR a.parent_code = $c OR a.parent_code IN "
                    "        (SELECT code FROM ind.area WHERE parent_code = $c))), "
                    "count(*) FILTER (WHERE status = 'red'), "
                    "count(*) FILTER (WHERE status = 'amber') FROM ind.indicator_value v "
                    "JOIN ind.area a ON a.code = v.area_code "
                    "WHERE v.period = $p AND (a.code = $c OR a.parent_code = $c "
                    "OR a.parent_code IN (SELECT code FROM ind.area WHERE parent_code = $c))",
                    {"p": period, "c": code},
                ).fetchall()[0]
                out.append((-weight, -red, -amber, code))
            return [c for c in sorted(out) if c[0] < 0]

        def kids(code: str, level: str) -> list[str]:
            rows = con.execute(
                "SELECT code FROM ind.area WHERE parent_code = ? AND level = ?", [code, level]
            ).fetchall()
            return [r[0] for r in rows]

        district = con.execute("SELECT code FROM ind.area WHERE level = 'district'").fetchall()
        order = [district[0][0]]
        for *_, street in counts(kids(order[0], "street"))[: settings.wall_streets]:
            order.append(street)
            worst = counts(kids(street, "community"))[: settings.wall_communities]
            order += [c for *_, c in worst]
        names = dict(con.execute("SELECT code, name_zh FROM ind.area").fetchall())
        return [names[c] for c in order]
    finally:
        con.close()


def area_name(page) -> str:
    return page.locator("#wall-area").inner_text()


def no_scrollbars(page) -> bool:
    return page.evaluate(
        """() => {
            const e = document.scrollingElement;
            return e.scrollHeight <= window.innerHeight && e.scrollWidth <= window.innerWidth;
        }"""
    )


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_the_wall_fills_the_screen_without_scrollbars(server, browser, size, signed_in_state):
    width, height = size
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", storage_state=signed_in_state
    )
    page = context.new_page()
    tracked = TrackedPage(page)
    page.goto(server + "/wall?dwell=600")
    page.wait_for_selector("#wall-map .js-plotly-plot canvas")
    page.wait_for_function(
        "() => /\\d{2}:\\d{2}:\\d{2}/.test(document.querySelector('.wall-clock').innerText)"
    )
    page.wait_for_load_state("networkidle")
    assert no_scrollbars(page)
    # Every panel is on screen, none cut off by the edge.
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('.wall-panel, .wall-header, .wall-tile')]"
        ".map(e => e.getBoundingClientRect().toJSON())"
    )
    assert len(boxes) >= 12
    assert all(b["right"] <= width + 1 and b["bottom"] <= height + 1 for b in boxes)
    # Large type: the area name is at least 4% of the screen's height.
    size_px = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.wall-header h1')).fontSize)"
    )
    assert size_px >= 0.04 * height
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"wall-{width}x{height}.png")
    assert tracked.external_requests() == [] and tracked.errors == []
    context.close()


def test_the_playlist_plays_steps_and_pauses_from_the_keyboard(server, demo, tracked):
    page = tracked.page
    expected = playlist_names(demo)
    assert len(expected) >= 3
    page.goto(server + "/wall?dwell=2")
    page.wait_for_selector("#wall-area")
    assert area_name(page) == expected[0]
    # It plays on its own: district → the street whose alerts weigh most → its most urgent community.
    page.wait_for_function(
        f"() => document.querySelector('#wall-area').innerText === '{expected[1]}'", timeout=8000
    )
    page.wait_for_function(
        f"() => document.querySelector('#wall-area').innerText === '{expected[2]}'", timeout=8000
    )
    # Space pauses: it stays put for well over a dwell.
    page.keyboard.press("Space")
    page.wait_for_selector(".wall-paused")
    held = area_name(page)
    page.wait_for_timeout(5000)
    assert area_name(page) == held
    # → and ← step through by hand while paused.
    position = expected.index(held)
    page.keyboard.press("ArrowRight")
    following = expected[(position + 1) % len(expected)]
    page.wait_for_function(
        f"() => document.querySelector('#wall-area').innerText === '{following}'"
    )
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => document.querySelector('#wall-area').innerText === '{held}'")
    assert tracked.external_requests() == []


@pytest.fixture
def own_wall(demo, tmp_path):
    with serving_a_copy(demo, tmp_path) as served:
        yield served


def publish_copy(settings, refreshed: str) -> None:
    """Publish a new version as a refresh does (a new file, then one atomic pointer swap),
    whose refresh time is ``refreshed`` (UTC)."""
    current = settings.warehouse.resolve()
    new = current.parent / "cockpit-new.duckdb"
    shutil.copy(current, new)
    con = duckdb.connect(str(new))
    con.execute(
        "INSERT INTO meta.refresh (refresh_id, started, finished, status) VALUES (?, ?, ?, 'ok')",
        ["wall-test", refreshed, refreshed],
    )
    con.close()
    pointer = settings.warehouse.parent / "pointer.tmp"
    os.symlink(new, pointer)
    os.replace(pointer, settings.warehouse)


def test_the_wall_picks_up_a_new_version_without_reloading(own_wall, tracked: TrackedPage):
    settings, url = own_wall
    page = tracked.page
    page.goto(url + "/wall?dwell=2")
    page.wait_for_selector("#wall-refreshed")
    page.evaluate("() => { window.__sameDocument = true; }")
    before = page.locator("#wall-refreshed").inner_text()
    publish_copy(settings, "2031-05-06 02:30:00")
    # 02:30 UTC is 10:30 in China.
    page.wait_for_function(
        "() => document.querySelector('#wall-refreshed').innerText === '2031-05-06 10:30'",
        timeout=10_000,
    )
    assert before != "2031-05-06 10:30"
    assert page.evaluate("() => window.__sameDocument === true")
    assert tracked.external_requests() == []
