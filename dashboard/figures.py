"""Figures as plain dicts, built from DataFrames. Pure: no I/O, no Dash.

The map is two ``choroplethmap`` traces over the same geometry: a grey base so every
area is drawn even without a value, and the value layer on top. Switching indicator only
changes the value layer's colours (``recolour``), so the geometry reaches the browser once.
The map style is ``white-bg``: no tile server, nothing fetched from the internet.
"""

from __future__ import annotations

import math

import pandas as pd
import shapely
import shapely.ops
from shapely.geometry import shape

from dashboard import fmt
from dashboard.charts import STATUS_COLOURS
from dashboard.i18n import t

BASE_TRACE = 0  # the grey ground every shape is drawn on
VALUE_TRACE = 1  # index of the value layer in ``data``
# Point layers sit in fixed slots after the areas, empty until switched on, so that a
# toggle is a partial update of one trace and the geometry is never sent again.
POINT_LAYERS = ("hotline", "elevators", "parking", "kitchens")
POINT_TRACE = {layer: 3 + i for i, layer in enumerate(POINT_LAYERS)}
# (usual, flagged): four hues far apart (blue, magenta, teal, brown), so that no two
# layers are confused; a flagged point is red and larger. Each layer also has its own
# mark (MARKS, drawn by map_fit.js), so that they differ for a colour-blind eye too.
# style.css draws the legend's marks the same way.
_POINT_COLOURS = {
    "hotline": ("#1f5fa8", "#d64545"),
    "elevators": ("#b0359a", "#d64545"),
    "parking": ("#0f8a7e", "#d64545"),
    "kitchens": ("#8a5a1c", "#d64545"),
}

# Value mode: the bad end is always the warm one, whichever way the indicator points.
# A dot, a ring, a dot in a white ring, a dot in a dark ring: MapLibre draws points as
# circles only (its symbols need sprite and glyph files from the internet).
MARKS = {"hotline": "dot", "elevators": "ring", "parking": "halo", "kitchens": "rim"}

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
    """Centre and zoom that fit every shape in the map's box (Web Mercator, 512 px tiles)."""
    points = [pt for geom in shapes.values() for pt in _coords(geom)]
    if not points:
        return {"center": {"lon": 120.17, "lat": 30.29}, "zoom": 11}
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
    }


def _status_label(status: object, lang: str) -> str:
    return t(f"status.{status}", lang) if isinstance(status, str) else ""


def _value_text(row: dict, indicator: dict, lang: str) -> str:
    return fmt.with_unit(row["value"], int(indicator["decimals"]), indicator[f"unit_{lang}"], lang)


def base_hover(codes: list[str], values: pd.DataFrame, indicator: dict, lang: str) -> list:
    """What the grey ground says of an area the value layer does not colour: its value and
    status where it has one (too few to judge, say), "<k" where the value is a small count
    kept back, "no data" elsewhere. Shape order: ``codes``."""
    rows = {r["code"]: r for r in values.to_dict("records")}
    small = fmt.suppressed(indicator.get("suppress_below"))
    out = []
    for c in codes:
        row = rows.get(c, {})
        if row.get("suppressed") is True:
            text = small
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
    return {
        "data": traces,
        "layout": {
            "map": {"style": "white-bg", **fitted},
            # The zoom fits a box of MAP_PIXELS; map_fit.js scales it to the real box.
            "meta": {
                "fit": {"zoom": fitted["zoom"], "width": MAP_PIXELS[0], "height": MAP_PIXELS[1]},
                # Names drawn by map_fit.js as HTML over the map: MapLibre's own text
                # labels would fetch glyphs from the internet.
                "labels": labels(shapes, map_names(values, lang)),
            },
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "paper_bgcolor": "rgba(0,0,0,0)",
            # One note slot per point layer, in POINT_LAYERS' order (``outside_note``).
            "annotations": [_note_slot(i) for i in range(len(POINT_LAYERS))],
            "hoverlabel": {"font": {"size": 14}},
            "uirevision": "map",
            "dragmode": False,
        },
    }


def empty_points(layer: str) -> dict:
    return {
        "type": "scattermap",
        "mode": "markers",
        "lon": [],
        "lat": [],
        "visible": False,
        "name": layer,
        "showlegend": False,
    }


