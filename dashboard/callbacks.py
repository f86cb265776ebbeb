"""Callbacks stay thin: inputs → data (read-only queries) → figures (pure) → outputs."""

from __future__ import annotations

from dash import Input, Output, Patch, State, callback, clientside_callback, no_update

from dashboard import data, figures, ids
from dashboard.urls import area_href


@callback(
    Output(ids.NAV, "href"),
    Input(ids.MAP, "clickData"),
    State(ids.INDICATOR, "value"),
    State(ids.PAGE_CONTEXT, "data"),
    prevent_initial_call=True,
)
def drill_down(click: dict | None, indicator: str, context: dict) -> str:
    """A click on an area opens that area's cockpit."""
    points = (click or {}).get("points") or []
    if not points or "customdata" not in points[0]:
        return no_update
    code = points[0]["customdata"][0]
    return area_href(context["child_level"], code, context["lang"], indicator)


@callback(
    Output(ids.MAP, "figure"),
    Input(ids.INDICATOR, "value"),
    State(ids.PAGE_CONTEXT, "data"),
    prevent_initial_call=True,
)
def recolour_map(indicator_id: str, context: dict) -> Patch:
    """Switching indicator changes the value layer's colours only; geometry stays put."""
    indicator = data.indicator(indicator_id)
    if indicator is None:
        return no_update
    values = data.map_values(
        context["parent"], context["child_level"], indicator_id, context["period"]
    )
    patch = Patch()
    for key, value in figures.recolour(values, indicator, context["lang"]).items():
        patch["data"][figures.VALUE_TRACE][key] = value
    return patch


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
