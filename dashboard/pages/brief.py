"""``/brief/<code>``: the printable one-page brief of any area (简报)."""

import dash
from dash import dcc

from dashboard import urls
from dashboard.components.brief import brief
from dashboard.components.cockpit import no_data, not_found
from dashboard.drawing import charts, fmt
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
        # The last year of each indicator, and on the latest month its forecast after it.
        trends = charts.card_sparklines(
            insights.history(area["code"], period),
            dict(zip(cards["indicator_id"], cards["direction"], strict=True)),
            fmt.months_back(period, 12),
            insights.forecasts(area["code"]) if shown is None else None,
        )
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
