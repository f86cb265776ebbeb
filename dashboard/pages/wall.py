"""``/wall``: the wall screen. Plays on its own through the areas that need attention,
picks up new data without a reload, and takes Space (pause) and ←/→ (step) from a
keyboard if there is one. ``?dwell=<seconds>`` overrides the configured dwell time, and
``?scene=3d`` (or ``2d``) the configured map: with 3D, one scene stays on the screen,
turning slowly over the top area and flying to each area the playlist visits."""

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.access import scope
from dashboard.caching import answers
from dashboard.components.cockpit import no_data
from dashboard.components.scene import scene_spec
from dashboard.components.wall import alerts_indicator, cached_wall_view
from dashboard.i18n import pick_lang, t
from dashboard.reading import attention, data, warehouse

MIN_DWELL, MAX_DWELL = 2, 600
VERSION_POLL_SECONDS = 30


def dwell_seconds(value: str | None) -> int:
    try:
        chosen = int(value) if value else warehouse.settings().wall_dwell_seconds
    except ValueError:
        chosen = warehouse.settings().wall_dwell_seconds
    return max(MIN_DWELL, min(MAX_DWELL, chosen))


def playlist() -> list[str]:
    """Computed on the server, from the caller's scope: a wall scoped to a street plays
    that street and its communities. Never taken from the browser."""
    settings = warehouse.settings()
    top = data.area(scope.root())
    if top is None:
        raise warehouse.NoWarehouse("the caller's area is not in the published tree")
    period = data.as_of()["period"]
    streets, communities = settings.wall_streets, settings.wall_communities
    # The same for every step of every wall of one scope until the next publish: kept
    # (the answer cache keys on the version and the scope), it was 5 ms of a step's 14.
    return answers.remembered(
        "wall:playlist", [top["code"], period, streets, communities],
        lambda: attention.wall_playlist(top, period, streets, communities),
    )  # fmt: skip


def in_3d(value: str | None) -> bool:
    """Whether the wall shows its map as the 3D scene: ``?scene=`` if it says 2d or 3d,
    else the setting."""
    return (value if value in ("2d", "3d") else warehouse.settings().wall_scene) == "3d"


def wall_scene(lang: str) -> dict:
    """The wall's one 3D scene: the top of the caller's scope, dark, its areas tinted by
    their alerts as the flat map is, without facility columns (a wall is read from afar)."""
    top = data.area(scope.root())
    return scene_spec(top, alerts_indicator(), data.as_of()["period"], [], lang, "dark", True)


def layout(
    lang: str | None = None, dwell: str | None = None, scene: str | None = None, **_query: str
):
    lang = pick_lang(lang)
    three_d = in_3d(scene)
    try:
        order = playlist()
        body = cached_wall_view(order[0], lang, 0, order, paused=False, scene3d=three_d)
        version = warehouse.warehouse_version()
        spec = wall_scene(lang) if three_d else None
    except warehouse.NoWarehouse:
        return no_data(lang)
    seconds = dwell_seconds(dwell)
    state = {"index": 0, "paused": False, "version": version, "lang": lang, "scene": three_d}
    return html.Div(
        [
            dcc.Store(id=ids.WALL_STATE, data=state),
            dcc.Store(id=ids.WALL_SCENE_SPEC, data=spec),
            dcc.Interval(id=ids.WALL_STEP, interval=seconds * 1000),
            dcc.Interval(id=ids.WALL_VERSION_TICK, interval=VERSION_POLL_SECONDS * 1000),
            dcc.Interval(id=ids.WALL_CLOCK_TICK, interval=1000),
            html.Div(
                [
                    # Pressed by the wall's keys (assets/wall.js); named for screen readers.
                    html.Button(
                        id=ids.WALL_PREV,
                        n_clicks=0,
                        tabIndex=-1,
                        **{"aria-label": t("wall.key.prev", lang)},
                    ),
                    html.Button(
                        id=ids.WALL_PAUSE,
                        n_clicks=0,
                        tabIndex=-1,
                        **{"aria-label": t("wall.key.pause", lang)},
                    ),
                    html.Button(
                        id=ids.WALL_NEXT,
                        n_clicks=0,
                        tabIndex=-1,
                        **{"aria-label": t("wall.key.next", lang)},
                    ),
                ],
                className="wall-keys",
            ),
            html.Div(id=ids.WALL_CLOCK, className="wall-clock"),
            html.Div(body, id=ids.WALL_BODY, className="wall-body"),
        ],
        className="wall",
        lang="zh-CN" if lang == "zh" else "en",
        **{"data-dwell": str(seconds)},
    )


dash.register_page(__name__, path="/wall", name="wall", title="城市大脑 · 大屏", layout=layout)
