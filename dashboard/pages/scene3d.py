"""``/3d`` and ``/3d/<level>/<code>``: any area as a 3D scene (三维实景), its buildings
extruded to their heights, its children tinted by an indicator's status, its facilities
as columns. A click on an area flies to it and opens its scene. The scene is drawn in the
browser by ``assets/scene3d.js`` (MapLibre GL JS, vendored) from the spec the server reads
for the caller's scope."""

from __future__ import annotations

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html
from werkzeug.exceptions import BadRequest

from dashboard import ids, urls
from dashboard.access import auth, views
from dashboard.components.cockpit import no_data, not_found
from dashboard.components.header import page_header
from dashboard.components.scene import scene_spec
from dashboard.drawing import point_layers
from dashboard.i18n import name, pick_lang, t
from dashboard.reading import attention, data, insights, warehouse


def _area(level: str | None, code: str | None) -> dict | None:
    return data.top() if level is None else data.find_area(code or "", level)


def _controls(area: dict, indicator: str, options, layers: list[str], lang: str) -> html.Div:
    parent_link = None
    if area.get("parent_code") and (parent := data.area(area["parent_code"])) is not None:
        parent_link = dcc.Link(
            f"↑ {name(parent, lang)}",
            href=urls.scene_href(parent["level"], urls.link_code(parent), lang, indicator),
            className="scene-up",
        )
    return html.Div(
        [
            parent_link,
            html.Label(
                [
                    html.Span(t("scene.indicator", lang), className="scene-control-label"),
                    dcc.Dropdown(
                        id=ids.SCENE_INDICATOR,
                        options=[
                            {"label": name(row, lang), "value": row["indicator_id"]}
                            for row in options.to_dict("records")
                        ],
                        value=indicator,
                        clearable=False,
                        className="scene-indicator",
                    ),
                ],
                className="scene-control",
            ),
            dcc.Checklist(
                id=ids.SCENE_LAYERS,
                options=[
                    {"label": t(f"points.{layer}", lang), "value": layer}
                    for layer in point_layers.POINT_LAYERS
                ],
                value=layers,
                inline=True,
                className="scene-layers",
                inputClassName="scene-layer-box",
            ),
            dcc.Link(
                t("scene.open2d", lang),
                href=urls.area_href(area["level"], urls.link_code(area), lang, indicator),
                className="scene-2d",
            ),
        ],
        className="scene-controls",
    )


def layout(
    level: str | None = None,
    code: str | None = None,
    lang: str | None = None,
    indicator: str | None = None,
    **query: str,
):
    lang = pick_lang(lang)
    try:
        area = _area(level, code)
        if area is None:
            return not_found(code or "", level or "district", lang)
        as_of = data.as_of()
        chosen = insights.which_period(query.get("period"))
        if chosen is None:
            return no_data(lang)
        parent, child_level = data.map_areas(area)
        options = data.indicators(child_level)
        if indicator not in set(options["indicator_id"]):
            indicator = attention.most_urgent(area["code"], parent, child_level, chosen.period)
        if indicator is None and len(options):
            # No value here this month: the scene still shows the place, by the first one.
            indicator = str(options["indicator_id"].iloc[0])
        chosen_indicator = data.indicator(indicator) if indicator else None
        if chosen_indicator is None:
            return no_data(lang)
        layers = list(point_layers.POINT_LAYERS)
        spec = scene_spec(area, chosen_indicator, chosen.period, layers, lang)
    except warehouse.NoWarehouse:
        return no_data(lang)
    other = "en" if lang == "zh" else "zh"
    title = [
        html.Span(name(area, lang), className="area-name"),
        html.Span(t(f"cockpit.{area['level']}", lang), className="area-level"),
        html.Span(t("scene.title", lang), className="area-level scene-badge"),
    ]
    switch = urls.scene_href(area["level"], urls.link_code(area), other, indicator)
    return html.Div(
        [
            page_header(title, lang, {**as_of, "period": chosen.period}, switch),
            _controls(area, indicator, options, layers, lang),
            html.Div(
                [
                    html.Span(
                        spec["buildings"]["text"],
                        id=ids.SCENE_COUNT,
                        className="scene-count",
                        title=t("scene.synthetic.title", lang)
                        if t("scene.synthetic", lang) in spec["buildings"]["text"]
                        else None,
                    ),
                    html.Span(t("scene.help", lang), className="scene-help muted"),
                ],
                className="scene-caption",
            ),
            dcc.Store(id=ids.SCENE_SPEC, data=spec),
            html.Div(
                html.Div(t("scene.loading", lang), className="scene-status"),
                id=ids.SCENE,
                className="scene3d",
                role="application",
                **{"aria-label": f"{name(area, lang)} {t('scene.title', lang)}"},
            ),
        ],
        className="scene-page",
    )


def top_layout(lang: str | None = None, indicator: str | None = None, **query: str):
    return layout(None, None, lang, indicator, **query)


dash.register_page(
    "dashboard.pages.scene3d_top", path=urls.SCENE, name="scene3d", title="三维实景",
    layout=top_layout,
)  # fmt: skip
for _level in urls.AREA_LEVELS:
    dash.register_page(
        f"dashboard.pages.scene3d_{_level}",
        path_template=urls.scene_template(_level),
        name=f"scene3d-{_level}",
        title="三维实景",
        layout=lambda code="", _lv=_level, **kw: layout(_lv, code, **kw),
    )


@callback(
    Output(ids.SCENE_SPEC, "data"),
    Output(ids.SCENE_COUNT, "children"),
    Input(ids.SCENE_INDICATOR, "value"),
    Input(ids.SCENE_LAYERS, "value"),
    State(ids.NAV, "pathname"),
    State(ids.NAV, "search"),
    prevent_initial_call=True,
)
def choose(indicator_id, layers, pathname, search):
    """Another indicator tints the areas; the facility layers come and go. The area comes
    from the URL, checked against the caller's scope on the server."""
    view = views.area_view(urls.scene_area_path(pathname), search)
    indicator = data.indicator(views.indicator_id(indicator_id))
    if indicator is None:
        raise BadRequest("no such indicator")
    layers = views.choices(layers, point_layers.POINT_LAYERS)
    auth.record("indicator_view", area=view.area["code"], detail={"indicator": indicator_id})
    spec = scene_spec(view.area, indicator, view.period, layers, view.lang)
    return spec, spec["buildings"]["text"]


clientside_callback(
    ClientsideFunction("scene3d", "render"),
    Output(ids.SCENE, "className"),
    Input(ids.SCENE_SPEC, "data"),
)
