"""The wall screen's playlist: advance on a timer, step and pause from the keyboard, and
start over with the new data when a refresh publishes a new version."""

from __future__ import annotations

from dash import (
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    no_update,
)
from werkzeug.exceptions import BadRequest

from dashboard import ids
from dashboard.access import views
from dashboard.components.wall import cached_wall_view
from dashboard.pages.wall import playlist, wall_scene
from dashboard.reading import warehouse


@callback(
    Output(ids.WALL_STATE, "data"),
    Output(ids.WALL_BODY, "children"),
    Output(ids.WALL_STEP, "disabled"),
    Output(ids.WALL_SCENE_SPEC, "data"),
    Input(ids.WALL_STEP, "n_intervals"),
    Input(ids.WALL_NEXT, "n_clicks"),
    Input(ids.WALL_PREV, "n_clicks"),
    Input(ids.WALL_PAUSE, "n_clicks"),
    Input(ids.WALL_VERSION_TICK, "n_intervals"),
    State(ids.WALL_STATE, "data"),
    prevent_initial_call=True,
)
def wall_step(tick, next_, prev, pause, poll, state):
    for clicks in (tick, next_, prev, pause, poll):
        views.count(clicks)
    state = _state(state)
    trigger = ctx.triggered_id
    version = warehouse.warehouse_version()
    new_data = version != state["version"]
    if trigger == ids.WALL_VERSION_TICK and not new_data:
        return no_update, no_update, no_update, no_update
    if trigger == ids.WALL_PAUSE:
        state["paused"] = not state["paused"]
    elif trigger == ids.WALL_PREV:
        state["index"] -= 1
    elif trigger in (ids.WALL_NEXT, ids.WALL_STEP):
        state["index"] += 1
    if new_data:
        # New data may put other areas in the red: the playlist starts again.
        state["version"], state["index"] = version, 0
    # The playlist is drawn on the server each step, from the caller's scope.
    order = playlist()
    state["index"] %= len(order)
    body = cached_wall_view(
        order[state["index"]], state["lang"], state["index"], order, state["paused"],
        state["scene"],
    )  # fmt: skip
    spec = wall_scene(state["lang"]) if new_data and state["scene"] else no_update
    return state, body, state["paused"], spec


def _state(state: object) -> dict:
    """The wall's own state as the browser keeps it: a position, a pause flag, the data
    version it shows, its language and whether its map is the 3D scene; anything else is
    refused."""
    if not isinstance(state, dict) or set(state) != {"index", "paused", "version", "lang", "scene"}:
        raise BadRequest("bad wall state")
    if not isinstance(state["scene"], bool):
        raise BadRequest("bad scene flag")
    index = state["index"]
    if isinstance(index, bool) or not isinstance(index, int) or abs(index) > 10_000:
        raise BadRequest("bad wall position")
    if not isinstance(state["paused"], bool):
        raise BadRequest("bad pause flag")
    if not isinstance(state["version"], str) or len(state["version"]) > 128:
        raise BadRequest("bad data version")
    return {**state, "lang": views.lang(state["lang"])}


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


clientside_callback(
    ClientsideFunction("scene3d", "wall"),
    Output(ids.WALL_SCENE_SPEC, "id"),
    Input(ids.WALL_SCENE_SPEC, "data"),
)
