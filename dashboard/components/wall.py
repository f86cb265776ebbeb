"""The wall screen's view of one area: dark, large, exception-driven. The children map
coloured by red counts, what is red and since when, and the area's worst indicators."""

from __future__ import annotations

import orjson
import pandas as pd
import shapely
from dash import dcc, html
from shapely.geometry import shape

from dashboard import ids
from dashboard.caching import answers
from dashboard.components.alerts import area_text, reasons_text, since_text
from dashboard.components.cards import area_sparklines, count_tiles, figure_tile
from dashboard.components.map_panel import geometry_url
from dashboard.components.scene import scene_areas
from dashboard.drawing import figures, fmt
from dashboard.i18n import name, t
from dashboard.reading import attention, brand, data, insights, problems, tasks

_SEVERITY = {"red": 0, "amber": 1, "green": 2}
DARK_MAP_STYLE = {
    "version": 8,
    "sources": {},
    "layers": [{"id": "ground", "type": "background", "paint": {"background-color": "#0e1b2e"}}],
}
WALL_GRAPH_CONFIG = {"displayModeBar": False, "responsive": True, "staticPlot": False}


def alerts_indicator() -> dict:
    """The map's measure on the wall, described as an indicator for the map figure."""
    return {
        "name_zh": t("wall.map.measure", "zh"),
        "name_en": t("wall.map.measure", "en"),
        "unit_zh": t("wall.map.unit", "zh"),
        "unit_en": t("wall.map.unit", "en"),
        "decimals": 0,
        "direction": "alerts",
    }


def map_legend(lang: str) -> html.Div:
    """What the wall map's colours say: an area's worst status among its values."""
    return html.Div(
        [
            html.Span([html.Span(className=f"swatch {status}"), t(f"wall.legend.{status}", lang)])
            for status in ("red", "amber", "green")
        ],
        className="wall-legend",
        id=ids.WALL_LEGEND,
    )


def worst_first(cards: pd.DataFrame, count: int) -> pd.DataFrame:
    ranked = cards.assign(_sev=cards["status"].map(lambda s: _SEVERITY.get(s, 3)))
    return ranked.sort_values(["_sev", "indicator_id"], kind="stable").head(count)


def task_counts(lang: str) -> html.Div:
    """本周新派 / 办结 / 逾期: the loop's week, for the screen's area and below."""
    return count_tiles(
        tasks.week_counts(), ("new", "done", "overdue"), "wall.tasks", lang,
        id_prefix="wall-tasks", tile_class="wall-count task", row_class="wall-counts wall-tasks",
    )  # fmt: skip


def alert_rows(rows: pd.DataFrame, lang: str, period: str) -> html.Ol:
    items = []
    for row in rows.to_dict("records"):
        when = reasons_text(row, lang) or since_text(row, lang, period)
        items.append(
            html.Li(
                [
                    html.Span(className=f"status-dot {row['status']}"),
                    html.Span(area_text(row, lang), className="wall-alert-area"),
                    html.Span(row[f"name_{lang}"], className="wall-alert-name"),
                    html.Span(
                        fmt.with_unit(
                            row["value"], int(row["decimals"]), row[f"unit_{lang}"], lang
                        ),
                        className="wall-alert-value",
                    ),
                    html.Span(when, className="wall-alert-since"),
                ],
                className=f"wall-alert status-{row['status']}",
            )
        )
    return html.Ol(items, className="wall-alerts")


# Where a kept wall view takes this week's task counts, which change with the tasks, not
# with a publish.
_TASKS_SLOT = html.Div(id=ids.WALL_TASKS_SLOT)


def cached_wall_view(
    code: str, lang: str, position: int, playlist: list[str], paused: bool, scene3d: bool = False
) -> list[orjson.Fragment]:
    """``wall_view``, kept under the version and the screen's scope as the JSON it is
    sent as (the playlist follows from those two), with this week's task counts read
    afresh: a wall asks every few seconds, and each step would otherwise cost 40 ms."""
    return answers.remembered_components(
        "page:wall", [code, lang, position, len(playlist), paused, scene3d],
        lambda: wall_view(code, lang, position, playlist, paused, scene3d),
        {_TASKS_SLOT: lambda: task_counts(lang)},
    )  # fmt: skip


def flat_map(area: dict, parent: str, child_level: str, period: str, lang: str) -> dict:
    """The wall's flat map: the children by their alerts, on a dark ground."""
    counts = attention.alert_counts(parent, child_level, period)
    figure = figures.map_figure(
        data.shapes(parent, child_level),
        figures.alert_map_values(counts),
        alerts_indicator(),
        lang,
        highlight=area["code"],
        geojson_url=geometry_url(parent, child_level),
    )
    # Dark ground under the areas: a style with a background layer only, so still no tiles.
    figure["layout"]["map"]["style"] = DARK_MAP_STYLE
    figure["layout"]["font"] = {"color": "#e8eef7", "size": 16}
    # The legend is HTML beside the title, sized with the screen; a colour bar's text
    # would stay at plotly's pixel sizes, tiny on a 4K wall.
    figure["data"][figures.VALUE_TRACE]["showscale"] = False
    figure["data"][figures.BASE_TRACE]["colorscale"] = [[0, "#1d3150"], [1, "#1d3150"]]
    return figure


