"""Area geometry by URL: ``/geo/<version>/<scope>/<parent>/<level>.json``, each level's
shapes as GeoJSON, cached by the browser (never by a shared cache) for good. The version
(the published warehouse file) is in the URL, so a refresh that redraws a boundary gives it
a new URL; a page's figures name the URL, never the coordinates, so a level's geometry
reaches the browser once. The caller's scope is in the URL too, and must be the caller's:
the shapes are those the scope may see, so two users on one browser never share an entry."""

from __future__ import annotations

import flask
import orjson

from cockpit.levels import LEVELS
from dashboard.access import scope
from dashboard.drawing import figures
from dashboard.reading import data, warehouse

_LEVELS = set(LEVELS)
_CACHE = "private, max-age=31536000, immutable"


def serve(version: str, scope_code: str, parent_code: str, level: str) -> flask.Response:
    if level not in _LEVELS or scope_code != scope.root():
        flask.abort(404)
    try:
        current = warehouse.warehouse_version()
        shapes = data.shapes(parent_code, level)
    except warehouse.NoWarehouse:
        flask.abort(503, "no warehouse published yet")
    if not shapes:
        flask.abort(404)
    response = flask.Response(
        orjson.dumps(figures.feature_collection(shapes)), mimetype="application/geo+json"
    )
    # Only the version named in the URL may be cached for good: an old URL asked after a
    # publish gets today's shapes, to be kept no longer than a page's life.
    response.headers["Cache-Control"] = _CACHE if version == current else "private, no-store"
    return response


def register(server: flask.Flask) -> None:
    server.add_url_rule("/geo/<version>/<scope_code>/<parent_code>/<level>.json", "geometry", serve)
