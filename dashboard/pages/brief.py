"""``/brief/<code>``: the printable one-page brief of any area (简报)."""

import dash
from dash import dcc

from dashboard import urls
from dashboard.components.brief import brief
from dashboard.components.cards import area_sparklines
from dashboard.components.cockpit import no_data, not_found
from dashboard.i18n import pick_lang, t
from dashboard.reading import attention, data, insights, problems, warehouse
from dashboard.urls import area_href, link_code


def layout(code: str = "", lang: str | None = None, period: str | None = None, **_query: str):
    lang = pick_lang(lang)
    try:
        area = data.area(code)
        if area is None:
            return not_found(code, "community", lang)
        chosen = insights.which_period(period)
        if chosen is None:
            return no_data(lang)
        period, shown = chosen.period, chosen.shown
        back = dcc.Link(
            t("brief.back", lang),
            href=area_href(area["level"], link_code(area), lang, None, shown),
            className="tool-link",
        )
        alerts = problems.alerts(area["code"], period, limit=8)
        cards = data.card_values(area["code"], period)
        trends = area_sparklines(area["code"], cards, period, forecast=True)
        return brief(
            area,
            period,
            data.as_of(),
            cards,
            alerts,
            attention.alert_totals(attention.status_counts(area["code"], period), alerts),
            lang,
            back,
            trends,
        )
    except warehouse.NoWarehouse:
        return no_data(lang)


dash.register_page(
    __name__, path_template=urls.BRIEF_TEMPLATE, name="brief", title="简报", layout=layout
)
