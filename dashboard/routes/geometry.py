"""Area geometry by URL: ``/geo/<version>/<scope>/<parent>/<level>.json``, each level's
shapes as GeoJSON, cached by the browser (never by a shared cache) for good. The version
(the published warehouse file) is in the URL, so a refresh that redraws a boundary gives it
a new URL; a page's figures name the URL, never the coordinates, so a level's geometry
reaches the browser once. The caller's scope is in the URL too, and must be the caller's:
the shapes are those the scope may see, so two users on one browser never share an entry.

``/geo/<version>/<scope>/<area>/building.json`` is the buildings of one area in the 3D
scene's compact format (``drawing.scene.building_payload``), those the scope may see."""

from __future__ import annotations

import flask
import orjson

from cockpit.levels import LEVELS
from dashboard.access import scope
from dashboard.caching import answers
from dashboard.drawing import figures, scene
from dashboard.i18n import pick_lang
from dashboard.reading import buildings, data, warehouse

_LEVELS = set(LEVELS)
_CACHE = "private, max-age=31536000, immutable"
BUILDINGS = "building"


def _buildings(code: str, geojson: bool = False, lang: str = "zh") -> bytes:
    def build() -> bytes | None:
        area = data.area(code)
        rows = buildings.outlines(area) if area is not None else None
        if rows is None or rows.empty:
            return None
        if geojson:
            return scene.building_geojson(rows, buildings.community_names(area, lang))
        return scene.building_payload(rows)

    # Kept for the version and the caller's scope: a street's buildings are read and
    # encoded once, whoever of that scope opens its scene first.
    body = answers.remembered("answer:buildings", [code, geojson, lang], build)
    if body is None:
        flask.abort(404)
    return body


def serve_geojson(version: str, scope_code: str, code: str) -> flask.Response:
    """An area's buildings as GeoJSON, whole: what a scene that shows them all at once
    gives MapLibre to fetch in its worker."""
    if scope_code != scope.root():
        flask.abort(404)
    try:
        current = warehouse.warehouse_version()
        body = _buildings(code, geojson=True, lang=pick_lang(flask.request.args.get("lang")))
    except warehouse.NoWarehouse:
        flask.abort(503, "no warehouse published yet")
    response = flask.Response(body, mimetype="application/geo+json")
    response.headers["Cache-Control"] = _CACHE if version == current else "private, no-store"
    return response


def _shapes(parent_code: str, level: str) -> bytes:
    shapes = data.shapes(parent_code, level)
    if not shapes:
        flask.abort(404)
    return orjson.dumps(figures.feature_collection(shapes))


def serve(version: str, scope_code: str, parent_code: str, level: str) -> flask.Response:
    if (level not in _LEVELS and level != BUILDINGS) or scope_code != scope.root():
        flask.abort(404)
    try:
        current = warehouse.warehouse_version()
        if level == BUILDINGS:
            body, kind = _buildings(parent_code), "application/json"
        else:
            body, kind = _shapes(parent_code, level), "application/geo+json"
    except warehouse.NoWarehouse:
        flask.abort(503, "no warehouse published yet")
    response = flask.Response(body, mimetype=kind)
    # Only the version named in the URL may be cached for good: an old URL asked after a
    # publish gets today's shapes, to be kept no longer than a page's life.
    response.headers["Cache-Control"] = _CACHE if version == current else "private, no-store"
    return response


def register(server: flask.Flask) -> None:
    server.add_url_rule("/geo/<version>/<scope_code>/<parent_code>/<level>.json", "geometry", serve)
    server.add_url_rule(
        "/geo/<version>/<scope_code>/<code>/building.geojson", "buildings", serve_geojson
    )
