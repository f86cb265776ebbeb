"""``/3d`` and ``/3d/<level>/<code>``: any area as a 3D scene (三维实景), its buildings
extruded to their heights, its children tinted by an indicator's status, its facilities
as columns (``components.scene``; drawn by ``assets/scene3d.js`` with MapLibre GL JS).

A plain page, not a Dash page, for speed: measured with ``python -m bench.scene3d``, the
Dash page spent 1.4 s before its buildings could be asked for (compiling plotly.js, which
the scene does not use, React, then a round trip for the layout). Here the HTML carries
the scene's spec and names its data in ``Link: rel=preload`` headers, so the browser
fetches the buildings while MapLibre starts. ``?format=json`` answers the spec alone: the
page asks for it when another indicator or facility layer is chosen. The area comes from
the URL and the caller's scope, as on every page; nothing the browser sends widens it.
"""

from __future__ import annotations

import flask
import orjson

from dashboard import urls
from dashboard.access import auth
from dashboard.components.scene import scene_spec
from dashboard.drawing import fmt, point_layers
from dashboard.i18n import name, pick_lang, t
from dashboard.reading import attention, brand, data, insights, warehouse
from dashboard.routes.scene_page import NOT_FOUND_TEMPLATE, SCENE_TEMPLATE


def _page(template: str, status: int = 200, **values: object) -> flask.Response:
    body = flask.render_template_string(template, t=t, head_links=urls.HEAD_LINKS, **values)
    return flask.Response(body, status=status, mimetype="text/html")


def _not_found(message: str, lang: str) -> flask.Response:
    home = urls.with_lang(urls.HOME, lang)
    return _page(NOT_FOUND_TEMPLATE, 404, lang=lang, message=message, home=home)


def _layers(asked: str | None) -> list[str]:
    """The facility layers the URL names (``layers=hotline,parking``); all by default."""
    if asked is None:
        return list(point_layers.POINT_LAYERS)
    return [layer for layer in point_layers.POINT_LAYERS if layer in asked.split(",")]


def _href(area: dict, lang: str, indicator: str, layers: list[str]) -> str:
    href = urls.scene_href(area["level"], urls.link_code(area), lang, indicator)
    if layers != list(point_layers.POINT_LAYERS):
        href += ("&" if "?" in href else "?") + f"layers={','.join(layers)}"
    return href


def serve(level: str | None = None, code: str | None = None) -> flask.Response:
    args = flask.request.args
    lang = pick_lang(args.get("lang"))
    if level is not None and level not in urls.AREA_LEVELS:
        flask.abort(404)
    try:
        area = data.top() if level is None else data.find_area(code or "", level)
        if area is None:
            auth.record("not_found", area=code, detail={"reason": f"no {level} {code}"})
            return _not_found(
                t("notfound.area", lang, code=code, level=t(f"level.{level}", lang)), lang
            )
        chosen = insights.which_period(args.get("period"))
        if chosen is None:
            return _not_found(t("asof.none", lang), lang)
        parent, child_level = data.map_areas(area)
        options = data.indicators(child_level)
        indicator = args.get("indicator")
        if indicator not in set(options["indicator_id"]):
            indicator = attention.most_urgent(area["code"], parent, child_level, chosen.period)
        if indicator is None and len(options):
            # No value here this month: the scene still shows the place, by the first one.
            indicator = str(options["indicator_id"].iloc[0])
        chosen_indicator = data.indicator(indicator) if indicator else None
        if chosen_indicator is None:
            return _not_found(t("asof.none", lang), lang)
        layers = _layers(args.get("layers"))
        spec = scene_spec(area, chosen_indicator, chosen.period, layers, lang)
        as_of = data.as_of()
        up = data.area(area["parent_code"]) if area.get("parent_code") else None
    except warehouse.NoWarehouse:
        return _not_found(t("asof.none", lang), lang)
    auth.record("page_view", area=area["code"], detail={"indicator": indicator, "scene": "3d"})
    if args.get("format") == "json":
        return flask.Response(orjson.dumps(spec), mimetype="application/json")
    other = "en" if lang == "zh" else "zh"
    response = _page(
        SCENE_TEMPLATE,
        lang=lang,
        brand=brand.title(lang),
        area_name=name(area, lang),
        level_text=t(f"cockpit.{area['level']}", lang),
        nav=[
            (urls.with_lang(urls.HOME, lang), t("nav.home", lang)),
            (urls.with_lang("/indicators", lang), t("nav.indicators", lang)),
            (urls.with_lang("/dept", lang), t("nav.departments", lang)),
            (urls.with_lang("/catalog", lang), t("nav.catalog", lang)),
        ],
        period_text=fmt.period(chosen.period, lang),
        refreshed=fmt.timestamp(as_of["refreshed"]),
        switch=_href(area, other, indicator, layers),
        up=(_href(up, lang, indicator, layers), name(up, lang)) if up else None,
        indicators=[(r["indicator_id"], name(r, lang)) for r in options.to_dict("records")],
        indicator=indicator,
        layer_options=[(layer, t(f"points.{layer}", lang)) for layer in point_layers.POINT_LAYERS],
        layers=layers,
        flat=urls.area_href(area["level"], urls.link_code(area), lang, indicator),
        count_text=spec["buildings"]["text"],
        synthetic=t("scene.synthetic", lang) in spec["buildings"]["text"],
        # Not executed, only read: "</" could still end the element early.
        spec_json=orjson.dumps(spec).decode().replace("</", "<\\/"),
    )
    # The areas' shapes, asked for at once: the browser fetches them while MapLibre starts
    # (and MapLibre's worker fetches the buildings itself, from the style).
    wanted = [spec["areas"]["url"]]
    response.headers["Link"] = ", ".join(
        f"<{url}>; rel=preload; as=fetch; crossorigin" for url in wanted if url
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def register(server: flask.Flask) -> None:
    server.add_url_rule(urls.SCENE, "scene", serve)
    server.add_url_rule(f"{urls.SCENE}/<level>/<code>", "scene_area", serve)
