"""What an official takes in within five seconds, on a laptop, a desktop and a 4K wall:
where each area is, what is red, whether it is getting worse, and whose it is."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import pytest
import shapely
from PIL import Image

from cockpit.freshness import months_behind
from dashboard.drawing.charts import STATUS_COLOURS
from tests.helpers.browser import TrackedPage
from tests.helpers.cockpits import PARK
from tests.helpers.map import (
    DISTRICT,
    GRAPH,
    labels_drawn,
    latest,
    screen_point,
    wait_for_map,
)

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1280, 800), "desktop": (1920, 1080), "wall": (3840, 2160)}
BASE_GREY = "#e6e8eb"  # the map's grey ground, under the value layer's 0.92 opacity


@contextmanager
def sized_page(browser, signed_in_state, size: tuple[int, int]) -> Iterator[TrackedPage]:
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]},
        locale="zh-CN",
        storage_state=signed_in_state,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        yield TrackedPage(page)
    finally:
        context.close()


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def shown_colour(page, lon: float, lat: float) -> tuple[int, int, int]:
    """The colour the map really draws at (lon, lat), read from a screenshot with the
    names hidden (they sit over the areas' middles)."""
    page.evaluate("() => document.querySelectorAll('.map-labels').forEach(l => l.remove())")
    page.evaluate(
        "() => { const g = document.querySelector('#area-map .js-plotly-plot');"
        " g.layout.meta.labels = null; }"
    )
    # Once the map has settled: a fit to the box (map_fit.js) may still be moving it.
    page.wait_for_function(
        f"() => {{ const g = document.querySelector('{GRAPH}'); return g.__fittedSize"
        " && !g._fullLayout.map._subplot.map.isMoving(); }"
    )
    page.evaluate(
        f"""() => new Promise(done => {{
            const map = document.querySelector('{GRAPH}')._fullLayout.map._subplot.map;
            if (map.loaded() && !map.isMoving()) {{ done(); }} else {{ map.once('idle', done); }}
        }})"""
    )

    def pixel() -> tuple[int, int, int]:
        # After a frame with nothing left to do (MapLibre's "idle": no fade, no move, no
        # tile pending), where the point is drawn now: a late fit may have moved the map.
        page.evaluate(
            f"""() => new Promise(done => {{
                const map = document.querySelector('{GRAPH}')._fullLayout.map._subplot.map;
                map.once('idle', done);
                map.triggerRepaint();
            }})"""
        )
        x, y = screen_point(page, lon, lat)
        shot = page.screenshot(clip={"x": x - 1, "y": y - 1, "width": 3, "height": 3})
        return Image.open(io.BytesIO(shot)).convert("RGB").getpixel((1, 1))

    # The colour once it holds still: on a loaded machine the map may still be fading its
    # fills in (seen as a half-red pixel); three samples 250 ms apart must agree.
    seen, held = pixel(), 1
    for _ in range(30):
        page.wait_for_timeout(250)
        again = pixel()
        held = held + 1 if again == seen else 1
        seen = again
        if held == 3:
            break
    return seen


def close_to(seen: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 14) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(seen, expected, strict=True))


def over_grey(colour: str, opacity: float = 0.92) -> tuple[int, ...]:
    top, ground = rgb(colour), rgb(BASE_GREY)
    return tuple(round(opacity * a + (1 - opacity) * b) for a, b in zip(top, ground, strict=True))


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_every_street_is_named_on_the_map_and_the_period_is_in_the_first_screen(
    browser, signed_in_state, server, areas, size
):
    with sized_page(browser, signed_in_state, size) as tracked:
        page = tracked.page
        page.goto(server + "/")
        wait_for_map(page, "下城区")
        drawn = labels_drawn(page)
        streets = sorted(a["name_zh"] for a in areas.values() if a["level"] == "street")
        assert sorted(label["text"] for label in drawn) == streets
        canvas = page.locator(f"{GRAPH} canvas").first.bounding_box()
        for label in drawn:  # every name on the map itself, legible
            assert canvas["x"] <= label["left"] and label["right"] <= canvas["x"] + canvas["width"]
            assert canvas["y"] <= label["top"] and label["bottom"] <= canvas["y"] + canvas["height"]
            assert label["size"] >= 11
        period = page.locator("#period-select").bounding_box()
        assert period["y"] >= 0 and period["y"] + period["height"] <= size[1]
        assert page.evaluate("() => window.scrollY") == 0
        assert tracked.external_requests() == []
        assert tracked.errors == []


