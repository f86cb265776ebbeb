"""Area geometry by URL: ``/geo/<version>/<parent>/<level>.json``, each level's shapes as
GeoJSON, cached by the browser for good. The version (the published warehouse file) is
in the URL, so a refresh that redraws a boundary gives it a new URL; a page's figures name
the URL, never the coordinates, so a level's geometry reaches the browser once."""

from __future__ import annotations

import flask
import orjson

from dashboard import data, figures

_LEVELS = {"district", "street", "community", "park"}
_CACHE = "public, max-age=31536000, immutable"


def geometry_url(parent_code: str, level: str) -> str:
    return f"/geo/{data.warehouse_version()}/{parent_code}/{level}.json"


def serve(version: str, parent_code: str, level: str) -> flask.Response:
    if level not in _LEVELS:
        flask.abort(404, f"no level {level}")
    try:
        current = data.warehouse_version()
        shapes = data.shapes(parent_code, level)
    except data.NoWarehouse:
        flask.abort(503, "no warehouse published yet")
    if not shapes:
        flask.abort(404, f"no {level} under {parent_code}")
    response = flask.Response(
        orjson.dumps(figures.feature_collection(shapes)), mimetype="application/geo+json"
    )
    # Only the version named in the URL may be cached for good: an old URL asked after a
    # publish gets today's shapes, to be kept no longer than a page's life.
    response.headers["Cache-Control"] = _CACHE if version == current else "no-store"
    return response


def register(server: flask.Flask) -> None:
    server.add_url_rule("/geo/<version>/<parent_code>/<level>.json", "geometry", serve)
