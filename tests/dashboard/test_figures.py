"""Figures are plain dicts built from DataFrames: the map a user sees, before a browser."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import figures

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
    assert [p["visible"] for p in points] == [False] * len(figures.POINT_LAYERS)
    assert base["locations"] == ["330103001000", "330103002000"]
    assert len(base["geojson"]["features"]) == 2
    assert layer["locations"] == ["330103001000"]
    assert layer["customdata"][0][:4] == ["330103001000", "长庆街道", "36.2%", "正常"]
    assert base["customdata"][1][2] == "无数据"
    assert fig["layout"]["map"]["style"] == "white-bg"  # no tile server


def test_recolour_changes_colours_not_geometry():
    update = figures.recolour(_values(30.0), INDICATOR, "en")
    assert "geojson" not in update
    assert update["z"] == [36.25, 30.0]
    assert update["customdata"][1][1:4] == ["Wulin Subdistrict", "30.0%", ""]
    assert update["zmin"] == 30.0 and update["zmax"] == 36.25


def test_view_fits_the_shapes():
    view = figures.view({"a": SQUARE, "b": NEXT})
    assert view["center"] == {"lon": pytest.approx(120.2), "lat": pytest.approx(30.25)}
    assert 9 < view["zoom"] < 12


def test_the_current_area_is_outlined_among_its_siblings():
    shapes = {"330103001000": SQUARE, "330103002000": NEXT}
    fig = figures.map_figure(shapes, _values(30.0), INDICATOR, "zh", highlight="330103002000")
    assert len(fig["data"]) == 3 + len(figures.POINT_LAYERS)
    outlined = [t for t in fig["data"] if t.get("hoverinfo") == "skip" and t.get("locations")]
    assert len(outlined) == 1 and outlined[0]["locations"] == ["330103002000"]
    assert fig["data"][figures.VALUE_TRACE]["z"] == [36.25, 30.0]


def test_a_point_layer_fills_its_own_trace_flagged_points_larger():
    points = pd.DataFrame(
        {
            "lon": [120.16, 120.17],
            "lat": [30.27, 30.28],
            "label": ["城市管理", "教育"],
            "value": [5.0, None],
            "flag": [False, True],
        }
    )
    trace = figures.points_trace(points, "hotline", "zh")
    assert trace["visible"] is True and trace["lon"] == [120.16, 120.17]
    assert trace["marker"]["size"][1] > trace["marker"]["size"][0]
    assert trace["customdata"][1] == ["教育", "—", "含未办结工单"]
    assert "12345工单" in trace["hovertemplate"]
