"""Page header: area name, level, data period and refresh time, language switch."""

from __future__ import annotations

from dash import dcc, html

from dashboard import fmt
from dashboard.i18n import name, t


def header(area: dict, lang: str, as_of: dict, switch_href: str) -> html.Header:
    return html.Header(
        className="cockpit-header",
        children=[
            html.Div(
                className="brand",
                children=[
                    html.Div(t("app.title", lang), className="brand-title"),
                    html.H1(
                        [
                            html.Span(name(area, lang), className="area-name"),
                            html.Span(t(f"cockpit.{area['level']}", lang), className="area-level"),
                        ]
                    ),
                ],
            ),
            html.Div(
                className="as-of",
                children=[
                    html.Div(
                        [
                            html.Span(t("asof.period", lang) + " "),
                            html.Strong(fmt.period(as_of["period"], lang), id="as-of-period"),
                        ]
                    ),
                    html.Div(
                        f"{t('asof.refreshed', lang)} {fmt.timestamp(as_of['refreshed'])}",
                        className="refreshed",
                    ),
                ],
            ),
            dcc.Link(
                t("lang.switch", lang), href=switch_href, className="lang-switch", id="lang-switch"
            ),
        ],
    )