def test_the_district_page_tells_its_story_on_one_1080p_screen(browser, signed_in_state, server):
    with sized_page(browser, signed_in_state, SIZES["desktop"]) as tracked:
        page = tracked.page
        page.goto(server + "/")
        wait_for_map(page, "下城区")
        for part in ("#headline-band", ".map-panel", "#alerts"):
            box = page.locator(part).bounding_box()
            assert box["y"] + box["height"] <= 1080, part
        assert 4 <= page.locator(".headline-tile").count() <= 6
        # The domains are one click away, folded under headings that count their reds.
        assert page.locator("details.domain").count() == 5
        assert page.locator("details.domain[open]").count() <= 1


def test_a_red_area_is_painted_the_red_of_its_status(tracked: TrackedPage, server, wh, areas):
    period = latest(wh)
    indicator, red_code, green_code = wh.execute(
        """
        SELECT indicator_id,
               max(area_code) FILTER (WHERE status = 'red'),
               max(area_code) FILTER (WHERE status = 'green')
        FROM ind.indicator_value WHERE level = 'street' AND period = ?
        GROUP BY indicator_id
        HAVING count(*) FILTER (WHERE status = 'red') > 0
           AND count(*) FILTER (WHERE status = 'green') > 0
        ORDER BY indicator_id LIMIT 1
        """,
        [period],
    ).fetchone()
    page = tracked.page
    page.goto(server + f"/?indicator={indicator}")
    wait_for_map(page, "下城区")
    labels = {
        x["code"]: x
        for x in page.evaluate(f"() => document.querySelector('{GRAPH}').layout.meta.labels")
    }
    red, green = labels[red_code], labels[green_code]
    seen_red = shown_colour(page, red["lon"], red["lat"])
    seen_green = shown_colour(page, green["lon"], green["lat"])
    assert close_to(seen_red, over_grey(STATUS_COLOURS["red"])), seen_red
    assert close_to(seen_green, over_grey(STATUS_COLOURS["green"])), seen_green


def test_value_colours_keep_one_range_across_months(tracked: TrackedPage, server, wh):
    page = tracked.page
    ranges = []
    for period in ("2019-06", "2019-12"):
        page.goto(server + f"/?indicator=hotline_per_10k&colour=value&period={period}")
        wait_for_map(page, "下城区")
        ranges.append(
            page.evaluate(f"() => {{ const d = document.querySelector('{GRAPH}').data[1];"
                          " return [d.zmin, d.zmax]; }")
        )  # fmt: skip
    lo, hi = wh.execute(
        "SELECT min(value), max(value) FROM ind.indicator_value "
        "WHERE indicator_id = 'hotline_per_10k' AND level = 'street'"
    ).fetchone()
    assert ranges[0] == ranges[1] == [pytest.approx(lo), pytest.approx(hi)]
    # The indicator wants fewer: its high end, the bad one, is the warm colour.
    scale = page.evaluate(f"() => document.querySelector('{GRAPH}').data[1].colorscale")
    high = rgb(scale[-1][1])
    assert high[0] > high[2] + 60
    # Switching back to status colouring is a recolour in place, kept in the URL.
    page.locator("#map-mode label", has_text="状态").click()
    page.wait_for_function("() => !window.location.search.includes('colour=value')")
    page.wait_for_function(
        f"() => document.querySelector('{GRAPH}').data[1].colorbar.ticktext !== undefined"
    )


