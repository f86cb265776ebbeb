"""Warm the answer cache for the top of the tree right after a publish, so the first
official of the morning does not pay for it: ``cockpit refresh`` renders the top area's
page in each language as an official and a wall screen of the whole tree would see it,
which reads (and so caches) every answer that page needs, and its panels, under the new
version. The static files the page loads are compressed then too, once for this machine
(``shell.compressed``)."""

from __future__ import annotations

import time

import flask

from cockpit.settings import Settings
from cockpit.store.sessions import Principal
from dashboard.shell import compressed


def warm_top(settings: Settings) -> str:
    from dashboard.shell.app import create_app

    started = time.perf_counter()
    app = create_app(settings=settings)
    files = compressed.warm(app, settings.static_cache)
    said = f"static files: {files} kept compressed in {time.perf_counter() - started:.1f} s"
    return f"{said}\n{_warm_answers(app, settings)}"


def _warm_answers(app, settings: Settings) -> str:  # noqa: ANN001 - a Dash app
    if settings.cache not in ("filesystem",) and "://" not in settings.cache:
        return f"cache: {settings.cache}, kept by each worker alone: nothing to warm"
    from dashboard.components.cockpit import area_page
    from dashboard.reading import data

    started = time.perf_counter()
    with app.server.test_request_context("/"):
        top = data.top_area()
        if top is None:
            return "cache: nothing published to warm"
        # Officials who read, officials who also dispatch (the 督办 buttons), and a wall
        # screen, of the whole tree: their pages differ, so each is kept apart.
        for role, kiosk in (("viewer", False), ("handler", False), ("viewer", True)):
            flask.g.principal = Principal("warm", "cockpit refresh", role, top["code"], kiosk)
            for lang in ("zh", "en"):
                area_page(None, None, lang, None)
    return f"cache: warmed the top of the tree in {time.perf_counter() - started:.1f} s"
