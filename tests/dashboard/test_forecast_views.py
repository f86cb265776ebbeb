"""What officials see of the forecasts: the trend beside the map continues dashed over its
band, the brief's and the wall's sparklines do too, the trend's CSV carries the forecast
rows marked as such, an early warning is on the alert list and the wall and can be
dispatched before the area turns red, and the dictionary says how accurate each
indicator's forecasts were."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from cockpit.store import accounts
from cockpit.tasks import store
from pipelines.demo.problems import DRIFTS
from tests.helpers.client import Cockpit
from tests.helpers.cockpits import csrf_token

DRIFT = DRIFTS[0]  # family-doctor coverage sliding in 打铁关社区
DRIFT_STREET = DRIFT.area_code[:9] + "000"
FORECAST_SVG = quote('class="forecast"')


def _figures(node) -> list[dict]:
    """Every graph's figure in a rendered layout."""
    found = []
    if isinstance(node, dict):
        figure = node.get("props", {}).get("figure")
        if isinstance(figure, dict) and "data" in figure:
            found.append(figure)
        for value in node.values():
            found += _figures(value)
    elif isinstance(node, list):
        for item in node:
            found += _figures(item)
    return found


def test_the_trend_beside_the_map_continues_as_a_dashed_forecast_over_its_band(site, people):
    page = Cockpit(site.url, site.visitor(people["district"])).page(
        f"/community/{DRIFT.area_code}", f"?indicator={DRIFT.indicator}"
    )
    assert page.status_code == 200
    trends = [f for f in _figures(page.json()) if any(t.get("name") == "预测" for t in f["data"])]
    assert len(trends) == 1
    traces = {t["name"]: t for t in trends[0]["data"]}
    forecast = traces["预测"]
    assert forecast["line"]["dash"] == "dash"
    # It starts at the last published month and runs three months on.
    assert forecast["x"] == ["2019年12月", "2020年1月", "2020年2月", "2020年3月"]
    actual = traces["家庭医生签约率"]
    assert forecast["y"][0] == actual["y"][-1]
    assert forecast["y"][-1] < 28  # the community's red boundary: forecast to cross it
    for band in ("80%区间", "95%区间"):
        assert traces[band]["fill"] == "toself"
    low80 = traces["80%区间"]["y"][len(forecast["x"]) :]
    low95 = traces["95%区间"]["y"][len(forecast["x"]) :]
    assert all(a >= b for a, b in zip(low80, low95, strict=True))
    # The x axis holds the forecast months after the published ones.
    assert trends[0]["layout"]["xaxis"]["categoryarray"][-3:] == forecast["x"][1:]


def test_the_trend_csv_has_the_forecast_rows_marked_as_such(site, people):
    visitor = site.visitor(people["district"])
    answer = visitor.get(
        f"{site.url}/export/trend.csv?area={DRIFT.area_code}&indicator={DRIFT.indicator}&lang=zh"
    )
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    kinds = [r["类别"] for r in rows]
    assert kinds == ["实际"] * 24 + ["预测"] * 3
    ahead = rows[-3:]
    assert [r["数据期"] for r in ahead] == ["2020-01", "2020-02", "2020-03"]
    for r in ahead:
        assert float(r["95%下限"]) <= float(r["80%下限"]) <= float(r["数值"])
        assert float(r["数值"]) <= float(r["80%上限"]) <= float(r["95%上限"])
        assert r["预测方法"] in ("ets_ann", "ets_aan", "seasonal_naive")
    assert int(ahead[-1]["转红概率(%)"]) >= 80
    assert all(r["80%下限"] == "" for r in rows[:24])


def _dispatch_fields(node, indicator: str, area: str) -> dict | None:
    """The hidden fields of the 督办 form of one alert in a rendered layout."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("className") == "dispatch-form":
            fields = {}
            for child in props["children"]:
                child_props = child.get("props", {})
                if child_props.get("type") == "hidden":
                    fields[child_props["name"]] = child_props["value"]
            if fields.get("indicator_id") == indicator and fields.get("area_code") == area:
                return fields
        for value in node.values():
            found = _dispatch_fields(value, indicator, area)
            if found:
                return found
    elif isinstance(node, list):
        for item in node:
            found = _dispatch_fields(item, indicator, area)
            if found:
                return found
    return None


def test_an_early_warning_is_listed_and_dispatched_before_the_area_turns_red(site, people):
    admin = site.visitor(people["district"])
    page = Cockpit(site.url, admin).page(f"/street/{DRIFT_STREET}")
    assert page.status_code == 200
    assert "early-warning" in page.text and "预测预警" in page.text
    assert "个月内转红（概率" in page.text
    # The row's 督办 button: an amber task from a forecast, though the area is not red.
    fields = _dispatch_fields(page.json(), DRIFT.indicator, DRIFT.area_code)
    assert fields is not None
    assert fields["severity"] == "amber" and fields["origin"] == "forecast"
    fields["csrf_token"] = csrf_token(admin.get(f"{site.url}/login").text)
    made = admin.post(f"{site.url}/tasks/new", data=fields, allow_redirects=False)
    assert made.status_code == 303, made.text[:300]
    task_id = int(made.headers["Location"].split("/tasks/")[1].split("?")[0])
    task, _events = store.get(site.app.server.config["COCKPIT_SETTINGS"].app_db, task_id)
    assert (task.indicator_id, task.area_code, task.severity, task.origin) == (
        DRIFT.indicator,
        DRIFT.area_code,
        "amber",
        "forecast",
    )


def test_the_wall_shows_the_warning_and_each_tiles_forecast(site):
    app_db = site.app.server.config["COCKPIT_SETTINGS"].app_db
    token = accounts.add_token(app_db, DRIFT_STREET, 1)
    client = Cockpit(site.url, site.visitor({"token": token}))
    wall = client.spec("wall-state.data")
    version = client.http.get(f"{client.url}/api/health").json()["version"]
    state = {"index": -1, "paused": False, "version": version, "lang": "zh", "scene": False}
    answer = client.call(wall, [1, 0, 0, 0, 0], [state])
    assert answer.status_code == 200
    assert "个月内转红（概率" in answer.text
    assert "wall-tile-trend" in answer.text and FORECAST_SVG in answer.text


def test_the_brief_draws_each_indicators_year_and_forecast(site, people):
    visitor = site.visitor(people["district"])
    page = Cockpit(site.url, visitor).page(f"/brief/{DRIFT.area_code}")
    assert page.status_code == 200
    assert page.text.count("brief-trend") > 20
    assert FORECAST_SVG in page.text
    assert "个月内转红（概率" in page.text
    # An earlier month's brief has no forecast: it starts after the latest month only.
    earlier = Cockpit(site.url, visitor).page(f"/brief/{DRIFT.area_code}", "?period=2019-06")
    assert "brief-trend" in earlier.text and FORECAST_SVG not in earlier.text


def test_the_dictionary_says_how_accurate_each_indicators_forecasts_were(site, people):
    page = Cockpit(site.url, site.visitor(people["district"])).page("/indicators")
    assert page.status_code == 200
    text = page.text
    assert text.count("滚动回测 MASE") >= 30
    assert "优于季节朴素法，用于预警" in text and "未优于季节朴素法，不用于预警" in text
    assert "区间偏窄（80%区间只覆盖了" in text
    # A monitoring figure (the population) is forecast too, and says it is never warned of.
    assert "不设阈值，只预测、不预警" in text
    assert "规则：预计 3 个月内转红且概率 ≥ 80% 时预警" in text
