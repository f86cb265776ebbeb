"""The 3D scene (``/3d``) as data for ``assets/scene3d.js``: what the scene shows of an
area (its children tinted by status, their names and figures, the facilities, where the
buildings are and how many), and the buildings' compact wire format. Pure: rows in,
dicts out."""

from __future__ import annotations

import orjson
import pandas as pd

from dashboard.drawing import fmt
from dashboard.drawing.charts import NO_STATUS, STATUS_COLOURS
from dashboard.drawing.point_layers import binned
from dashboard.i18n import t

# Facilities as columns: each layer its colour (the 2D map's) and height in metres; a
# flagged one is red and taller, so that it stands out from any angle.
POINT_STYLE = {
    "hotline": ("#1f5fa8", 60),
    "elevators": ("#b0359a", 45),
    "parking": ("#0f8a7e", 40),
    "kitchens": ("#8a5a1c", 35),
}
FLAGGED = ("#d64545", 2.2)
# Buildings loaded for the areas in view (past ``scene_eager_buildings``) wait for a view
# this close: a few streets across a screen.
LAZY_MIN_ZOOM = 13.0


def building_payload(rows: pd.DataFrame) -> bytes:
    """Buildings as compact JSON: the communities named once; for each footprint part its
    height, floors, community (as an index) and its ring as whole millionths of a degree,
    the first vertex from ``origin`` and each next one from the one before it. About a
    third of the size of GeoJSON, before compression."""
    codes = sorted(set(rows["community_code"]))
    index = {code: i for i, code in enumerate(codes)}
    heights, floors, community, rings = [], [], [], []
    origin: list[int] | None = None
    for code, height, count, outline in rows.itertuples(index=False, name=None):
        for ring in orjson.loads(outline):
            if origin is None:
                origin = ring[:2]
            deltas = [ring[0] - origin[0], ring[1] - origin[1]]
            deltas += [ring[i] - ring[i - 2] for i in range(2, len(ring))]
            heights.append(round(float(height), 1))
            floors.append(None if pd.isna(count) else int(count))
            community.append(index[code])
            rings.append(deltas)
    payload = {
        "version": 1,
        "quantum": 1e-6,
        "origin": origin or [0, 0],
        "communities": codes,
        "height": heights,
        "floors": floors,
        "community": community,
        "rings": rings,
    }
    return orjson.dumps(payload)


def building_geojson(rows: pd.DataFrame, names: dict[str, str]) -> bytes:
    """Buildings as a GeoJSON FeatureCollection, for MapLibre to fetch and cut into tiles in
    its worker: each footprint part numbered, with its height (``h``), floors (``f``) and
    community's name (``c``), at the outline's precision (a millionth of a degree)."""
    features = []
    for code, height, count, outline in rows.itertuples(index=False, name=None):
        props = {
            "h": round(float(height), 1),
            "f": None if pd.isna(count) else int(count),
            "c": names.get(code, code),
        }
        for ring in orjson.loads(outline):
            points = [[ring[i] / 1e6, ring[i + 1] / 1e6] for i in range(0, len(ring), 2)]
            points.append(points[0])
            features.append(
                {"type": "Feature", "id": len(features), "properties": props,
                 "geometry": {"type": "Polygon", "coordinates": [points]}}
            )  # fmt: skip
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def area_items(values: pd.DataFrame, indicator: dict, centroids: dict, hrefs: dict, lang: str):
    """Each child area of the scene: its name, status (colour and word), value as the
    page shows it, where its name stands, and the scene it drills down to."""
    items = []
    unit = indicator.get(f"unit_{lang}") or ""
    for row in values.to_dict("records"):
        status = row["status"] if row["status"] in STATUS_COLOURS else None
        if row["suppressed"]:
            value = t("value.hidden", lang)
        elif fmt.missing(row["value"]):
            value = "—"
        else:
            value = fmt.with_unit(row["value"], int(indicator.get("decimals") or 0), unit, lang)
        items.append(
            {
                "code": row["code"],
                "name": row[f"name_{lang}"],
                "status": status,
                "status_text": t(f"status.{status}", lang)
                if status
                else t("scene.no_status", lang),
                "colour": STATUS_COLOURS[status] if status else NO_STATUS,
                "value": value,
                "at": centroids.get(row["code"]),
                "href": hrefs[row["code"]],
            }
        )
    return items


def point_items(layer: str, points: pd.DataFrame, lang: str) -> dict:
    """One facility layer as columns: binned as on the 2D map, each with its label, value
    and whether it is flagged (withheld values never shown)."""
    colour, height = POINT_STYLE[layer]
    points = binned(points, layer) if len(points) else points.assign(merged=[])
    items = []
    for row in points.to_dict("records"):
        withheld = bool(row.get("withheld"))
        flagged = bool(row.get("flag")) and not withheld
        merged = int(row.get("merged") or 1)
        items.append(
            {
                "lon": float(row["lon"]),
                "lat": float(row["lat"]),
                "label": row["label"] if merged == 1 else t("points.merged", lang, n=merged),
                "value": t("value.hidden", lang) if withheld else fmt.number(row["value"], 1),
                "flag": t(f"points.{layer}.flag", lang) if flagged else "",
                "colour": FLAGGED[0] if flagged else colour,
                "height": height * (FLAGGED[1] if flagged else 1),
            }
        )
    return {
        "layer": layer,
        "name": t(f"points.{layer}", lang),
        "value_name": t(f"points.{layer}.value", lang),
        "colour": colour,
        "items": items,
    }


def count_text(count: int, synthetic: bool, lang: str) -> str:
    """What the scene says it shows: 建筑 12,345 栋, and 示意 while the buildings are the
    demo's."""
    text = t("scene.buildings", lang, n=f"{count:,}")
    return f"{text} · {t('scene.synthetic', lang)}" if synthetic and count else text
