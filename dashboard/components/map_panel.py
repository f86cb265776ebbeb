"""The map card: indicator picker (searchable, grouped by the five domains), status or
value colouring, the children map, point layers with their legend, and the
synthetic-boundary notice."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from cockpit.levels import child_level
from dashboard import ids
from dashboard.access import scope
from dashboard.drawing.figures import MAP_MODES
from dashboard.drawing.point_layers import POINT_LAYERS
from dashboard.i18n import name, t
from dashboard.reading import warehouse
from dashboard.reading.data import DOMAIN_ORDER
from dashboard.urls import geometry_href

GRAPH_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "responsive": True,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendChartToCloud", "sendDataToCloud"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def point_toggles(layers: list[str], lang: str) -> dcc.Checklist:
    """The layers' switches are their legend too: each shows its mark (colour and shape),
    and the red ring the flagged points wear is explained beside them."""
    return dcc.Checklist(
        id=ids.POINT_LAYERS,
        options=[
            {
                "label": html.Span(
                    [html.Span(className=f"point-mark {layer}"), t(f"points.{layer}", lang)],
                    className="point-legend",
                    title=t(f"points.{layer}.flag", lang),
                ),
                "value": layer,
            }
            for layer in POINT_LAYERS
        ],
        value=layers,
        inline=True,
        className="point-toggles",
    )


def indicator_options(options: pd.DataFrame, lang: str) -> list[dict]:
    """The indicators under their domain's heading; typing searches names and domains."""
    out = []
    for domain in DOMAIN_ORDER:
        rows = options[options["domain"] == domain]
        if rows.empty:
            continue
        domain_name = t(f"domain.{domain}", lang)
        out.append(
            {
                "label": html.Span(domain_name, className="option-group"),
                "value": f"domain:{domain}",
                "disabled": True,
                "search": domain_name,
            }
        )
        out += [
            {
                "label": html.Span(name(r, lang), className="option-indicator"),
                "value": r["indicator_id"],
                "search": f"{name(r, lang)} {domain_name} {r['indicator_id']}",
            }
            for r in rows.to_dict("records")
        ]
    return out


def map_panel(
    figure: dict,
    options: pd.DataFrame,
    selected: str,
    lang: str,
    level: str,
    synthetic: bool,
    layers: list[str] = (),
    mode: str = "status",
    scene: str | None = None,
) -> html.Section:
    dropdown = dcc.Dropdown(
        id=ids.INDICATOR,
        options=indicator_options(options, lang),
        value=selected,
        clearable=False,
        searchable=True,
        labels={"search": t("map.search", lang), "no_options_found": t("map.search.none", lang)},
        className="indicator-select",
    )
    colouring = dcc.RadioItems(
        id=ids.MAP_MODE,
        options=[{"label": t(f"map.mode.{m}", lang), "value": m} for m in MAP_MODES],
        value=mode,
        inline=True,
        className="map-mode",
        # A park is one area: nothing to compare its colour with, so no choice of colouring.
        style={"display": "none"} if level == "park" else None,
    )
    notes = [html.Span(t("map.hint", lang), className="map-hint")] if child_level(
        level) else []  # fmt: skip
    if synthetic:
        notes.append(
            html.Span(t("map.synthetic", lang), className="synthetic-note", id=ids.SYNTHETIC_NOTE)
        )
    return html.Section(
        className="map-panel",
        children=[
            html.Div(
                [
                    html.H2(t(f"map.children.{level}", lang), className="panel-title"),
                    html.Label([t("map.indicator", lang), dropdown], className="indicator-label"),
                    # A named group, not a <label>: the choices are labelled inputs of
                    # their own (assets/dash_a11y.js).
                    html.Div(
                        [html.Span(t("map.mode", lang)) if level != "park" else None, colouring],
                        className="indicator-label",
                        role="group",
                        **{"aria-label": t("map.mode", lang)},
                    ),
                    # The same area as a 3D scene, buildings and all (/3d).
                    # A page of its own, outside Dash's router: a plain link.
                    html.A(t("scene.open3d", lang), href=scene, className="scene-link")
                    if scene
                    else None,
                ],
                className="panel-head",
            ),
            html.Div(
                [
                    dcc.Graph(
                        id=ids.MAP,
                        figure=figure,
                        config=GRAPH_CONFIG,
                        style={"height": "var(--map-height)"},
                    ),
                    html.Span(t("map.synthetic.short", lang), className="map-stamp")
                    if synthetic
                    else None,
                ],
                className="area-map",
            ),
            html.Div(
                [
                    point_toggles(list(layers), lang),
                    html.Span(t("points.flagged", lang), className="point-legend flagged"),
                ],
                className="point-row",
                role="group",
                **{"aria-label": t("map.points.group", lang)},
            ),
            html.Div(notes, className="map-notes"),
        ],
    )


def geometry_url(parent_code: str, level: str) -> str:
    """The caller's shapes of ``parent_code``'s ``level`` children, for the published
    version: figures name this URL instead of carrying coordinates."""
    return geometry_href(warehouse.warehouse_version(), scope.root(), parent_code, level)
