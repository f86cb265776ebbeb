"""The parts of a cockpit page an official reads and takes away: alerts, sparklines,
rankings and trends with a period, map point layers, the park's sections and scenes,
the freshness badge, and exports (CSV, PNG, a one-page brief)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from dashboard.drawing import fmt
from tests.helpers.browser import TrackedPage, serving_a_copy
from tests.helpers.cockpits import PARK
from tests.helpers.map import DISTRICT, GRAPH, WULIN, click_area, latest, unfold, wait_for_map

pytestmark = pytest.mark.browser

HOTLINE_TRACE = 3  # dashboard.drawing.point_layers.POINT_TRACE["hotline"]


def read_csv(download) -> list[dict]:
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_alerts_lead_with_the_highest_priority_and_link_to_their_area(
    server, tracked: TrackedPage, wh
):
    page = tracked.page
    page.goto(server + f"/street/{WULIN}")
    wait_for_map(page, "武林街道")
    period = latest(wh)
    red, amber, few = wh.execute(
        "SELECT count(*) FILTER (WHERE status = 'red'), count(*) FILTER (WHERE status = 'amber'), "
        "count(*) FILTER (WHERE status = 'few') "
        "FROM ind.indicator_value v JOIN ind.area a ON a.code = v.area_code "
        "WHERE v.period = ? AND (a.code = ? OR a.parent_code = ?)",
        [period, WULIN, WULIN],
    ).fetchall()[0]
    counts = page.locator(".alert-counts").inner_text()
    assert f"预警 {red}" in counts and f"关注 {amber}" in counts and f"样本过少 {few}" in counts
    # The short list is the street's problems by their worst alert's priority, each with
    # its reasons: a community's alert joins the street's of the same indicator, led by
    # the street.
    expected = wh.execute(
        """
        WITH al AS (
            SELECT al.*, a.name_zh, a.parent_code FROM ind.alert al
            JOIN ind.area a ON a.code = al.area_code
            WHERE al.period = $period AND (a.code = $street OR a.parent_code = $street)
        ),
        rooted AS (
            SELECT al.*, CASE WHEN EXISTS (SELECT 1 FROM al s WHERE s.area_code = al.parent_code
                                           AND s.indicator_id = al.indicator_id)
                              THEN al.parent_code ELSE al.area_code END AS root
            FROM al
        ),
        problems AS (SELECT root, indicator_id, max(priority) AS worst FROM rooted GROUP BY ALL)
        SELECT r.name_zh, r.reasons_zh FROM problems p
        JOIN rooted r ON r.area_code = p.root AND r.indicator_id = p.indicator_id
        ORDER BY p.worst DESC, p.root, p.indicator_id LIMIT 10
        """,
        {"period": period, "street": WULIN},
    ).fetchall()
    items = page.locator(".alert-item")
    assert items.count() == len(expected) > 0
    shown = [
        a.split(" · ")[0].split(" 及其 ")[0] for a in items.locator(".alert-area").all_inner_texts()
    ]
    assert shown == [name for name, _ in expected]
    reasons = items.locator(".alert-reasons").all_inner_texts()
    assert reasons == ["；".join(r) for _, r in expected]
    first = items.first
    area = first.locator(".alert-area").inner_text().split(" · ")[0].split(" 及其 ")[0]
    indicator = first.locator(".alert-indicator").inner_text()
    href = first.get_attribute("href")
    first.click()
    # The first problem may be the street's own (武林街道 及其 …): the page already shown.
    page.wait_for_url(lambda url: url.endswith(href))
    page.wait_for_selector(f".area-name:text-is('{area}')")
    card = page.locator(".kpi-card.selected", has_text=indicator)
    card.wait_for()
    status = first.get_attribute("class").split("status-")[1]
    assert f"status-{status}" in card.get_attribute("class")


def test_cards_carry_a_sparkline_and_a_rank_among_siblings(server, tracked: TrackedPage):
    page = tracked.page
    page.goto(server + f"/street/{WULIN}")
    wait_for_map(page, "武林街道")
    unfold(page)
    card = page.locator(".kpi-card", has_text="户籍人口").first
    assert card.locator("img.sparkline").get_attribute("src").startswith("data:image/svg+xml")
    assert re.search(r"排名 \d/8", card.inner_text())
    assert page.locator("img.sparkline").count() >= 40


def test_the_period_selector_shows_another_month_everywhere(server, tracked, wh):
    page = tracked.page
    page.goto(server + "/?indicator=registered_population")
    wait_for_map(page, "下城区")
    page.click("#period-select")
    page.click(".dash-dropdown-option:has(input[value='2019-06'])")
    page.wait_for_function("() => window.location.search.includes('period=2019-06')")
    expected = [
        r[0]
        for r in wh.execute(
            "SELECT value FROM ind.indicator_value WHERE indicator_id = 'registered_population' "
            "AND period = '2019-06' AND level = 'street' ORDER BY area_code"
        ).fetchall()
    ]
    # The page is drawn again for June: the map's values are June's.
    page.wait_for_function(
        f"(v) => {{ const z = document.querySelector('{GRAPH}').data[1].z;"
        " return z.length === v.length && z.every((x, i) => Math.abs(x - v[i]) < 1e-9); }",
        arg=expected,
    )
    assert page.inner_text("#period-select") == "2019年6月"
    wait_for_map(page, "下城区")
    trend = page.evaluate("() => document.querySelector('#trend-chart .js-plotly-plot').data[0]")
    assert len(trend["x"]) == 24  # every published month, the chosen one marked


def test_point_layers_switch_on_and_off_without_resending_areas(server, tracked, wh):
    page = tracked.page
    page.goto(server + f"/street/{WULIN}")
    wait_for_map(page, "武林街道")
    bodies: list[str] = []
    page.on(
        "response",
        lambda r: bodies.append(r.text()) if "_dash-update-component" in r.url else None,
    )
    page.get_by_label("12345工单").check()
    page.wait_for_function(
        f"() => document.querySelector('{GRAPH}').data[{HOTLINE_TRACE}].visible === true"
    )
    shown = page.evaluate(
        f"() => document.querySelector('{GRAPH}').data[{HOTLINE_TRACE}].lon.length"
    )
    expected = wh.execute(
        "SELECT count(*) FROM ind.map_point p JOIN ind.area a ON a.code = p.area_code "
        "WHERE p.layer = 'hotline' AND p.period = ? AND a.parent_code = ?",
        [latest(wh), WULIN],
    ).fetchall()[0][0]
    assert shown == expected > 0
    page.wait_for_function("() => window.location.search.includes('layers=hotline')")
    assert bodies and all("geojson" not in b for b in bodies if '"lon"' in b)
    page.get_by_label("12345工单").uncheck()
    page.wait_for_function(
        f"() => document.querySelector('{GRAPH}').data[{HOTLINE_TRACE}].visible === false"
    )


def test_the_park_is_organised_by_sections_and_scenes(server, tracked: TrackedPage, wh):
    page = tracked.page
    page.goto(server + f"/park/{PARK}")
    wait_for_map(page, "杭州新天地园区")
    tiles = page.locator(".section-tile")
    assert tiles.count() == 6
    period = latest(wh)
    food = wh.execute(
        "SELECT visitors FROM ind.park_section WHERE area_code = ? AND period = ? AND section = '吃'",
        [PARK, period],
    ).fetchall()[0][0]
    assert fmt.with_unit(food, 0, "", "zh") in tiles.first.inner_text()  # 40.06万
    scenes = page.locator(".scene h2").all_inner_texts()
    assert scenes == ["智慧旅游", "医疗服务", "智慧停车", "阳光厨房", "智慧电梯"]
    for scene in ("tourism", "parking", "kitchens", "elevators"):
        assert page.locator(f"#scene-{scene} .kpi-card").count() >= 2
    assert "东新街道" in page.locator("#scene-medical .scene-note").inner_text()
    # The park opens with its car parks and lifts on the map.
    visible = page.evaluate(f"() => document.querySelector('{GRAPH}').data.map(t => t.visible)")
    assert visible[4:6] == [True, True]
    assert tracked.external_requests() == []


def test_exports_produce_files(server, tracked: TrackedPage, wh):
    page = tracked.page
    page.goto(server + "/?indicator=registered_population")
    wait_for_map(page, "下城区")
    with page.expect_download() as ranking:
        page.click("#ranking-csv")
    rows = read_csv(ranking.value)
    assert [r["区域"] for r in rows][:1] == ["东新街道"]
    assert sum(float(r["数值"]) for r in rows) == 423_600
    with page.expect_download() as alerts:
        page.click("#alerts-csv")
    total = wh.execute("SELECT count(*) FROM ind.alert WHERE period = ?", [latest(wh)]).fetchall()[
        0
    ][0]
    listed = read_csv(alerts.value)
    assert len(listed) == total
    # One line per area, the lines of a problem together, problems by their worst alert.
    problems: dict[str, float] = {}
    for r in listed:
        key = (r["所属问题（牵头区域代码）"].strip(), r["指标"])
        assert key not in problems or list(problems)[-1] == key, key
        problems[key] = max(problems.get(key, 0.0), float(r["优先级"]))
    assert list(problems.values()) == sorted(problems.values(), reverse=True)
    assert all(r["原因"] for r in listed)
    with page.expect_download() as cards:
        page.click("#cards-csv")
    unfold(page)
    assert len(read_csv(cards.value)) == page.locator(".kpi-card").count()
    # A chart as PNG, drawn in the browser from the chart's own camera button.
    page.hover("#ranking-chart .js-plotly-plot")
    with page.expect_download() as png:
        page.click("#ranking-chart .modebar-btn[data-title='Download plot as a PNG']")
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.value.suggested_filename.endswith(".png")
    # Nothing on any chart offers to upload it.
    assert page.locator(".modebar-btn[data-title='Share chart...']").count() == 0
    # The printable brief: one A4 page.
    page.click("#brief-link")
    page.wait_for_selector(".brief-table")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    assert "下城区 · 区级驾驶舱 · 运行简报" in page.inner_text("h1")
    assert tracked.external_requests() == []


@pytest.fixture
def stale_cockpit(demo, tmp_path):
    """A copy of the demo whose parking data last arrived two weeks ago."""
    change = (
        "UPDATE meta.source SET last_success = now()::TIMESTAMP - INTERVAL 14 DAY "
        "WHERE source = 'parking'"
    )
    with serving_a_copy(demo, tmp_path, change) as (_, url):
        yield url


def test_the_freshness_badge_turns_amber_when_a_source_is_stale(server, stale_cockpit, tracked):
    page = tracked.page
    page.goto(server + "/")
    wait_for_map(page, "下城区")
    badge = page.locator("#freshness-badge")
    assert badge.inner_text() == "加载: 数据新鲜" and "fresh" in badge.get_attribute("class")
    page.goto(stale_cockpit + "/")
    wait_for_map(page, "下城区")
    assert badge.inner_text() == "加载: 1 个数据源超期"
    assert "stale" in badge.get_attribute("class")
    assert "停车" in badge.get_attribute("title")
    assert (
        page.evaluate(
            "() => getComputedStyle(document.querySelector('#freshness-badge')).backgroundColor"
        )
    ).startswith("rgb(224, 162, 30")


def test_a_laptop_screen_of_1280x800_is_usable(server, browser, signed_in_state):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN", storage_state=signed_in_state
    )
    page = context.new_page()
    page.goto(server + f"/street/{WULIN}")
    wait_for_map(page, "武林街道")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    map_box = page.locator(".map-panel").bounding_box()
    assert map_box["width"] >= 600 and map_box["x"] >= 0
    unfold(page)
    assert page.locator(".kpi-card").first.bounding_box()["width"] >= 150
    context.close()


def test_each_level_s_geometry_reaches_the_browser_once(server, tracked: TrackedPage, areas):
    """District → street → district → street: the shapes of each level cross the network
    once, then come from the cache; no page or update carries coordinates."""
    page = tracked.page
    bodies: list[str] = []
    page.on(
        "response",
        lambda r: bodies.append(r.text()) if "_dash-update-component" in r.url else None,
    )
    page.goto(server + "/")
    wait_for_map(page, "下城区")
    wulin = areas[WULIN]
    for _ in range(2):
        click_area(page, wulin["lon"], wulin["lat"])
        wait_for_map(page, "武林街道")
        page.click("#breadcrumb >> text=下城区")
        wait_for_map(page, "下城区")
    fetched = page.evaluate(
        """() => performance.getEntriesByType('resource')
            .filter(e => e.name.includes('/geo/'))
            .map(e => [new URL(e.name).pathname, e.transferSize])"""
    )
    over_network: dict[str, int] = {}
    for path, size in fetched:
        over_network[path] = over_network.get(path, 0) + (size > 0)
    assert any(p.endswith(f"/{DISTRICT}/street.json") for p in over_network), fetched
    assert any(p.endswith(f"/{WULIN}/community.json") for p in over_network), fetched
    assert all(count == 1 for count in over_network.values()), fetched
    assert bodies and not any("FeatureCollection" in b for b in bodies)


def test_every_table_page_downloads_its_csv(server, tracked: TrackedPage, wh):
    page = tracked.page

    def count(sql: str) -> int:
        return wh.execute(sql).fetchall()[0][0]

    expected = {
        "/catalog": ("#catalog-csv", count("SELECT count(*) FROM meta.source")),
        "/indicators?lang=en": ("#indicators-csv", count("SELECT count(*) FROM ind.indicator")),
        # each indicator for the district, 8 streets and the park
        "/dept/statistics": (
            "#department-csv",
            count("SELECT count(*) * 10 FROM ind.indicator WHERE department = 'statistics'"),
        ),
        "/dept/hotline": (
            "#deliveries-csv",
            count("SELECT count(*) FROM meta.source WHERE department = 'hotline'"),
        ),
    }
    for path, (link, rows_expected) in expected.items():
        page.goto(server + path)
        with page.expect_download() as download:
            page.click(link)
        rows = read_csv(download.value)
        assert len(rows) == rows_expected, path
        if path.endswith("lang=en"):
            assert "Indicator" in rows[0]  # the headers in the page's language
    assert tracked.external_requests() == []


@pytest.fixture
def cockpit_with_duplicates(demo, tmp_path):
    """A copy of the demo whose latest hotline load set aside three repeated tickets."""
    change = """
        INSERT INTO meta.rejected_row
        SELECT l.run_id, l.source, l.file, r.row_number, '{}', [r.reason]
        FROM (SELECT * FROM meta.load_run WHERE source = 'hotline' AND status = 'ok'
              ORDER BY finished DESC LIMIT 1) l,
             (VALUES (10, 'ticket_id: duplicate of row 3'), (11, 'ticket_id: duplicate of row 5'),
                     (12, 'ticket_id: same key as row 4')) r(row_number, reason)
    """
    with serving_a_copy(demo, tmp_path, change) as (_, url):
        yield url


def test_the_catalog_counts_repeated_rows_as_one_check_in_the_page_s_language(
    cockpit_with_duplicates, tracked: TrackedPage
):
    page = tracked.page
    page.goto(cockpit_with_duplicates + "/catalog")
    page.wait_for_selector(".catalog-table")
    row = page.locator(".catalog-table tbody tr", has_text="hotline → stg.hotline_ticket")
    assert row.locator(".checks li").all_inner_texts() == [
        "ticket_id: 与前面的行完全重复 × 2",
        "ticket_id: 与前面的行主键相同 × 1",
    ]
