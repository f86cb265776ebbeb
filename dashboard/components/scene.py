"""What the 3D scene of one area shows, read for the caller's scope and kept under the
published version (``answers.remembered``): its children tinted by an indicator's status,
the facilities of the 2D map's point layers, and where its buildings are. The browser
(``assets/scene3d.js``) draws it; nothing in it is trusted back."""

from __future__ import annotations

import shapely
from shapely.geometry import shape

from dashboard.access import scope
from dashboard.caching import answers
from dashboard.components.map_panel import geometry_url
from dashboard.drawing import figures, point_layers
from dashboard.drawing import scene as drawing
from dashboard.i18n import name, t
from dashboard.reading import attention, buildings, data, insights, warehouse
from dashboard.urls import buildings_href, geometry_href, scene_href


def _bounds(shapes: dict[str, dict], only: str | None = None) -> list[float] | None:
    geoms = [shape(g) for code, g in shapes.items() if only is None or code == only]
    if not geoms:
        return None
    return [round(float(v), 6) for v in shapely.GeometryCollection(geoms).bounds]


def _chunks(area: dict, values, leaf: bool, version: str, root: str) -> list[dict]:
    """The scene's buildings in pieces, one per child area (the area itself for a leaf),
    each with its extent: what a city's scene loads for the areas in view."""
    pieces = [area] if leaf else [data.area(code) for code in values["code"]]
    found = buildings.chunks([p for p in pieces if p is not None])
    return [
        {"url": geometry_href(version, root, c.code, "building"), "bounds": c.bounds,
         "count": int(c.count)}
        for c in found.itertuples()
    ]  # fmt: skip


def _labels(indicator: dict, lang: str) -> dict[str, str]:
    """The words the scene's tips use (assets/scene3d.js)."""
    labels = {key: t(f"scene.{key}", lang) for key in ("floors", "height", "building")}
    labels["indicator"] = name(indicator, lang)
    return labels


def _area_part(area: dict, indicator: dict, period: str, lang: str, alerts: bool):
    """The scene's areas (the map's children of ``area``): their shapes' URL, each one's
    name, status, value, label position and scene link; with the values and shapes read."""
    parent, child_level = data.map_areas(area)
    shapes = data.shapes(parent, child_level)
    if alerts:
        counts = attention.alert_counts(parent, child_level, period)
        values = figures.alert_map_values(counts).assign(suppressed=False)
    else:
        values = data.map_values(parent, child_level, indicator["indicator_id"], period)
    codes = values["code"].tolist()
    hrefs = {
        row["code"]: scene_href(row["level"], row["code"], lang, indicator.get("indicator_id"))
        for row in [data.area(code) or {"code": code, "level": child_level} for code in codes]
    }
    part = {
        "url": geometry_url(parent, child_level) if shapes else None,
        "items": drawing.area_items(values, indicator, data.centroids(codes), hrefs, lang),
        "highlight": area["code"] if child_level == area["level"] else None,
    }
    return part, values, shapes


def scene_areas(area: dict, indicator: dict, period: str, lang: str, alerts: bool = False) -> dict:
    """The areas part of a scene alone: what the wall's scene tints at each step."""
    measure = "alerts" if alerts else indicator["indicator_id"]
    return answers.remembered(
        "answer:scene-areas",
        [area["code"], measure, period, lang],
        lambda: _area_part(area, indicator, period, lang, alerts)[0],
    )


def scene_spec(
    area: dict,
    indicator: dict,
    period: str,
    layers: list[str],
    lang: str,
    theme: str = "light",
    alerts: bool = False,
) -> dict:
    """The scene of ``area``, kept per version, area, indicator, period, layers and the
    caller's scope (through the readers). With ``alerts`` (the wall), the areas are tinted
    by their alerts, as the wall's flat map is, and ``indicator`` describes that measure."""
    parent, child_level = data.map_areas(area)

    def build() -> dict:
        areas, values, shapes = _area_part(area, indicator, period, lang, alerts)
        leaf = child_level == area["level"]
        summary = buildings.summary(area)
        lazy = summary["count"] > warehouse.settings().scene_eager_buildings
        version, root = warehouse.warehouse_version(), scope.root()
        points = []
        for layer in layers:
            found = point_layers.inside(insights.points(parent, child_level, layer, period), shapes)
            points.append(drawing.point_items(layer, found, lang))
        return {
            "theme": theme,
            "lang": lang,
            "area": {"code": area["code"], "name": name(area, lang), "level": area["level"]},
            "bounds": _bounds(shapes, area["code"] if leaf else None) or summary["bounds"],
            "areas": areas,
            "buildings": {
                "count": summary["count"],
                # Shown whole (not lazy): one GeoJSON that MapLibre's worker fetches itself.
                "url": buildings_href(version, root, area["code"], lang)
                if summary["count"]
                else None,
                "text": drawing.count_text(summary["count"], summary["synthetic"], lang),
                # Loaded per child area, those in view (a city): read only then.
                "chunks": _chunks(area, values, leaf, version, root) if lazy else [],
                "lazy": lazy,
                "min_zoom": drawing.LAZY_MIN_ZOOM,
            },
            # The pieces name communities by code; the whole GeoJSON names them itself.
            "communities": buildings.community_names(area, lang) if lazy else {},
            "points": points,
            "labels": _labels(indicator, lang),
        }

    measure = "alerts" if alerts else indicator["indicator_id"]
    key = [area["code"], measure, period, sorted(layers), lang, theme]
    return answers.remembered("answer:scene", key, build)