def test_the_wall_map_fills_its_panel_at_4k(browser, signed_in_state, server, wh):
    with sized_page(browser, signed_in_state, SIZES["wall"]) as tracked:
        page = tracked.page
        page.goto(server + "/wall?dwell=600")
        wall_map = "#wall-map .js-plotly-plot"
        page.wait_for_selector(f"{wall_map} canvas")
        labels_drawn(page, wall_map)
        panel = page.locator(".wall-map-panel").bounding_box()
        graph = page.locator(wall_map).bounding_box()
        assert graph["width"] * graph["height"] >= 0.7 * panel["width"] * panel["height"]
        # The district itself, as drawn, spans most of the map's height or width.
        streets = [
            shapely.from_geojson(g)
            for (g,) in wh.execute(
                "SELECT s.geometry_display FROM ind.area_shape s JOIN ind.area a USING (code) "
                "WHERE a.level = 'street'"
            ).fetchall()
        ]
        west, south, east, north = shapely.union_all(streets).bounds
        corners = page.evaluate(
            f"""(b) => {{ const map = document.querySelector('{wall_map}')._fullLayout.map._subplot.map;
                return [map.project([b[0], b[3]]), map.project([b[2], b[1]])]; }}""",
            [west, south, east, north],
        )
        spanned = max(
            (corners[1]["y"] - corners[0]["y"]) / graph["height"],
            (corners[1]["x"] - corners[0]["x"]) / graph["width"],
        )
        # Fitted to the panel's own aspect: the tall district fills its height.
        assert spanned >= 0.85
        # Type scales with the screen: the legend and the names are large, titles whole.
        legend = page.locator("#wall-legend").evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert legend >= 2160 * 0.015
        assert page.locator(".wall-map-panel .map-stamp").inner_text() == "示意边界"
        cut = page.evaluate(
            "() => [...document.querySelectorAll('.wall-tile-name')]"
            ".filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)"
            ".map(e => e.textContent)"
        )
        assert cut == []
        assert tracked.external_requests() == []


def test_alerts_say_whose_they_are_and_filter_by_street(tracked: TrackedPage, server, wh):
    page = tracked.page
    page.goto(server + "/")
    wait_for_map(page, "下城区")
    rows = page.locator(".alert-item")
    assert rows.count() > 0
    departments = {
        r[0]
        for r in wh.execute(
            "SELECT DISTINCT department_zh FROM meta.source UNION "
            "SELECT DISTINCT department FROM ind.indicator"
        ).fetchall()
    }
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.locator(".alert-department").inner_text() in departments
    assert "上月" in page.locator(".alert-prev").first.inner_text()
    # A community's alert names its street: "石桥社区 · 石桥街道" (a street's problem shared
    # by its communities reads "潮鸣街道 及其 6 个社区").
    communities = [
        a for a in rows.locator(".alert-area").all_inner_texts() if "社区" in a and "及其" not in a
    ]
    assert communities and all(" · " in a and a.endswith("街道") for a in communities)
    street_filter = page.locator("#alerts .alert-filter").first
    street_filter.click()
    option = page.locator(".dash-dropdown-option").first
    chosen = option.inner_text().strip()
    option.click()
    page.wait_for_function(
        "(s) => [...document.querySelectorAll('.alert-area')].length > 0 && "
        "[...document.querySelectorAll('.alert-area')].every(a => a.textContent.includes(s))",
        arg=chosen,
    )
    # One row per problem: a community's alert joins its street's of the same indicator.
    expected = wh.execute(
        """
        WITH al AS (
            SELECT al.indicator_id, al.area_code, a.level, a.parent_code
            FROM ind.alert al JOIN ind.area a ON a.code = al.area_code
            LEFT JOIN ind.area p ON p.code = a.parent_code
            WHERE al.period = ? AND ((a.level = 'street' AND a.name_zh = ?)
                                     OR (a.level <> 'street' AND p.name_zh = ?))
        )
        SELECT count(*) FROM al c WHERE NOT EXISTS (
            SELECT 1 FROM al s WHERE s.area_code = c.parent_code
              AND s.indicator_id = c.indicator_id)
        """,
        [latest(wh), chosen, chosen],
    ).fetchone()[0]
    assert page.locator(".alert-item").count() == min(expected, 10)


def test_the_alerts_csv_keeps_codes_whole_and_rounds_as_shown(tracked: TrackedPage, server, wh):
    page = tracked.page
    period = latest(wh)
    answer = page.request.get(server + f"/export/alerts.csv?area={DISTRICT}&period={period}")
    assert answer.ok
    table = pd.read_csv(io.BytesIO(answer.body()), dtype=str, encoding="utf-8-sig",
                        keep_default_na=False)  # fmt: skip
    expected = {
        r[0]
        for r in wh.execute("SELECT area_code FROM ind.alert WHERE period = ?", [period]).fetchall()
    }
    codes = table["区划代码"].tolist()
    # Written as text for Excel (a leading tab), every one of the 12 digits there.
    assert all(re.fullmatch(r"\t\d{12}", c) for c in codes)
    assert {c.strip() for c in codes} == expected
    decimals = dict(wh.execute("SELECT name_zh, decimals FROM ind.indicator").fetchall())
    for name, value in zip(table["指标"], table["数值"], strict=True):
        places = len(value.split(".")[1]) if "." in value else 0
        assert places <= decimals[name], (name, value)
    assert {"所属街道", "责任部门", "上月"} <= set(table.columns)


