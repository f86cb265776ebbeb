"""Point layers on a map (hotline cells, elevators, car parks, kitchens): their fixed
trace slots, colours and marks, which points are drawn (inside their area, binned when
dense), and each layer's note of points left out. Pure: DataFrames in, trace dicts out."""

from __future__ import annotations

import math

import pandas as pd
import shapely
from shapely.geometry import shape

from dashboard.drawing import fmt
from dashboard.i18n import t

# Point layers sit in fixed slots after the areas, empty until switched on, so that a
# toggle is a partial update of one trace and the geometry is never sent again.
POINT_LAYERS = ("hotline", "elevators", "parking", "kitchens")
# After the map's three area traces (ground, values, outline): figures.map_figure.
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

# A dot, a ring, a dot in a white ring, a dot in a dark ring: MapLibre draws points as
# circles only (its symbols need sprite and glyph files from the internet).
MARKS = {"hotline": "dot", "elevators": "ring", "parking": "halo", "kitchens": "rim"}


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


def note_slot(i: int) -> dict:
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
    flagged if any is; withheld if any is (a sum of the others would be a part passed off
    as the whole). Hand-written: MapLibre's own clustering labels its circles with
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
        out["withheld"] = groups["withheld"].any().to_numpy()
        out["merged"] = groups.size().to_numpy()
        cell *= 2
    return out.reset_index(drop=True)


def points_trace(points: pd.DataFrame, layer: str, lang: str) -> dict:
    """The fields of one point layer's trace: apply them to ``POINT_TRACE[layer]``."""
    usual, flagged = _POINT_COLOURS[layer]
    points = binned(points, layer)
    withheld = points["withheld"].fillna(False).astype(bool).tolist()
    flags = [
        bool(f) and not w
        for f, w in zip(points["flag"].fillna(False).astype(bool), withheld, strict=True)
    ]
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
                t("value.hidden", lang) if w else fmt.number(value, 1),
                flag_text if f else "",
            ]
            for label, value, f, n, w in zip(
                points["label"], points["value"], flags, merged, withheld, strict=True
            )
        ],
        "hovertemplate": (
            f"<b>{t(f'points.{layer}', lang)}</b><br>%{{customdata[0]}}"
            f"<br>{t(f'points.{layer}.value', lang)}: %{{customdata[1]}}"
            "<br>%{customdata[2]}<extra></extra>"
        ),
    }
