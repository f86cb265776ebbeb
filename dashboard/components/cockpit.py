"""The cockpit page of one area. Every level has the same anatomy; only the area changes."""

from __future__ import annotations

from dash import dcc, html

from dashboard import data, figures, ids
from dashboard.components.breadcrumb import breadcrumb
from dashboard.components.cards import card_sections
from dashboard.components.header import header
from dashboard.components.map_panel import map_panel
from dashboard.i18n import pick_lang, t
from dashboard.urls import area_href


def not_found(code: str, level: str, lang: str) -> html.Div:
    return html.Div(
        className="not-found",
        children=[
            html.H1(t("notfound.title", lang)),
            html.P(t("notfound.area", lang, code=code, level=t(f"level.{level}", lang))),
            dcc.Link(t("notfound.back", lang), href=area_href("district", "", lang)),
        ],
    )


def no_data(lang: str) -> html.Div:
    return html.Div(html.P(t("asof.none", lang)), className="not-found")


def default_indicator(options) -> str | None:
    """The first indicator with a status (thresholds), else the first one."""
    if options.empty:
        return None
    with_status = options[options["threshold_green"].notna()]
    return (with_status if len(with_status) else options)["indicator_id"].iloc[0]


def area_page(level: str, code: str | None, lang: str | None, indicator: str | None) -> html.Div:
    lang = pick_lang(lang)
    try:
        area = data.district() if level == "district" else data.find_area(code or "", level)
    except data.NoWarehouse:
        return no_data(lang)
    if area is None:
        return not_found(code or "", level, lang)
    as_of = data.as_of()
    period = as_of["period"]
    parent, child_level = data.map_areas(area)
    options = data.indicators(child_level)
    if indicator not in set(options["indicator_id"]):
        indicator = default_indicator(options)
    cards = data.card_values(area["code"], period) if period else None

    def href_for(indicator_id: str) -> str:
        return area_href(level, area["code"], lang, indicator_id)

    other = "en" if lang == "zh" else "zh"
    body = [
        header(area, lang, as_of, area_href(level, area["code"], other, indicator)),
        breadcrumb(data.ancestors(area["code"]), lang, indicator),
    ]
    main = []
    if indicator is not None:
        values = data.map_values(parent, child_level, indicator, period)
        figure = figures.map_figure(
            data.shapes(parent, child_level),
            values,
            data.indicator(indicator),
            lang,
            highlight=area["code"],
        )
        main.append(
            map_panel(figure, options, indicator, lang, area["level"], data.boundaries_synthetic())
        )
    if cards is not None:
        main.append(
            html.Div(card_sections(cards, lang, href_for, indicator), className="kpi-panel")
        )
    body.append(html.Main(main, className="cockpit-main"))
    body.append(
        dcc.Store(
            id=ids.PAGE_CONTEXT,
            data={"lang": lang, "period": period, "parent": parent, "child_level": child_level},
        )
    )
    return html.Div(
        body, className=f"cockpit level-{area['level']}", lang="zh-CN" if lang == "zh" else "en"
    )