def test_the_indicator_picker_is_grouped_by_domain_and_searchable(tracked: TrackedPage, server):
    page = tracked.page
    page.goto(server + "/")
    wait_for_map(page, "下城区")
    page.click("#map-indicator")
    groups = page.locator(".dash-dropdown-option .option-group").all_inner_texts()
    assert groups == ["经济", "治理", "文化", "社会", "生态"]
    search = page.locator("input.dash-dropdown-search")
    assert search.get_attribute("placeholder") == "搜索指标（名称或领域）"
    search.fill("空气")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.dash-dropdown-option')]"
        ".every(o => o.textContent.includes('空气'))"
    )
    search.fill("生态")  # a domain's name finds its indicators
    page.wait_for_function("() => document.querySelectorAll('.dash-dropdown-option').length === 7")
    page.locator(".dash-dropdown-option", has_text="空气质量优良天数比例").click()
    page.wait_for_function("() => window.location.search.includes('indicator=air_good_days_share')")


def test_a_page_opens_on_its_most_urgent_indicator_never_one_without_data(
    tracked: TrackedPage, server, wh
):
    page = tracked.page
    period = latest(wh)
    for path, code in (("/community/330103002051", "330103002051"), ("/", DISTRICT)):
        page.goto(server + path)
        wait_for_map(page)
        chosen = page.evaluate(f"() => document.querySelector('{GRAPH}').data[1].name")
        indicator, value, status = wh.execute(
            "SELECT i.indicator_id, v.value, v.status FROM ind.indicator i "
            "JOIN ind.indicator_value v USING (indicator_id) "
            "WHERE i.name_zh = ? AND v.area_code = ? AND v.period = ?",
            [chosen, code, period],
        ).fetchone()
        assert value is not None, path
        worst = wh.execute(
            "SELECT max(CASE status WHEN 'red' THEN 2 WHEN 'amber' THEN 1 ELSE 0 END) "
            "FROM ind.indicator_value v JOIN ind.indicator i USING (indicator_id) "
            "WHERE v.area_code = ? AND v.period = ? AND v.value IS NOT NULL "
            "AND list_contains(i.levels, (SELECT level FROM ind.area WHERE code = ?))",
            [code, period, code],
        ).fetchone()[0]
        assert {"red": 2, "amber": 1}.get(status, 0) == worst, (path, indicator)


def test_the_header_counts_red_and_amber_with_their_change_on_last_month(
    tracked: TrackedPage, server, wh
):
    page = tracked.page
    page.goto(server + "/")
    wait_for_map(page, "下城区")
    period = latest(wh)
    before = wh.execute(
        "SELECT strftime(strptime(?, '%Y-%m') - INTERVAL 1 MONTH, '%Y-%m')", [period]
    ).fetchone()[0]

    def count(status: str, month: str) -> int:
        return wh.execute(
            "SELECT count(*) FROM ind.indicator_value WHERE status = ? AND period = ?",
            [status, month],
        ).fetchone()[0]

    for status in ("red", "amber"):
        now, earlier = count(status, period), count(status, before)
        text = page.locator(f"#head-count-{status}").inner_text().split()
        arrow = (
            f"↑{now - earlier}"
            if now > earlier
            else (f"↓{earlier - now}" if now < earlier else "±0")
        )
        assert text[1:] == [str(now), arrow]
    # First, the problems to act on: alerts, an area's and those under it with the same
    # indicator counted once, with their change on last month.

    def problems(month: str) -> int:
        return wh.execute(
            """
            SELECT count(*) FROM ind.alert c JOIN ind.area a ON a.code = c.area_code
            WHERE c.period = $month AND NOT EXISTS (
                SELECT 1 FROM ind.alert p WHERE p.area_code = a.parent_code
                  AND p.indicator_id = c.indicator_id AND p.period = c.period)
            """,
            {"month": month},
        ).fetchone()[0]

    now, earlier = problems(period), problems(before)
    arrow = (
        f"↑{now - earlier}" if now > earlier else (f"↓{earlier - now}" if now < earlier else "±0")
    )
    lead = page.locator("#head-count-problems")
    assert lead.inner_text().split() == ["需处置", str(now), arrow]
    assert now < count("amber", period) and "不是着色指标值的个数" in lead.get_attribute("title")
    assert page.locator(".head-count").first.get_attribute("id") == "head-count-problems"
    page.click("#head-count-red")
    page.wait_for_function("() => window.location.hash === '#alerts'")
    # Two kinds of freshness: when it was loaded, and how old the latest period is.
    assert page.inner_text("#freshness-badge").startswith("加载")
    behind = months_behind(period, dt.datetime.now(dt.UTC).replace(tzinfo=None))
    assert page.inner_text("#period-badge") == f"数据期滞后 {behind} 个月"


