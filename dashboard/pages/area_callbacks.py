"""Callbacks stay thin: inputs → data (read-only queries) → figures (pure) → outputs.

Each one derives its area from the URL it serves (``views.area_view``), checked against
the caller's scope on the server; what the browser sends is validated and never trusted
to say which area or parent to read.
"""

from __future__ import annotations

from dash import (
    ALL,
    MATCH,
    ClientsideFunction,
    Input,
    Output,
    Patch,
    State,
    callback,
    clientside_callback,
    ctx,
    no_update,
)
from werkzeug.exceptions import BadRequest

from dashboard import ids
from dashboard.access import auth, views
from dashboard.components.alerts import alert_body
from dashboard.components.panels import alert_dispatch
from dashboard.drawing import figures, point_layers
from dashboard.pages import area_answers as answers
from dashboard.reading import data, insights, problems
from dashboard.urls import area_href, link_code

_URL = (State(ids.NAV, "pathname"), State(ids.NAV, "search"))


def _clicked_code(click: object) -> str | None:
    """The area a map click names, if the click was on an area (not a point)."""
    if click is None:
        return None
    if not isinstance(click, dict) or not isinstance(click.get("points", []), list):
        raise BadRequest("bad click")
    points = click.get("points") or []
    if not points or not isinstance(points[0], dict):
        return None
    curve = points[0].get("curveNumber", 0)
    if not isinstance(curve, int) or curve >= min(point_layers.POINT_TRACE.values()):
        return None
    custom = points[0].get("customdata")
    if not isinstance(custom, list) or not custom or not isinstance(custom[0], str):
        return None
    return custom[0]


@callback(
    Output(ids.NAV, "href"),
    Input(ids.MAP, "clickData"),
    State(ids.INDICATOR, "value"),
    State(ids.POINT_LAYERS, "value"),
    *_URL,
    prevent_initial_call=True,
)
def drill_down(click, indicator, layers, pathname, search) -> str:
    """A click on an area opens that area's cockpit, if the caller may see it."""
    view = views.area_view(pathname, search)
    indicator, layers = (
        views.indicator_id(indicator),
        views.choices(layers, point_layers.POINT_LAYERS),
    )
    code = _clicked_code(click)
    target = data.area(code) if code else None
    if target is None or target["parent_code"] != view.parent:
        return no_update
    return area_href(
        target["level"], target["code"], view.lang, indicator, view.shown_period, layers
    )


@callback(
    Output(ids.MAP, "figure"),
    Input(ids.INDICATOR, "value"),
    Input(ids.MAP_MODE, "value"),
    *_URL,
    prevent_initial_call=True,
)
def recolour_map(indicator_id, mode, pathname, search) -> Patch:
    """Another indicator or colouring: the map's value layer is recoloured (a ``Patch``:
    the geometry stays put)."""
    view = views.area_view(pathname, search)
    indicator = data.indicator(views.indicator_id(indicator_id))
    if indicator is None:
        raise BadRequest("no such indicator")
    asked = views.choices([mode], figures.MAP_MODES)[0]
    auth.record("indicator_view", area=view.area["code"], detail={"indicator": indicator_id})
    changed = answers.recolour(view, indicator, asked)
    patch = Patch()
    for trace, part in ((figures.VALUE_TRACE, "value"), (figures.BASE_TRACE, "base")):
        for key, value in changed[part].items():
            patch["data"][trace][key] = value
    return patch


@callback(
    Output(ids.RANKING, "figure"),
    Output(ids.TREND, "figure"),
    Output(ids.RANKING_CSV, "href"),
    Output(ids.TREND_CSV, "href"),
    Input(ids.INDICATOR, "value"),
    *_URL,
    prevent_initial_call=True,
)
def switch_analysis(indicator_id, pathname, search):
    """The ranking, the trend and their downloads follow the map's indicator."""
    view = views.area_view(pathname, search)
    indicator = data.indicator(views.indicator_id(indicator_id))
    if indicator is None:
        raise BadRequest("no such indicator")
    ranking, trend, links = answers.analysis(view, indicator)
    return ranking, trend, links["ranking"], links["trend"]


