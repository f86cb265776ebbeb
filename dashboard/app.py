"""The Dash app: a multi-page cockpit whose drill-down lives in the URL."""

from __future__ import annotations

import importlib

import dash
import flask
from dash import Dash, dcc, html

from dashboard import data, exports, geometry, ids

PAGE_MODULES = (
    "dashboard.pages.district",
    "dashboard.pages.street",
    "dashboard.pages.community",
    "dashboard.pages.park",
    "dashboard.pages.brief",
    "dashboard.pages.wall",
    "dashboard.pages.catalog",
    "dashboard.pages.indicators",
    "dashboard.pages.departments",
    "dashboard.pages.not_found",
)


def _health() -> flask.Response:
    try:
        return flask.jsonify(data.health())
    except data.NoWarehouse:
        return flask.jsonify({"status": "no warehouse published yet"}), 503


def create_app() -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        # Pages render one at a time; without this every page's layout is sent each time.
        suppress_callback_exceptions=True,
        compress=True,
        serve_locally=True,
        title="下城区城市大脑驾驶舱",
        update_title=None,
    )
    for module in PAGE_MODULES:
        importlib.import_module(module)
    importlib.import_module("dashboard.callbacks")
    importlib.import_module("dashboard.wall_callbacks")
    app.server.add_url_rule("/api/health", "health", _health)
    exports.register(app.server)
    geometry.register(app.server)
    app.layout = html.Div(
        [dcc.Location(id=ids.NAV, refresh="callback-nav"), dash.page_container],
        className="app-shell",
    )
    return app
