"""Figures as plain dicts, built from DataFrames. Pure: no I/O, no Dash.

The map is two ``choroplethmap`` traces over the same geometry: a grey base so every
area is drawn even without a value, and the value layer on top. Switching indicator only
changes the value layer's colours (``recolour``), so the geometry reaches the browser once.
The map style is ``white-bg``: no tile server, nothing fetched from the internet.

Over 300 lines: the map is one figure whose parts (ground, values, outline, labels, the
point layers' slots, hover) index into each other's traces; they are kept together so
that a slot's number is read in one place.
"""

from __future__ import annotations

import math

import pandas as pd
import shapely
import shapely.ops
from shapely.geometry import shape

from dashboard.drawing import fmt
from dashboard.drawing.charts import STATUS_COLOURS
from dashboard.drawing.point_layers import POINT_LAYERS, empty_points, note_slot
from dashboard.i18n import t

BASE_TRACE = 0  # the grey ground every shape is drawn on
VALUE_TRACE = 1  # index of the value layer in ``data``
# Value mode: the bad end is always the warm one, whichever way the indicator points.
_SCALES = {
    "higher_better": [[0, "#c23b3b"], [0.5, "#f3dc9a"], [1, "#2e8b62"]],
    "lower_better": [[0, "#2e8b62"], [0.5, "#f3dc9a"], [1, "#c23b3b"]],
    "neutral": [[0, "#e3edf9"], [0.5, "#86b2e0"], [1, "#1f5fa8"]],
    # The wall's map: areas by how many red values they have.
    "alerts": [[0, "#2e9d6a"], [0.35, "#e0a21e"], [1, "#d64545"]],
}
MAP_MODES = ("status", "value")
# Status mode: one flat colour per status, the same red, amber and green as everywhere.
STATUS_ORDER = ("green", "amber", "red")
_STATUS_SCALE = [
    [stop, STATUS_COLOURS[status]]
    for i, status in enumerate(STATUS_ORDER)
    for stop in (i / len(STATUS_ORDER), (i + 1) / len(STATUS_ORDER))
]
MAP_PIXELS = (760, 620)  # the map's size on a laptop; the wall screen is larger


def feature_collection(shapes: dict[str, dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {"code": code}, "geometry": geom}
            for code, geom in shapes.items()
        ],
    }


def _coords(geometry: dict) -> list[tuple[float, float]]:
    rings = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        rings = [rings]
    return [tuple(pt) for polygon in rings for ring in polygon for pt in ring]


def view(shapes: dict[str, dict]) -> dict:
    """Centre and zoom that fit every shape in the map's box (Web Mercator, 512 px tiles),
    and (``axes``) the zoom that fits each axis alone."""
    points = [pt for geom in shapes.values() for pt in _coords(geom)]
    if not points:
        return {"center": {"lon": 120.17, "lat": 30.29}, "zoom": 11, "axes": {}}
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(max(lons) - min(lons), 1e-4)
    y_span = max(merc(max(lats)) - merc(min(lats)), 1e-6)
    width, height = MAP_PIXELS
    zoom_x = math.log2(width * 0.92 * 360 / (512 * lon_span))
    zoom_y = math.log2(height * 0.92 * 2 * math.pi / (512 * y_span))
    return {
        "center": {"lon": (min(lons) + max(lons)) / 2, "lat": (min(lats) + max(lats)) / 2},
        "zoom": round(min(zoom_x, zoom_y), 2),
        # Each axis's own fit: the browser takes the smaller for the box the map really
        # has, so a tall district fills a wide wall panel's height (map_fit.js).
        "axes": {"zoom_x": round(zoom_x, 3), "zoom_y": round(zoom_y, 3)},
    }


def _status_label(status: object, lang: str) -> str:
    return t(f"status.{status}", lang) if isinstance(status, str) else ""


def _value_text(row: dict, indicator: dict, lang: str) -> str:
    return fmt.with_unit(row["value"], int(indicator["decimals"]), indicator[f"unit_{lang}"], lang)