def test_the_street_scorecard_ranks_every_street(tracked: TrackedPage, server, wh):
    page = tracked.page
    page.goto(server + "/")
    wait_for_map(page, "下城区")
    rows = page.locator("#scorecard .scorecard-row")
    assert rows.count() == 8
    places = [int(p) for p in rows.locator(".place").all_inner_texts()]
    assert places == sorted(places) and places[0] == 1
    assessed = wh.execute("SELECT count(*) FROM ind.indicator WHERE assessed").fetchone()[0]
    counted = [int(rows.nth(i).locator("td").nth(4).inner_text()) for i in range(8)]
    assert all(0 < c <= assessed for c in counted)
    answer = page.request.get(server + page.locator("#scorecard-csv").get_attribute("href"))
    table = pd.read_csv(io.BytesIO(answer.body()), dtype=str, encoding="utf-8-sig")
    assert table["名次"].astype(int).tolist() == places


def test_the_park_page_is_built_for_one_area(tracked: TrackedPage, server, wh):
    page = tracked.page
    page.goto(server + f"/park/{PARK}")
    wait_for_map(page)
    assert page.locator(".analysis-panel").count() == 0  # no ranking of one
    assert page.locator(".map-hint").count() == 0  # nothing below a park to click into
    assert page.evaluate(f"() => document.querySelector('{GRAPH}').data[1].showscale") is False
    park = shapely.from_geojson(
        wh.execute("SELECT geometry_display FROM ind.area_shape WHERE code = ?", [PARK]).fetchone()[
            0
        ]
    )
    for trace in (4, 5):  # its lifts and car parks, on by default
        lon, lat = page.evaluate(
            f"(i) => [document.querySelector('{GRAPH}').data[i].lon,"
            f" document.querySelector('{GRAPH}').data[i].lat]",
            trace,
        )
        assert lon and all(shapely.contains_xy(park, lon, lat))


def test_each_point_layer_has_its_own_colour_mark_and_legend(tracked: TrackedPage, server):
    page = tracked.page
    page.goto(server + "/street/330103002?layers=hotline,elevators,parking,kitchens")
    wait_for_map(page, "武林街道")
    page.wait_for_function(
        f"() => document.querySelector('{GRAPH}').data.slice(3).every(t => t.visible)"
    )
    drawn = page.evaluate(
        f"""() => {{
            const g = document.querySelector('{GRAPH}');
            const map = g._fullLayout.map._subplot.map;
            return g._fullData.slice(3).map(t => {{
                const id = 'plotly-trace-layer-' + t.uid + '-circle';
                return {{mark: t.meta.mark, usual: t.marker.color.find(c => c !== '#d64545'),
                         stroke: map.getLayer(id) ? map.getPaintProperty(id, 'circle-stroke-width')
                                                  : null}};
            }});
        }}"""
    )
    assert len({d["mark"] for d in drawn}) == len({d["usual"] for d in drawn}) == 4
    # The marks are really drawn: a ring, a white halo and a dark rim are strokes.
    assert [d["stroke"] for d in drawn] == [None, 2.5, 2, 1.5]
    legend = page.evaluate(
        "() => [...document.querySelectorAll('.point-legend .point-mark')].map(m => {"
        " const s = getComputedStyle(m);"
        " return [s.backgroundColor, s.borderTopWidth, s.boxShadow].join(' '); })"
    )
    assert len(legend) == len(set(legend)) == 4
    assert tracked.external_requests() == []
