"""Callbacks stay thin: inputs → data (read-only queries) → figures (pure) → outputs."""

from __future__ import annotations

from dash import Input, Output, Patch, State, callback, clientside_callback, no_update

from dashboard import data, figures, ids, insights
from dashboard.components.cockpit import analysis_figures, csv_links
from dashboard.urls import area_href


@callback(
    Output(ids.NAV, "href"),
    Input(ids.MAP, "clickData"),
    State(ids.INDICATOR, "value"),
    State(ids.POINT_LAYERS, "value"),
    State(ids.PAGE_CONTEXT, "data"),
    prevent_initial_call=True,
)
def drill_down(click: dict | None, indicator: str, layers: list[str], context: dict) -> str:
    """A click on an area opens that area's cockpit."""
    points = (click or {}).get("points") or []
    # Only the areas drill down; a click on a map point (a ticket, a lift) does not.
    if not points or points[0].get("curveNumber", 0) >= min(figures.POINT_TRACE.values()):
        return no_update
    if "customdata" not in points[0]:
        return no_update
    code = points[0]["customdata"][0]
    shown = context["period"] if context["period"] != context["latest"] else None
    return area_href(context["child_level"], code, context["lang"], indicator, shown, layers)


@callback(
    Output(ids.MAP, "figure"),
    Output(ids.RANKING, "figure"),
    Output(ids.TREND, "figure"),
    Output(ids.RANKING_CSV, "href"),
    Output(ids.TREND_CSV, "href"),
    Input(ids.INDICATOR, "value"),
    State(ids.PAGE_CONTEXT, "data"),
    prevent_initial_call=True,
)
def switch_indicator(indicator_id: str, context: dict):
    """Another indicator: the map's value layer is recoloured (a ``Patch``: the geometry
    stays put), and the ranking, the trend and their downloads follow, from one read."""
    indicator = data.indicator(indicator_id)
    area = data.area(context["code"])
    if indicator is None or area is None:
        return (no_update,) * 5
    lang, period = context["lang"], context["period"]
    values = data.map_values(context["parent"], context["child_level"], indicator_id, period)
    patch = Patch()
    for key, value in figures.recolour(values, indicator, lang).items():
        patch["data"][figures.VALUE_TRACE][key] = value
    ranking, trend = analysis_figures(area, indicator, values, period, lang)
    links = csv_links(area["code"], indicator_id, period, lang)
    return patch, ranking, trend, links["ranking"], links["trend"]


@callback(
    Output(ids.MAP, "figure", allow_duplicate=True),
    Input(ids.POINT_LAYERS, "value"),
    State(ids.PAGE_CONTEXT, "data"),
    prevent_initial_call=True,
)
def toggle_points(layers: list[str], context: dict) -> Patch:
    """A point layer switched on fills its own trace; switched off, it is hidden. The
    areas' geometry is not sent again."""
    patch = Patch()
    for layer, index in figures.POINT_TRACE.items():
        if layer in (layers or []):
            points = insights.points(context["parent"], layer, context["period"])
            for key, value in figures.points_trace(points, layer, context["lang"]).items():
                patch["data"][index][key] = value
        else:
            patch["data"][index]["visible"] = False
    return patch


@callback(
    Output(ids.NAV, "href", allow_duplicate=True),
    Input(ids.PERIOD, "value"),
    State(ids.INDICATOR, "value"),
    State(ids.POINT_LAYERS, "value"),
    State(ids.PAGE_CONTEXT, "data"),
    prevent_initial_call=True,
)
def choose_period(period: str, indicator: str, layers: list[str], context: dict) -> str:
    """Another month is another view: a URL of its own, every panel following it."""
    if period == context["period"]:
        return no_update
    shown = period if period != context["latest"] else None
    return area_href(
        context["level"], context["code"], context["lang"], indicator, shown, layers or None
    )


# Keep the chosen point layers in the address bar, as the indicator below.
clientside_callback(
    """
    function (layers) {
        const url = new URL(window.location.href);
        const value = (layers || []).join(",");
        if ((url.searchParams.get("layers") || "") !== value) {
            if (value) { url.searchParams.set("layers", value); }
            else { url.searchParams.delete("layers"); }
            window.history.replaceState(window.history.state, "", url);
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output(ids.POINT_LAYERS, "id"),
    Input(ids.POINT_LAYERS, "value"),
    prevent_initial_call=True,
)


# Keep the chosen indicator in the address bar, so the view can be shared, without a
# navigation (replaceState fires no event the router listens to).
clientside_callback(
    """
    function (value) {
        const url = new URL(window.location.href);
        if (url.searchParams.get("indicator") !== value) {
            url.searchParams.set("indicator", value);
            window.history.replaceState(window.history.state, "", url);
        }
        return window.dash_clientside.no_update;
    }
    """,
    Output(ids.INDICATOR, "id"),
    Input(ids.INDICATOR, "value"),
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