def base_hover(codes: list[str], values: pd.DataFrame, indicator: dict, lang: str) -> list:
    """What the grey ground says of an area the value layer does not colour: its value and
    status where it has one (too few to judge, say), "<k" where the value is a small count
    kept back, "已隐藏" where it is hidden to protect one, "no data" elsewhere. Shape
    order: ``codes``."""
    rows = {r["code"]: r for r in values.to_dict("records")}
    out = []
    for c in codes:
        row = rows.get(c, {})
        if row.get("suppressed") is True:
            text = fmt.suppressed(indicator.get("suppress_below"), row.get("suppressed_kind"), lang)
        elif not fmt.missing(row.get("value")):
            text = f"{_value_text(row, indicator, lang)} {_status_label(row.get('status'), lang)}"
        else:
            text = t("map.nodata", lang)
        out.append([c, row.get(f"name_{lang}", c), text, "", ""])
    return out


def map_mode(values: pd.DataFrame, asked: str | None) -> str:
    """Status colouring unless value was asked for, or no area has a status to show (an
    indicator without thresholds)."""
    if asked == "value" or not values["status"].isin(STATUS_ORDER).any():
        return "value"
    return "status"


def recolour(
    values: pd.DataFrame,
    indicator: dict,
    lang: str,
    mode: str = "status",
    value_range: tuple[float, float] | None = None,
) -> dict:
    """The value layer's fields for one indicator: apply them to trace ``VALUE_TRACE``.
    ``status`` colours each area red, amber or green by the indicator's thresholds;
    ``value`` by the value itself, on ``value_range`` (every month's lowest and highest,
    so that months compare), warm where it is bad."""
    unit = indicator[f"unit_{lang}"]
    name_col = f"name_{lang}"
    if mode == "status":
        shown = values[values["status"].isin(STATUS_ORDER)]
    else:
        shown = values[values["value"].notna()]
    customdata = [
        [
            row["code"],
            row[name_col],
            _value_text(row, indicator, lang),
            _status_label(row["status"], lang),
            f"{int(row['rank'])}/{int(row['rank_of'])}" if not fmt.missing(row["rank"]) else "",
        ]
        for row in shown.to_dict("records")
    ]
    bar = {
        "thickness": 12,
        "len": 0.6,
        "x": 0.99,
        "xanchor": "right",
        "bgcolor": "rgba(255,255,255,0.8)",
    }
    if mode == "status":
        n = len(STATUS_ORDER)
        return {
            "locations": shown["code"].tolist(),
            "z": [STATUS_ORDER.index(s) for s in shown["status"]],
            "zmin": -0.5,
            "zmax": n - 0.5,
            "customdata": customdata,
            "colorscale": _STATUS_SCALE,
            "colorbar": {
                **bar,
                "title": {"text": t("map.mode.status", lang), "side": "top"},
                "tickmode": "array",
                "tickvals": list(range(n)),
                "ticktext": [t(f"status.{s}", lang) for s in STATUS_ORDER],
            },
            "name": indicator[name_col],
        }
    z = shown["value"].astype(float).tolist()
    lo, hi = value_range if value_range else ((min(z), max(z)) if z else (0.0, 1.0))
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    return {
        "locations": shown["code"].tolist(),
        "z": z,
        "zmin": lo,
        "zmax": hi,
        "customdata": customdata,
        "colorscale": _SCALES[indicator["direction"]],
        "colorbar": {
            **bar,
            "title": {"text": unit, "side": "top"},
            **fmt.axis([lo, hi], unit, lang, from_zero=False),
        },
        "name": indicator[name_col],
    }


# In English a map's names drop the level every one of them shares ("Wulin Subdistrict"
# is "Wulin" on the district's map): the long words would cover the neighbours.
_EN_LEVEL_WORDS = (" Subdistrict", " Community", " Park")


def map_names(values: pd.DataFrame, lang: str) -> dict[str, str]:
    names = dict(zip(values["code"], values[f"name_{lang}"], strict=True))
    if lang == "en":
        for word in _EN_LEVEL_WORDS:
            names = {c: n.removesuffix(word) for c, n in names.items()}
    return names


