"""The map card: indicator picker, the children map, and the synthetic-boundary notice."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.figures import POINT_LAYERS
from dashboard.i18n import name, t

GRAPH_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "responsive": True,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendChartToCloud", "sendDataToCloud"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def point_toggles(layers: list[str], lang: str) -> dcc.Checklist:
    return dcc.Checklist(
        id=ids.POINT_LAYERS,
        options=[{"label": t(f"points.{name}", lang), "value": name} for name in POINT_LAYERS],
        value=layers,
        inline=True,
        className="point-toggles",
    )


def map_panel(
    figure: dict,
    options: pd.DataFrame,
    selected: str,
    lang: str,
    level: str,
    synthetic: bool,
    layers: list[str] = (),
) -> html.Section:
    dropdown = dcc.Dropdown(
        id=ids.INDICATOR,
        options=[
            {"label": name(r, lang), "value": r["indicator_id"]} for r in options.to_dict("records")
        ],
        value=selected,
        clearable=False,
        searchable=False,
        className="indicator-select",
    )
    notes = [html.Span(t("map.hint", lang), className="map-hint")] if level != "community" else []
    if synthetic:
        notes.append(
            html.Span(t("map.synthetic", lang), className="synthetic-note", id="synthetic-note")
        )
    return html.Section(
        className="map-panel",
        children=[
            html.Div(
                [
                    html.H2(t(f"map.children.{level}", lang), className="panel-title"),
                    html.Label([t("map.indicator", lang), dropdown], className="indicator-label"),
                ],
                className="panel-head",
            ),
            dcc.Graph(
                id=ids.MAP,
                figure=figure,
                config=GRAPH_CONFIG,
                className="area-map",
                style={"height": "var(--map-height)"},
            ),
            point_toggles(list(layers), lang),
            html.Div(notes, className="map-notes"),
        ],
    )
