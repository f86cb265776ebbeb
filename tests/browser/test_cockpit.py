"""What an official does with the cockpit, in headless Chromium against a real server."""

from __future__ import annotations

import re

import pytest

from tests.helpers.browser import ARTIFACTS, TrackedPage
from tests.helpers.map import GRAPH, WULIN, click_area, map_locations, unfold, wait_for_map

pytestmark = pytest.mark.browser


def children(areas: dict, code: str, level: str) -> list[str]:
    return sorted(c for c, a in areas.items() if a["parent_code"] == code and a["level"] == level)


def test_district_map_shows_the_eight_streets(server, tracked: TrackedPage, areas):
    page = tracked.page
    page.goto(server + "/")
    wait_for_map(page)
    assert page.inner_text(".area-name") == "下城区"
    assert map_locations(page) == children(areas, "330103000000", "street")
    assert len(map_locations(page)) == 8
    unfold(page, "社会")
    population = page.locator(".kpi-card").filter(
        has=page.locator(".kpi-name", has_text=re.compile(r"^户籍人口$"))
    )
    assert population.locator(".kpi-value").inner_text() == "42.36"
    assert population.locator(".kpi-unit").inner_text() == "万人"
    assert "示意边界" in page.inner_text("#synthetic-note")
    assert tracked.errors == []


def test_clicking_a_street_opens_its_cockpit(server, tracked: TrackedPage, areas):
    page = tracked.page
    page.goto(server + "/")
    wait_for_map(page)
    wulin = areas[WULIN]
    click_area(page, wulin["lon"], wulin["lat"])
    page.wait_for_url(f"**/street/{WULIN}**")
    wait_for_map(page, "武林街道")
    communities = children(areas, WULIN, "community")
    assert len(communities) == 7
    assert map_locations(page) == communities
    assert page.inner_text("#breadcrumb").split() == ["下城区", "›", "武林街道"]


def test_drill_down_to_a_community_and_back_up(server, tracked: TrackedPage, areas):
    page = tracked.page
    page.goto(server + "/street/330103002")  # the 9-digit code a person would type
    wait_for_map(page)
    target = areas[children(areas, WULIN, "community")[2]]
    click_area(page, target["lon"], target["lat"])
    page.wait_for_url(f"**/community/{target['code']}**")
    wait_for_map(page, target["name_zh"])
    # A community's map shows its street's communities, with this one outlined.
    assert map_locations(page) == children(areas, WULIN, "community")
    outlined = page.evaluate(f"() => document.querySelector('{GRAPH}').data[2].locations")
    assert outlined == [target["code"]]
    assert page.inner_text("#breadcrumb").split() == [
        "下城区",
        "›",
        "武林街道",
        "›",
        target["name_zh"],
    ]
    page.click("#breadcrumb >> text=武林街道")
    page.wait_for_url(f"**/street/{WULIN}**")
    wait_for_map(page, "武林街道")
    page.click("#breadcrumb >> text=下城区")
    page.wait_for_url(server + "/**")
    wait_for_map(page, "下城区")
    assert len(map_locations(page)) == 8
    assert tracked.errors == []


def test_english_on_request_and_a_switch_back(server, tracked: TrackedPage):
    page = tracked.page
    page.goto(server + "/street/330103002?lang=en")
    wait_for_map(page)
    assert page.inner_text(".area-name") == "Wulin Subdistrict"
    headings = page.locator(".domain-title").all_inner_texts()
    assert headings == ["Economy", "Governance", "Culture", "Society", "Ecology"]
    assert page.inner_text("#period-select") == "Dec 2019"
    page.click("#lang-switch")
    page.wait_for_function("() => !window.location.search.includes('lang=en')")
    wait_for_map(page, "武林街道")
    assert page.locator(".domain-title").all_inner_texts() == [
        "经济",
        "治理",
        "文化",
        "社会",
        "生态",
    ]


def test_switching_indicator_recolours_without_resending_geometry(server, tracked: TrackedPage):
    page = tracked.page
    page.goto(server + "/")
    wait_for_map(page)
    bodies: list[str] = []
    page.on(
        "response",
        lambda r: bodies.append(r.text()) if "_dash-update-component" in r.url else None,
    )
    before = page.evaluate(f"() => document.querySelector('{GRAPH}').data[1].name")
    page.click("#map-indicator")
    page.click(".dash-dropdown-option:has(input[value='registered_population'])")
    page.wait_for_function(f"() => document.querySelector('{GRAPH}').data[1].name === '户籍人口'")
    assert before != "户籍人口"
    z = page.evaluate(f"() => document.querySelector('{GRAPH}').data[1].z")
    assert sum(z) == 423_600
    page.wait_for_function(
        "() => window.location.search.includes('indicator=registered_population')"
    )
    updates = [b for b in bodies if '"z"' in b]
    assert updates and all("geojson" not in b for b in updates)
    # The shared URL opens the same view.
    page.goto(page.url)
    wait_for_map(page)
    assert page.evaluate(f"() => document.querySelector('{GRAPH}').data[1].name") == "户籍人口"