@callback(
    Output(ids.ALERT_BODY, "children"),
    Input({"type": ids.ALERT_FILTER, "kind": ALL}, "value"),
    State({"type": ids.ALERT_FILTER, "kind": ALL}, "id"),
    *_URL,
    prevent_initial_call=True,
)
def filter_alerts(values, filter_ids, pathname, search):
    """The alerts of the page's area narrowed to one street, domain or department."""
    view = views.area_view(pathname, search)
    if not isinstance(values, list) or not isinstance(filter_ids, list):
        raise BadRequest("bad filters")
    filters = {}
    for value, fid in zip(values, filter_ids, strict=True):
        kind = fid.get("kind") if isinstance(fid, dict) else None
        if kind not in problems.ALERT_FILTERS:
            raise BadRequest("unknown filter")
        filters[kind] = views.filter_value(kind, value)
    rows = problems.alerts(view.area["code"], view.period, limit=10, filters=filters)
    return alert_body(rows, view.lang, view.period, alert_dispatch(view.period, view.lang))


@callback(
    Output(ids.MAP, "figure", allow_duplicate=True),
    Input(ids.POINT_LAYERS, "value"),
    *_URL,
    prevent_initial_call=True,
)
def toggle_points(layers, pathname, search) -> Patch:
    """A point layer switched on fills its own trace; switched off, it is hidden. The
    areas' geometry is not sent again."""
    view = views.area_view(pathname, search)
    layers = views.choices(layers, point_layers.POINT_LAYERS)
    patch = Patch()
    slots = zip(answers.points(view, layers), point_layers.POINT_TRACE.values(), strict=True)
    for slot, ((trace, note), index) in enumerate(slots):
        if trace is None:
            patch["data"][index]["visible"] = False
        for key, value in (trace or {}).items():
            patch["data"][index][key] = value
        for key, value in note.items():
            patch["layout"]["annotations"][slot][key] = value
    return patch


@callback(
    Output(ids.NAV, "href", allow_duplicate=True),
    Input(ids.PERIOD, "value"),
    State(ids.INDICATOR, "value"),
    State(ids.POINT_LAYERS, "value"),
    *_URL,
    prevent_initial_call=True,
)
def choose_period(period, indicator, layers, pathname, search) -> str:
    """Another month is another view: a URL of its own, every panel following it."""
    view = views.area_view(pathname, search)
    period = views.period(period)
    indicator = views.indicator_id(indicator) if indicator is not None else None
    layers = views.choices(layers, point_layers.POINT_LAYERS)
    if period == view.period:
        return no_update
    shown = insights.Period(period, view.latest).shown
    area = view.area
    return area_href(area["level"], link_code(area), view.lang, indicator, shown, layers or None)


@callback(
    Output({"type": ids.DOMAIN_CARDS, "domain": MATCH}, "children"),
    Input({"type": ids.DOMAIN_SUMMARY, "domain": MATCH}, "n_clicks"),
    State({"type": ids.DOMAIN_CARDS, "domain": MATCH}, "children"),
    State(ids.INDICATOR, "value"),
    State(ids.POINT_LAYERS, "value"),
    *_URL,
    prevent_initial_call=True,
)
def unfold_domain(clicks, shown, indicator, layers, pathname, search):
    """A folded domain opened for the first time: its cards (a click that folds it again,
    or opens it once more, finds them drawn)."""
    if shown:
        return no_update
    view = views.area_view(pathname, search)
    name = views.filter_value("domain", (ctx.triggered_id or {}).get("domain"))
    indicator = views.indicator_id(indicator) if indicator is not None else None
    layers = views.choices(layers, point_layers.POINT_LAYERS)
    return answers.domain(view, name, layers, indicator)


# The view's choices kept in the address bar (assets/url_state.js).
for component, kept in ((ids.POINT_LAYERS, "layers"), (ids.MAP_MODE, "colour"),
                        (ids.INDICATOR, "indicator")):  # fmt: skip
    clientside_callback(
        ClientsideFunction("url", kept),
        Output(component, "id"),
        Input(component, "value"),
        prevent_initial_call=True,
    )


clientside_callback(
    """
    function (clicks) {
        if (clicks) { window.print(); }
        return window.dash_clientside.no_update;
    }
    """,
    Output(ids.BRIEF_PRINT, "id"),
    Input(ids.BRIEF_PRINT, "n_clicks"),
    prevent_initial_call=True,
)
