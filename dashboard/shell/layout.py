"""The app's shell, with the page the browser opened already in it.

Dash's pages router fills a page in by a callback once the app has loaded: one more round
trip, and on an area page its server work, before anything is drawn. The browser asks for
the shell (``/_dash-layout``) from the page it opened, and the Referer (sent within this
origin, as the security headers ask) names that page; so the shell renders it there and
then, and the pages' location component starts at that address, which leaves the router
nothing to do until the official follows a link. Without a Referer from this host the
shell comes empty and the router renders the page as before.

Dash keeps its router in a closure of the app, with no public way to render one path's
page, so ``page_for`` follows what it does (the registered page whose path or template
matches, called with the path's variables and the query) through ``dash_adapter``; and
the page container is rebuilt here with the router's ids, so that the router still
fills it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import dash
import flask
from dash import dcc, html
from werkzeug.exceptions import HTTPException

from dashboard import ids
from dashboard.access import auth, trail
from dashboard.dash_adapter import (
    ROUTER_CONTENT,
    ROUTER_DUMMY,
    ROUTER_LOCATION,
    ROUTER_STORE,
    query_arguments,
    registered_page,
)


def page_for(
    pathname: str, search: str, wanted: Callable[[dict], bool] | None = None
) -> tuple[object, str] | None:
    """The layout and tab title of the registered page at ``pathname``; none for a path
    no page claims (the router answers those), or whose registration ``wanted`` refuses."""
    page, variables = registered_page(dash.get_app().strip_relative_path(pathname))
    if not page or (wanted is not None and not wanted(page)):
        return None
    layout, title = page["layout"], page["title"]
    if callable(layout):
        layout = layout(**{**(variables or {}), **query_arguments(search)})
    if callable(title):
        title = title(**(variables or {}))
    return layout, title


def _opened() -> tuple[str, str, str] | None:
    """The path, query and address of the page this layout request comes from."""
    referrer = flask.request.referrer
    if not referrer or len(referrer) > 4000:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != flask.request.host or not parts.path.startswith("/"):
        return None
    search = f"?{parts.query}" if parts.query else ""
    return parts.path, search, parts._replace(fragment="").geturl()


def layout() -> html.Div:
    content, title, location = None, None, {}
    opened = _opened() if flask.has_request_context() else None
    if opened is not None and auth.principal() is not None:
        path, search, href = opened
        try:
            rendered = page_for(path, search)
        except HTTPException:
            rendered = None  # the router's callback answers it, as for any link
        if rendered is not None:
            content, title = rendered
            location = {"pathname": path, "search": search, "href": href, "hash": ""}
            trail.page_view(path, search)
    return html.Div(
        [
            dcc.Location(id=ids.NAV, refresh="callback-nav"),
            html.Div(
                [
                    dcc.Location(id=ROUTER_LOCATION, refresh="callback-nav", **location),
                    html.Div(content, id=ROUTER_CONTENT, disable_n_clicks=True),
                    dcc.Store(id=ROUTER_STORE, data={"title": title} if title else None),
                    html.Div(id=ROUTER_DUMMY, disable_n_clicks=True),
                ]
            ),
        ],
        className="app-shell",
    )
