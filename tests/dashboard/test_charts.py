"""Pure chart builders: what the cards' sparklines, the rankings and the wall's map say."""

from __future__ import annotations

from urllib.parse import unquote

import pandas as pd

from dashboard.drawing import charts, figures, fmt


def test_twelve_months_end_with_the_period_across_a_year_boundary():
    months = fmt.months_back("2019-02", 12)
    assert months[0] == "2018-03" and months[-1] == "2019-02" and len(months) == 12


def test_a_sparkline_breaks_where_a_month_is_missing_and_marks_the_last_value():
    svg = unquote(charts.sparkline([1.0, 2.0, None, 3.0, 4.0], "good"))
    assert svg.startswith("data:image/svg+xml")
    assert svg.count("<polyline") == 2  # two runs around the gap
    assert svg.count("<circle") == 1
    assert "#2e9d6a" in svg  # good: green
    assert charts.sparkline([None, 5.0], "flat") == ""  # one value draws no line


def test_sparkline_colour_follows_the_indicator_s_direction():
    history = pd.DataFrame(
        {
            "indicator_id": ["cases"] * 3 + ["rate"] * 3,
            "period": ["2019-10", "2019-11", "2019-12"] * 2,
            "value": [10.0, 12.0, 15.0, 80.0, 85.0, 90.0],
        }
    )
    months = fmt.months_back("2019-12", 12)
    lines = charts.card_sparklines(
        history, {"cases": "lower_better", "rate": "higher_better"}, months
    )
    assert "#d64545" in unquote(lines["cases"])  # cases rose: bad
    assert "#2e9d6a" in unquote(lines["rate"])  # the rate rose: good


def test_the_ranking_puts_the_best_first_and_leaves_out_areas_without_a_value():
    rows = pd.DataFrame(
        {
            "code": ["a", "b", "c"],
            "name_zh": ["甲", "乙", "丙"],
            "name_en": ["A", "B", "C"],
            "value": [5.0, 9.0, None],
            "status": ["red", "green", None],
            "rank": [2, 1, None],
        }
    )
    indicator = {"decimals": 1, "unit_zh": "%", "unit_en": "%"}
    dots = charts.ranking_figure(rows, indicator, "zh")["data"][1]
    assert dots["y"] == ["乙", "甲"] and dots["x"] == [9.0, 5.0]
    assert dots["text"] == ["9.0%", "5.0%"]
    assert dots["marker"]["color"] == [charts.STATUS_COLOURS["green"], charts.STATUS_COLOURS["red"]]


def test_the_wall_maps_each_areas_alerts_coloured_by_its_worst_status():
    counts = pd.DataFrame(
        {
            "code": ["a", "b", "c"],
            "name_zh": ["甲", "乙", "丙"],
            "name_en": ["A", "B", "C"],
            "red": [3, 0, 0],
            "amber": [1, 2, 0],
            "alerts": [2, 1, 0],
        }
    )
    values = figures.alert_map_values(counts)
    assert values["value"].tolist() == [2.0, 1.0, 0.0]
    assert values["status"].tolist() == ["red", "amber", "green"]
