"""The wall screen's playlist: advance on a timer, step and pause from the keyboard, and
start over with the new data when a refresh publishes a new version."""

from __future__ import annotations

from dash import Input, Output, State, callback, clientside_callback, ctx, no_update

from dashboard import data, ids
from dashboard.components.wall import wall_view
from dashboard.pages.wall import playlist


@callback(
    Output(ids.WALL_STATE, "data"),
    Output(ids.WALL_BODY, "children"),
    Output(ids.WALL_STEP, "disabled"),
    Input(ids.WALL_STEP, "n_intervals"),
    Input(ids.WALL_NEXT, "n_clicks"),
    Input(ids.WALL_PREV, "n_clicks"),
    Input(ids.WALL_PAUSE, "n_clicks"),
    Input(ids.WALL_VERSION_TICK, "n_intervals"),
    State(ids.WALL_STATE, "data"),
    prevent_initial_call=True,
)
def wall_step(_tick, _next, _prev, _pause, _poll, state: dict):
    trigger = ctx.triggered_id
    state = dict(state)
    version = data.warehouse_version()
    new_data = version != state["version"]
    if trigger == ids.WALL_VERSION_TICK and not new_data:
        return no_update, no_update, no_update
    if trigger == ids.WALL_PAUSE:
        state["paused"] = not state["paused"]
    elif trigger == ids.WALL_PREV:
        state["index"] -= 1
    elif trigger in (ids.WALL_NEXT, ids.WALL_STEP):
        state["index"] += 1
    if new_data:
        # New data may put other areas in the red: the playlist is drawn again.
        state["playlist"], state["version"], state["index"] = playlist(), version, 0
    state["index"] %= len(state["playlist"])
    if state["index"] == 0 and trigger in (ids.WALL_NEXT, ids.WALL_STEP):
        state["playlist"] = playlist()
    body = wall_view(
        state["playlist"][state["index"]],
        state["lang"],
        state["index"],
        state["playlist"],
        state["paused"],
    )
    return state, body, state["paused"]


clientside_callback(
    """
    function (n) {
        const now = new Date();
        return new Intl.DateTimeFormat("zh-CN", {
            timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
            hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
        }).format(now);
    }
    """,
    Output(ids.WALL_CLOCK, "children"),
    Input(ids.WALL_CLOCK_TICK, "n_intervals"),
)
