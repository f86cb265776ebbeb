"""Figures are plain dicts built from DataFrames: the map a user sees, before a browser."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.drawing import figures, point_layers
from dashboard.drawing.charts import STATUS_COLOURS

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[120.10, 30.20], [120.20, 30.20], [120.20, 30.30], [120.10, 30.30], [120.10, 30.20]]
    ],
}
NEXT = {
    "type": "Polygon",
    "coordinates": [
        [[120.20, 30.20], [120.30, 30.20], [120.30, 30.30], [120.20, 30.30], [120.20, 30.20]]
    ],
}
INDICATOR = {
    "indicator_id": "family_doctor_coverage", "name_zh": "家庭医生签约率", "name_en": "Family-doctor coverage",
    "unit_zh": "%", "unit_en": "%", "decimals": 1, "direction": "higher_better",
}  # fmt: skip


def _values(second_value: float | None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["330103001000", "330103002000"],
            "name_zh": ["长庆街道", "武林街道"],
            "name_en": ["Changqing Subdistrict", "Wulin Subdistrict"],
            "value": [36.25, second_value],
            "status": ["green", None],
            "rank": [1, None],
            "rank_of": [1, None],
        }
    )


def test_every_area_is_drawn_and_only_valued_ones_are_coloured():
    shapes = {"330103001000": SQUARE, "330103002000": NEXT}
    fig = figures.map_figure(shapes, _values(None), INDICATOR, "zh")
    base, layer, outline, *points = fig["data"]
    assert outline["locations"] == []  # no area of this page among them
    # The point layers' slots are there, empty and hidden until switched on.
    assert [p["visible"] for p in points] == [False] * len(point_layers.POINT_LAYERS)
    assert base["locations"] == ["330103001000", "330103002000"]
    assert len(base["geojson"]["features"]) == 2
    assert layer["locations"] == ["330103001000"]
    assert layer["customdata"][0][:4] == ["330103001000", "长庆街道", "36.2%", "正常"]
    assert base["customdata"][1][2] == "无数据"
    assert fig["layout"]["map"]["style"] == "white-bg"  # no tile server


def test_recolour_by_value_changes_colours_not_geometry():
    update = figures.recolour(_values(30.0), INDICATOR, "en", mode="value")
    assert "geojson" not in update
    assert update["z"] == [36.25, 30.0]
    assert update["customdata"][1][1:4] == ["Wulin Subdistrict", "30.0%", ""]
    assert update["zmin"] == 30.0 and update["zmax"] == 36.25


def test_status_mode_paints_the_status_colours_used_everywhere():
    values = _values(30.0).assign(status=["red", "green"])
    update = figures.recolour(values, INDICATOR, "zh", mode="status")
    assert update["locations"] == ["330103001000", "330103002000"]
    # Each z falls in the colour scale's band of its status colour.
    for z, status in zip(update["z"], ["red", "green"], strict=True):
        share = (z - update["zmin"]) / (update["zmax"] - update["zmin"])
        scale = update["colorscale"]
        (_, low), (_, high) = next(
            (a, b)
            for a, b in zip(scale, scale[1:], strict=False)
            if a[0] < b[0] and a[0] <= share <= b[0]
        )
        assert low == high == STATUS_COLOURS[status]
    assert update["colorbar"]["ticktext"] == ["正常", "关注", "预警"]
    # Without any status (an indicator without thresholds) the map colours by value.
    assert figures.map_mode(_values(30.0).assign(status=None), None) == "value"
    assert figures.map_mode(values, None) == "status"
    assert figures.map_mode(values, "value") == "value"


def test_value_mode_keeps_a_fixed_range_and_puts_bad_at_the_warm_end():
    months = [_values(30.0), _values(33.0).assign(value=[31.0, 33.0])]
    ranges = [
        figures.recolour(v, INDICATOR, "zh", mode="value", value_range=(20.0, 40.0)) for v in months
    ]
    assert {(r["zmin"], r["zmax"]) for r in ranges} == {(20.0, 40.0)}
    lower = {**INDICATOR, "direction": "lower_better"}
    high_is_bad = figures.recolour(_values(30.0), lower, "zh", mode="value")["colorscale"]
    low_is_bad = ranges[0]["colorscale"]
    warm = low_is_bad[0][1]
    assert high_is_bad[-1][1] == warm and int(warm[1:3], 16) > int(warm[5:7], 16)


def test_every_area_gets_its_name_placed_inside_it():
    shapes = {"330103001000": SQUARE, "330103002000": NEXT}
    fig = figures.map_figure(shapes, _values(30.0), INDICATOR, "zh")
    labels = fig["layout"]["meta"]["labels"]
    assert [x["text"] for x in labels] == ["长庆街道", "武林街道"]
    first = labels[0]
    assert 120.10 < first["lon"] < 120.20 and 30.20 < first["lat"] < 30.30
    assert (first["west"], first["east"]) == (120.10, 120.20)


def test_points_outside_their_area_are_not_drawn():
    points = pd.DataFrame(
        {"shown_in": ["330103001000", "330103001000", "330103002000"],
         "lon": [120.15, 120.25, 120.25], "lat": [30.25, 30.25, 30.25]}
    )  # fmt: skip
    kept = point_layers.inside(points, {"330103001000": SQUARE, "330103002000": NEXT})
    assert kept.index.tolist() == [0, 2]  # the second lies in the other square
    note = point_layers.outside_note("elevators", 1, "zh")
    # The note says what is wrong and what to do about it.
    assert note["visible"] is True and note["text"].startswith("电梯：1 个点位落在所属区域的边界外")
    assert "坐标系" in note["text"] and "cockpit areas import --crs" in note["text"]


def test_dense_points_are_binned_and_nothing_is_lost():
    n = 1000
    points = pd.DataFrame(
        {
            "lon": [120.10 + (i % 40) * 0.0025 for i in range(n)],
            "lat": [30.20 + (i // 40) * 0.0025 for i in range(n)],
            "label": "x", "value": 2.0, "flag": [i == 7 for i in range(n)],
            "withheld": [i == 500 for i in range(n)],
        }
    )  # fmt: skip
    out = point_layers.binned(points, "elevators", limit=150)
    assert len(out) <= 150 and out["merged"].sum() == n
    assert out["value"].sum() == 2.0 * n and out["flag"].sum() == 1
    # A bin with a withheld point in it is withheld: its sum would pass for the whole.
    assert out["withheld"].sum() == 1
    # Each bin is drawn at one of its own points, never between them.
    assert set(zip(out["lon"], out["lat"], strict=True)) <= set(
        zip(points["lon"], points["lat"], strict=True)
    )
    assert len(point_layers.binned(points.head(100), "elevators", limit=150)) == 100


def test_view_fits_the_shapes():
    view = figures.view({"a": SQUARE, "b": NEXT})
    assert view["center"] == {"lon": pytest.approx(120.2), "lat": pytest.approx(30.25)}
    assert 9 < view["zoom"] < 12


def test_the_current_area_is_outlined_among_its_siblings():
    shapes = {"330103001000": SQUARE, "330103002000": NEXT}
    fig = figures.map_figure(
        shapes, _values(30.0), INDICATOR, "zh", highlight="330103002000", mode="value"
    )
    assert len(fig["data"]) == 3 + len(point_layers.POINT_LAYERS)
    outlined = [t for t in fig["data"] if t.get("hoverinfo") == "skip" and t.get("locations")]
    assert len(outlined) == 1 and outlined[0]["locations"] == ["330103002000"]
    assert fig["data"][figures.VALUE_TRACE]["z"] == [36.25, 30.0]


def test_a_point_layer_fills_its_own_trace_flagged_points_larger():
    points = pd.DataFrame(
        {
            "lon": [120.16, 120.17, 120.18],
            "lat": [30.27, 30.28, 30.29],
            "label": ["城市管理", "教育", "阳光厨房"],
            "value": [5.0, None, None],
            "flag": [False, True, None],
            "withheld": [False, False, True],
        }
    )
    trace = point_layers.points_trace(points, "hotline", "zh")
    assert trace["visible"] is True and trace["lon"] == [120.16, 120.17, 120.18]
    assert trace["marker"]["size"][1] > trace["marker"]["size"][0]
    assert trace["customdata"][1] == ["教育", "—", "5件以上未办结"]
    # A withheld point says so, and is never drawn as flagged.
    assert trace["customdata"][2] == ["阳光厨房", "已隐藏", ""]
    assert trace["marker"]["size"][2] == trace["marker"]["size"][0]
    assert "12345工单" in trace["hovertemplate"]