def scene_slot(area: dict, period: str, lang: str) -> html.Div:
    """Where the wall's one 3D scene stands in this step (``assets/scene3d.js`` moves it
    here): the area it flies to, and its children tinted by their alerts, as the flat map
    of this step would show them."""
    geometry = data.shape_of(area["code"])
    bounds = [float(v) for v in shapely.bounds(shape(geometry))] if geometry else None
    areas = scene_areas(area, alerts_indicator(), period, lang, alerts=True)
    return html.Div(
        id=ids.WALL_SCENE_SLOT,
        className="wall-map wall-scene-slot",
        **{"data-bounds": orjson.dumps(bounds).decode(), "data-code": area["code"],
           "data-areas": orjson.dumps(areas).decode()},
    )  # fmt: skip


def wall_view(
    code: str, lang: str, position: int, playlist: list[str], paused: bool, scene3d: bool = False
) -> list:
    """One step of the wall: the area's header, its children's map by red counts (or the
    3D scene's slot), its alerts and worst indicators; this week's tasks are a slot
    (``cached_wall_view``)."""
    area = data.area(code) or data.top()
    as_of = data.as_of()
    period = as_of["period"]
    parent, child_level = data.map_areas(area)
    alerts = problems.alerts(area["code"], period, limit=7)
    totals = attention.alert_totals(attention.status_counts(area["code"], period), alerts)
    before = fmt.shift_month(period, -1)
    earlier = (
        attention.status_counts(area["code"], before) if before in insights.periods() else None
    )
    cards = data.card_values(area["code"], period)
    trends = area_sparklines(area["code"], cards, period, forecast=True)
    steps = [
        html.Span(className="wall-step" + (" current" if i == position else ""))
        for i in range(len(playlist))
    ]
    return [
        html.Header(
            [
                html.Div(
                    [
                        html.Div(brand.title(lang), className="wall-brand"),
                        html.H1(
                            [
                                html.Span(name(area, lang), id=ids.WALL_AREA),
                                html.Span(t(f"cockpit.{area['level']}", lang), className="lvl"),
                            ]
                        ),
                    ],
                    className="wall-title",
                ),
                html.Div(
                    [
                        html.Div(steps, className="wall-steps"),
                        html.Span(t("wall.paused", lang), className="wall-paused")
                        if paused
                        else None,
                    ],
                    className="wall-progress",
                ),
                html.Div(
                    [
                        html.Div(className="wall-clock-space"),
                        html.Div(
                            [
                                t("asof.period", lang),
                                " ",
                                html.B(fmt.period(period, lang)),
                                " · ",
                                t("asof.refreshed", lang),
                                " ",
                                html.Span(fmt.timestamp(as_of["refreshed"]), id=ids.WALL_REFRESHED),
                            ],
                            className="wall-asof",
                        ),
                    ],
                    className="wall-time",
                ),
            ],
            className="wall-header",
        ),
        html.Div(
            [
                html.Section(
                    [
                        html.Div(
                            [
                                html.H2(t(f"wall.map.{child_level}", lang)),
                                map_legend(lang),
                                html.Span(t("map.synthetic.short", lang), className="map-stamp")
                                if data.boundaries_synthetic(parent, child_level)
                                else None,
                            ],
                            className="wall-map-head",
                        ),
                        scene_slot(area, period, lang)
                        if scene3d
                        else dcc.Graph(
                            figure=flat_map(area, parent, child_level, period, lang),
                            config=WALL_GRAPH_CONFIG,
                            className="wall-map",
                            id=ids.WALL_MAP,
                        ),
                    ],
                    className="wall-panel wall-map-panel",
                ),
                html.Section(
                    [
                        html.Div(
                            [
                                html.Div(
                                    [
                                        html.B(totals[status]),
                                        t(f"status.{status}", lang),
                                        html.Span(
                                            fmt.count_change(
                                                totals[status], earlier[status] if earlier else None
                                            ),
                                            className="delta",
                                        ),
                                    ],
                                    className=f"wall-count {status}",
                                    id=ids.wall_count(status),
                                )
                                for status in ("red", "amber")
                            ],
                            className="wall-counts",
                        ),
                        _TASKS_SLOT,
                        html.H2(t("wall.alerts", lang)),
                        alert_rows(alerts, lang, period),
                    ],
                    className="wall-panel wall-alert-panel",
                ),
                html.Section(
                    [
                        html.H2(t("wall.indicators", lang)),
                        html.Div(
                            [
                                figure_tile(
                                    r, lang, "wall-tile", trend=trends.get(r["indicator_id"])
                                )
                                for r in worst_first(cards, 8).to_dict("records")
                            ],
                            className="wall-tiles",
                        ),
                    ],
                    className="wall-panel wall-tile-panel",
                ),
            ],
            className="wall-grid",
        ),
    ]