def test_no_request_leaves_localhost(server, tracked: TrackedPage, areas):
    """Every page type, the point layers and the wall included."""
    page = tracked.page
    community = children(areas, WULIN, "community")[0]
    waits = {
        "/": "map",
        f"/street/{WULIN}?layers=hotline,elevators,parking,kitchens": "map",
        f"/community/{community}": "map",
        "/park/330103008P01": "map",
        "/?lang=en": "map",
        "/street/999": ".not-found",
        "/catalog": ".catalog-table",
        "/indicators": ".dict-entry",
        "/dept": ".dept-card",
        "/dept/statistics": ".dept-matrix",
        f"/brief/{WULIN}": ".brief-table",
        "/wall?dwell=600": "#wall-map .js-plotly-plot canvas",
    }
    for path, wait in waits.items():
        page.goto(server + path)
        if wait == "map":
            wait_for_map(page)
        else:
            page.wait_for_selector(wait)
        page.wait_for_load_state("networkidle")
    assert len(tracked.requests) > 40
    assert tracked.external_requests() == []
    assert tracked.errors == []


def test_the_page_at_1920x1080_is_not_broken(server, tracked: TrackedPage):
    page = tracked.page
    page.goto(server + "/")
    wait_for_map(page)
    page.wait_for_load_state("networkidle")
    unfold(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "district-1920x1080.png", full_page=True)
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('.kpi-card, .headline-tile, .map-panel,"
        " .alerts-panel, .cockpit-header')]"
        ".map(e => { const r = e.getBoundingClientRect();"
        " return [e.className, r.left, r.top, r.right, r.bottom]; })"
    )
    for i, (name_a, *a) in enumerate(boxes):
        assert a[2] - a[0] > 100 and a[3] - a[1] > 40, f"{name_a} is collapsed"
        for name_b, *b in boxes[i + 1 :]:
            overlap = (
                min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1
            )
            assert not overlap, f"{name_a} overlaps {name_b}"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    # Chinese text is drawn with real glyphs, not the empty boxes of a missing font.
    tofu = page.evaluate(
        """() => {
            const font = getComputedStyle(document.querySelector('.area-name')).font;
            const draw = (text) => {
                const c = document.createElement('canvas'); c.width = 80; c.height = 80;
                const ctx = c.getContext('2d'); ctx.font = font; ctx.fillText(text, 4, 60);
                return ctx.getImageData(0, 0, 80, 80).data.join(',');
            };
            const missing = draw('\\u{10FFFD}');
            return ['下', '城', '区', '驾'].filter(ch => draw(ch) === missing);
        }"""
    )
    assert tofu == []


def test_the_catalog_shows_every_source_its_owner_and_its_quality(server, tracked: TrackedPage):
    page = tracked.page
    page.goto(server + "/catalog")
    page.wait_for_selector(".catalog-table")
    rows = page.locator(".catalog-table tbody tr")
    assert rows.count() == 18  # boundaries, buildings and sixteen department extracts
    buildings = page.locator(".catalog-table tbody tr", has_text="buildings → stg.building")
    assert "建筑轮廓" in buildings.inner_text() and "演示数据（合成）" in buildings.inner_text()
    housing = page.locator(".catalog-table tbody tr", has_text="housing → stg.renovation")
    assert "区住建局" in housing.inner_text()
    assert "每月5日 07:00" in housing.inner_text()
    assert housing.locator(".badge").inner_text() == "新鲜"
    assert housing.locator(".reject-share").inner_text() == "0.11%"
    assert housing.locator(".checks li").all_inner_texts() == [
        "在建工地数: 计数为负 × 1",
        "社区: 未知区域 × 1",
    ]
    housing.locator("summary").click()
    assert "计划改造户数" in housing.locator("details").inner_text()
    page.click("#lang-switch")
    page.wait_for_selector("text=Public data resource catalog")
    assert "Housing & Construction Bureau" in page.inner_text(".catalog-table")
    english = page.locator(".catalog-table tbody tr", has_text="housing → stg.renovation")
    assert "社区: unknown area × 1" in english.locator(".checks").inner_text()
