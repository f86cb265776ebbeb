"""The printable one-page brief of an area: what is red, where and since when, and every
indicator of the area with its status and change, laid out for one A4 page."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import ids
from dashboard.components.alerts import area_text, reasons_text
from dashboard.drawing import fmt
from dashboard.i18n import name, t
from dashboard.reading import brand
from dashboard.reading.data import DOMAIN_ORDER


def _status_cell(status: object, lang: str) -> html.Td:
    if not isinstance(status, str):
        return html.Td("", className="status")
    return html.Td(
        [html.Span(className=f"status-dot {status}"), t(f"status.{status}", lang)],
        className=f"status status-{status}",
    )


def _trend_cell(trend: str | None, lang: str) -> html.Td:
    if not trend:
        return html.Td("", className="trend")
    return html.Td(
        html.Img(src=trend, className="brief-trend", alt=t("trend.alt", lang)),
        className="trend",
    )


def kpi_table(
    cards: pd.DataFrame, lang: str, trends: dict[str, str] | None = None
) -> list[html.Div]:
    """One compact table per domain, each indicator with its last year and, on the latest
    month, its forecast (``trends``: indicator id → sparkline)."""
    trends = trends or {}
    blocks = []
    for domain in DOMAIN_ORDER:
        rows = cards[cards["domain"] == domain]
        if rows.empty:
            continue
        body = []
        for row in rows.to_dict("records"):
            decimals, unit = int(row["decimals"]), row[f"unit_{lang}"]
            delta = fmt.change(row["value"], row["prev_value"], unit)
            yoy = fmt.change(row["value"], row["yoy_value"], unit)
            body.append(
                html.Tr(
                    [
                        html.Td(name(row, lang), className="name"),
                        html.Td(
                            fmt.suppressed(row["suppress_below"], row.get("suppressed_kind"), lang)
                            if row["suppressed"] is True
                            else fmt.with_unit(row["value"], decimals, unit, lang),
                            className="num",
                        ),
                        _status_cell(row["status"], lang),
                        html.Td(
                            fmt.signed_change(delta, unit, lang),
                            className=f"num change {fmt.change_tone(delta, row['direction'])}",
                        ),
                        html.Td(
                            fmt.signed_change(yoy, unit, lang),
                            className=f"num change {fmt.change_tone(yoy, row['direction'])}",
                        ),
                        _trend_cell(trends.get(row["indicator_id"]), lang),
                    ]
                )
            )
        blocks.append(
            html.Div(
                [
                    html.H3(t(f"domain.{domain}", lang)),
                    html.Table(
                        [
                            html.Thead(
                                html.Tr(
                                    [
                                        html.Th(t("col.indicator", lang)),
                                        html.Th(t("col.value", lang)),
                                        html.Th(t("col.status", lang)),
                                        html.Th(t("card.vs_prev", lang)),
                                        html.Th(t("card.vs_yoy", lang)),
                                        html.Th(t("brief.trend", lang)),
                                    ]
                                )
                            ),
                            html.Tbody(body),
                        ],
                        className="brief-table",
                    ),
                ],
                className="brief-domain",
            )
        )
    return blocks


def alert_lines(alerts: pd.DataFrame, lang: str, period: str) -> html.Ol | html.P:
    if alerts.empty:
        return html.P(t("alerts.none", lang))
    items = []
    for row in alerts.to_dict("records"):
        why = reasons_text(row, lang)
        value = fmt.with_unit(row["value"], int(row["decimals"]), row[f"unit_{lang}"], lang)
        items.append(
            html.Li(
                [
                    html.Span(className=f"status-dot {row['status']}"),
                    html.B(area_text(row, lang)),
                    f" {row[f'name_{lang}']} {value}（{why}）"
                    if lang == "zh"
                    else f" {row[f'name_{lang}']} {value} ({why})",
                ]
            )
        )
    return html.Ol(items, className="brief-alerts")


def brief(
    area: dict,
    period: str,
    as_of: dict,
    cards: pd.DataFrame,
    alerts: pd.DataFrame,
    counts: dict[str, int],
    lang: str,
    back: html.A,
    trends: dict[str, str] | None = None,
) -> html.Div:
    kind = area["level"]
    level = t(f"cockpit.{kind}", lang)
    return html.Div(
        [
            html.Div(
                [
                    back,
                    html.Button(t("brief.print", lang), id=ids.BRIEF_PRINT, className="tool-link"),
                ],
                className="brief-tools no-print",
            ),
            html.Header(
                [
                    html.Div(brand.title(lang), className="brief-brand"),
                    html.H1(" · ".join([name(area, lang), level, t("brief.title", lang)])),
                    html.P(
                        t(
                            "brief.meta",
                            lang,
                            period=fmt.period(period, lang),
                            refreshed=fmt.timestamp(as_of["refreshed"]),
                            red=counts["red"],
                            amber=counts["amber"],
                        ),
                        className="brief-meta",
                    ),
                ]
            ),
            html.Section(
                [html.H2(t("brief.alerts", lang)), alert_lines(alerts, lang, period)],
                className="brief-section",
            ),
            html.Section(
                [
                    html.H2(t("brief.indicators", lang)),
                    html.Div(kpi_table(cards, lang, trends), className="brief-columns"),
                ],
                className="brief-section",
            ),  # fmt: skip
        ],
        className="brief",
        lang="zh-CN" if lang == "zh" else "en",
    )