def outside_note(layer: str, count: int, lang: str) -> dict:
    """The map's note, in layer ``layer``'s annotation slot, of its points left undrawn
    because their coordinates fall outside their area: a data problem to see, not hide."""
    text = t("points.outside", lang, layer=t(f"points.{layer}", lang), n=count) if count else ""
    return {"text": text, "visible": bool(count)}


def _note_slot(i: int) -> dict:
    return {
        "text": "",
        "visible": False,
        "xref": "paper",
        "yref": "paper",
        "x": 0.99,
        "y": 0.01 + 0.05 * i,
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12, "color": "#8a5a00"},
        "bgcolor": "rgba(255,246,224,0.92)",
    }


def inside(points: pd.DataFrame, shapes: dict[str, dict]) -> pd.DataFrame:
    """The points that fall inside the polygon of the map area they belong under
    (``shown_in``): a point placed outside its own area is a bad coordinate, and drawn
    there it would say the wrong place."""
    if points.empty:
        return points
    keep = pd.Series(False, index=points.index)
    for code, rows in points.groupby("shown_in"):
        if code in shapes:
            polygon = shape(shapes[code])
            keep[rows.index] = shapely.contains_xy(
                polygon, rows["lon"].to_numpy(float), rows["lat"].to_numpy(float)
            )
    return points[keep]


# More points than this on one map are binned (the district's 1,400 lifts would cover it).
MAX_POINTS = 150
# Layers whose values add up when points are binned (counts); the others are averaged.
_SUMMED = {"hotline", "elevators", "kitchens"}


def binned(points: pd.DataFrame, layer: str, limit: int = MAX_POINTS) -> pd.DataFrame:
    """At most ``limit`` points: past it, points are gathered into square cells, doubled
    in size until few enough. Each cell is drawn at its most central real point (so still
    inside an area), with how many it holds (``merged``), their summed or mean value and
    flagged if any is. Hand-written: MapLibre's own clustering labels its circles with
    text, which needs glyphs from the internet."""
    out = points.assign(merged=1)
    cell = 0.002
    while len(out) > limit:
        keys = [(points["lon"] // cell), (points["lat"] // cell)]
        groups = points.groupby(keys, sort=True)
        centre = groups[["lon", "lat"]].transform("mean")
        distance = (points["lon"] - centre["lon"]) ** 2 + (points["lat"] - centre["lat"]) ** 2
        nearest = distance.groupby(keys).idxmin()
        out = points.loc[nearest.to_numpy()].copy()
        values = groups["value"].sum(min_count=1) if layer in _SUMMED else groups["value"].mean()
        out["value"] = values.to_numpy()
        out["flag"] = groups["flag"].any().to_numpy()
        out["merged"] = groups.size().to_numpy()
        cell *= 2
    return out.reset_index(drop=True)


def points_trace(points: pd.DataFrame, layer: str, lang: str) -> dict:
    """The fields of one point layer's trace: apply them to ``POINT_TRACE[layer]``."""
    usual, flagged = _POINT_COLOURS[layer]
    points = binned(points, layer)
    flags = points["flag"].fillna(False).astype(bool).tolist()
    merged = points["merged"].astype(int).tolist()
    flag_text = t(f"points.{layer}.flag", lang)
    return {
        "lon": points["lon"].astype(float).tolist(),
        "lat": points["lat"].astype(float).tolist(),
        "visible": True,
        "meta": {"mark": MARKS[layer]},
        "marker": {
            # A bin is larger with more points in it; a flagged point is larger and red.
            "size": [
                (11 if f else 7) + 2.5 * math.sqrt(n - 1)
                for f, n in zip(flags, merged, strict=True)
            ],
            "color": [flagged if f else usual for f in flags],
            "opacity": 0.85,
        },
        "customdata": [
            [
                label if n == 1 else t("points.merged", lang, n=n),
                fmt.number(value, 1),
                flag_text if f else "",
            ]
            for label, value, f, n in zip(
                points["label"], points["value"], flags, merged, strict=True
            )
        ],
        "hovertemplate": (
            f"<b>{t(f'points.{layer}', lang)}</b><br>%{{customdata[0]}}"
            f"<br>{t(f'points.{layer}.value', lang)}: %{{customdata[1]}}"
            "<br>%{customdata[2]}<extra></extra>"
        ),
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