def labels(shapes: dict[str, dict], names: dict[str, str]) -> list[dict]:
    """Where each area's name goes: the pole of inaccessibility of its largest part (the
    point farthest inside it, where a label has the most room), and its west and east
    ends, from which the browser sizes the label to fit."""
    out = []
    for code, geometry in shapes.items():
        geom = shape(geometry)
        parts = getattr(geom, "geoms", [geom])
        largest = max(parts, key=lambda g: g.area)
        point = shapely.ops.polylabel(largest, tolerance=1e-5)
        west, _, east, _ = largest.bounds
        out.append(
            {
                "code": code,
                "text": names.get(code, code),
                "lon": round(point.x, 6),
                "lat": round(point.y, 6),
                "west": round(west, 6),
                "east": round(east, 6),
            }
        )
    return out


def map_figure(
    shapes: dict[str, dict],
    values: pd.DataFrame,
    indicator: dict,
    lang: str,
    highlight: str | None = None,
    geojson_url: str | None = None,
    mode: str = "status",
    value_range: tuple[float, float] | None = None,
) -> dict:
    """The children map: every shape drawn, coloured by ``indicator`` where it has a value;
    ``highlight`` (the area whose page this is, among its siblings) gets a dark outline.
    With ``geojson_url`` the figure names the geometry by URL instead of carrying it: the
    browser fetches it once and keeps it in its HTTP cache for every later page."""
    geojson = geojson_url or feature_collection(shapes)
    codes = list(shapes)
    base = {
        "type": "choroplethmap",
        "geojson": geojson,
        "featureidkey": "properties.code",
        "locations": codes,
        "z": [0] * len(codes),
        "colorscale": [[0, "#e6e8eb"], [1, "#e6e8eb"]],
        "showscale": False,
        "marker": {"line": {"color": "#ffffff", "width": 1.2}},
        "customdata": base_hover(codes, values, indicator, lang),
        "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>",
    }
    layer = {
        "type": "choroplethmap",
        "geojson": geojson,
        "featureidkey": "properties.code",
        "marker": {"line": {"color": "#ffffff", "width": 1.2}, "opacity": 0.92},
        "hovertemplate": (
            "<b>%{customdata[1]}</b><br>%{customdata[2]}"
            "<br>%{customdata[3]} %{customdata[4]}<extra></extra>"
        ),
        **recolour(values, indicator, lang, mode, value_range),
    }
    outline = {
        "type": "choroplethmap",
        "geojson": geojson,
        "featureidkey": "properties.code",
        "locations": [highlight] if highlight in shapes else [],
        "z": [0] if highlight in shapes else [],
        "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        "showscale": False,
        # Dark and light at once, so the outline shows on the day and the wall's dark theme.
        "marker": {"line": {"color": "#ffd23f", "width": 4}},
        "hoverinfo": "skip",
    }
    traces = [base, layer, outline, *(empty_points(name) for name in POINT_LAYERS)]
    fitted = view(shapes)
    axes = fitted.pop("axes")
    return {
        "data": traces,
        "layout": {
            "map": {"style": "white-bg", **fitted},
            # The zoom fits a box of MAP_PIXELS; map_fit.js scales it to the real box.
            "meta": {
                "fit": {
                    "zoom": fitted["zoom"],
                    "zoom_x": axes.get("zoom_x", fitted["zoom"]),
                    "zoom_y": axes.get("zoom_y", fitted["zoom"]),
                    "width": MAP_PIXELS[0],
                    "height": MAP_PIXELS[1],
                },
                # Names drawn by map_fit.js as HTML over the map: MapLibre's own text
                # labels would fetch glyphs from the internet.
                "labels": labels(shapes, map_names(values, lang)),
            },
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "paper_bgcolor": "rgba(0,0,0,0)",
            # One note slot per point layer, in POINT_LAYERS' order (``outside_note``).
            "annotations": [note_slot(i) for i in range(len(POINT_LAYERS))],
            "hoverlabel": {"font": {"size": 14}},
            "uirevision": "map",
            "dragmode": False,
        },
    }


def alert_map_values(counts: pd.DataFrame) -> pd.DataFrame:
    """Areas' alerts as map values: how many need attention, coloured by the worst status
    among their values."""
    out = counts[["code", "name_zh", "name_en"]].copy()
    out["value"] = counts["alerts"].astype(float)
    out["status"] = [
        "red" if r > 0 else ("amber" if a > 0 else "green")
        for r, a in zip(counts["red"], counts["amber"], strict=True)
    ]
    out["rank"] = range(1, len(out) + 1)
    out["rank_of"] = len(out)
    return out
