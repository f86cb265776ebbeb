"""``/manifest.webmanifest``: the web app manifest, so that an official can pin the cockpit
to a phone's home screen (浙政钉's browser and any other) and open it full screen.

Public, as the sign-in page is: a browser fetches a manifest without the session cookie,
and it says nothing the sign-in page does not (the cockpit's name). Its icons are drawn by
``packaging/icons.py`` and served from ``assets/icons/``."""

from __future__ import annotations

import flask
import orjson

from dashboard.i18n import DEFAULT_LANG, t
from dashboard.reading import brand, warehouse
from dashboard.urls import MANIFEST

THEME = "#0f3a6b"  # the header's blue
GROUND = "#f3f5f8"
ICONS = [
    {"src": "/assets/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "/assets/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
    {"src": "/assets/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png",
     "purpose": "maskable"},
]  # fmt: skip


def serve() -> flask.Response:
    lang = warehouse.settings().lang or DEFAULT_LANG
    try:
        title = brand.title(lang)
    except warehouse.NoWarehouse:
        title = t("app.short", lang)
    manifest = {
        "id": "/",
        "name": title,
        "short_name": t("app.short", lang),
        "lang": "zh-CN" if lang == "zh" else "en",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": GROUND,
        "theme_color": THEME,
        "icons": ICONS,
    }
    response = flask.Response(orjson.dumps(manifest), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


def register(server: flask.Flask) -> None:
    server.add_url_rule(MANIFEST, "manifest", serve)
