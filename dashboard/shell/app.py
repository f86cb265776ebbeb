"""The Dash app: a multi-page cockpit whose drill-down lives in the URL."""

from __future__ import annotations

import importlib
from pathlib import Path

import flask
from dash import Dash

from cockpit import store
from cockpit.settings import Settings, session_secret
from dashboard import dash_adapter
from dashboard.access import auth, cas, hardening, oidc, trail
from dashboard.caching import backend as cache
from dashboard.reading import data, warehouse
from dashboard.routes import api, exports, geometry, manifest, metrics, scene, tasks
from dashboard.shell import compressed, first_screen
from dashboard.shell import layout as shell
from dashboard.urls import HEAD_LINKS

PAGE_MODULES = (
    "dashboard.pages.home",
    "dashboard.pages.district",
    "dashboard.pages.street",
    "dashboard.pages.community",
    "dashboard.pages.park",
    "dashboard.pages.brief",
    "dashboard.pages.wall",
    "dashboard.pages.catalog",
    "dashboard.pages.indicators",
    "dashboard.pages.departments",
    "dashboard.pages.admin",
    "dashboard.pages.tasks",
    "dashboard.pages.not_found",
)


# Dash loads the graph's and the dropdown's code (lazily split chunks) only once the page
# has rendered a graph, a round trip after the layout; every cockpit page has both, so
# the browser is told to fetch them with the rest. Loading every chunk eagerly
# (``eager_loading``) measured worse: 4.9 s cold against 3.1 s.
_PRELOADED = "".join(
    f'<link rel="preload" href="/_dash-component-suites/dash/dcc/async-{chunk}.js" as="script">'
    for chunk in ("graph", "dropdown")
)


_COMPRESSED = [
    "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
    "application/json", "application/geo+json", "image/svg+xml",
]  # fmt: skip


def _health() -> flask.Response:
    """Up or not, and which data version, for anyone (a monitor); the period, refresh
    time and size of the tree only for a signed-in caller."""
    try:
        if auth.principal() is None:
            return flask.jsonify({"status": "ok", "version": warehouse.warehouse_version()})
        return flask.jsonify(data.health())
    except warehouse.NoWarehouse:
        return flask.jsonify({"status": "no warehouse published yet"}), 503


def create_app(migrate: bool = True, settings: Settings | None = None) -> Dash:
    """The cockpit app, on ``settings`` (by default this process's, from ``cockpit.toml``
    and the environment)."""
    settings = settings or warehouse.settings()
    if migrate:
        store.migrate(settings.app_db)
    server = flask.Flask(__name__)
    # Compressed as they are sent: flask-compress's list lacks GeoJSON, the map's
    # boundaries and the 3D scene's buildings (text, a fifth of the size gzipped).
    server.config["COMPRESS_MIMETYPES"] = _COMPRESSED
    app = Dash(
        __name__,
        server=server,
        # The assets sit beside the dashboard package, not beside this module.
        assets_folder=str(Path(__file__).resolve().parent.parent / "assets"),
        use_pages=True,
        pages_folder="",
        # Pages render one at a time; without this every page's layout is sent each time.
        suppress_callback_exceptions=True,
        compress=True,
        # MapLibre GL JS (1 MB) is for the 3D scene alone: assets/scene3d.js loads it there.
        assets_ignore=r"^maplibre-gl",
        # Sync endpoints for gunicorn's sync workers. Left unset, Dash turns async as soon
        # as asgiref is importable (Django, a test dependency, brings it).
        use_async=False,
        serve_locally=True,
        title="城市大脑驾驶舱",
        update_title=None,
    )
    app.index_string = app.index_string.replace("{%css%}", "{%css%}" + _PRELOADED + HEAD_LINKS)
    # The page says its language (信息无障碍: screen readers, the browser's own tools);
    # assets/language.js follows ?lang= as the person switches.
    language = "zh-CN" if settings.lang == "zh" else "en"
    app.index_string = app.index_string.replace(
        "<html>", f'<html lang="{language}" data-default-lang="{language}">', 1
    )
    # The page opened comes as HTML in the first answer, painted before any script runs,
    # and its scripts are deferred: fetched at once, run after the page is parsed, so that
    # nothing waits on them to paint; Dash's renderer starts once they have run.
    dash_index = app.interpolate_index
    app.interpolate_index = lambda app_entry="", scripts="", **parts: dash_index(
        app_entry=first_screen.with_first_screen(app_entry),
        scripts=scripts.replace("<script src=", "<script defer src="),
        **parts,
    )
    app.renderer = (
        "document.addEventListener('DOMContentLoaded', function () {"
        " window.renderer = new DashRenderer(); });"
    )
    app.server.secret_key = session_secret(settings)
    app.server.config[warehouse.SETTINGS_KEY] = settings
    for module in PAGE_MODULES:
        importlib.import_module(module)
    importlib.import_module("dashboard.pages.area_callbacks")
    importlib.import_module("dashboard.pages.wall_callbacks")
    dash_adapter.give_callbacks(app)
    metrics.register(app.server)
    limiter = auth.register(app.server, settings)
    oidc.register(app.server, settings)
    cas.register(app.server, settings)
    app.server.add_url_rule("/api/health", "health", _health)
    exports.register(app.server)
    geometry.register(app.server)
    scene.register(app.server)
    manifest.register(app.server)
    tasks.register(app.server, limiter, settings)
    api.register(app.server, limiter, settings)
    app.layout = shell.layout
    hardening.harden(app, settings)
    compressed.register(app.server, settings.static_cache)
    cache.init(app.server, settings)
    app.server.before_request(trail.audit_page_view)
    app.server.after_request(trail.record_page_outcome)
    return app
