"""The alerts panel: red and amber indicators of this area and below, worst first, each
linking to the area where it is red or amber."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import fmt
from dashboard.i18n import t
from dashboard.urls import area_href


def since_text(row: dict, lang: str, period: str) -> str:
    """Since when an alert has been red or amber without a break: 'new this month' when
    the run starts in ``period``."""
    since = row["since"]
    if isinstance(since, str) and since < period:
        return t("alerts.since", lang, period=fmt.period(since, lang))
    return t("alerts.new", lang)


def alert_item(row: dict, lang: str, period: str) -> html.Li:
    unit = row[f"unit_{lang}"]
    return html.Li(
        dcc.Link(
            href=area_href(row["level"], row["area_code"], lang, row["indicator_id"]),
            className=f"alert-item status-{row['status']}",
            children=[
                html.Span(className=f"status-dot {row['status']}"),
                html.Span(row[f"area_{lang}"], className="alert-area"),
                html.Span(row[f"name_{lang}"], className="alert-indicator"),
                html.Span(
                    fmt.with_unit(row["value"], int(row["decimals"]), unit), className="alert-value"
                ),
                html.Span(since_text(row, lang, period), className="alert-since"),
            ],
        )
    )


def alerts_panel(
    rows: pd.DataFrame, counts: dict[str, int], lang: str, period: str, csv_link: html.A
) -> html.Section:
    head = html.Div(
        [
            html.H2(t("alerts.title", lang), className="panel-title"),
            html.Span(
                [
                    html.Span(f"{t('status.red', lang)} {counts['red']}", className="count red"),
                    html.Span(
                        f"{t('status.amber', lang)} {counts['amber']}", className="count amber"
                    ),
                ],
                className="alert-counts",
            ),
            csv_link,
        ],
        className="panel-head",
    )
    if rows.empty:
        body = html.P(t("alerts.none", lang), className="muted alerts-empty")
    else:
        items = [alert_item(r, lang, period) for r in rows.to_dict("records")]
        total = int(rows["total"].iloc[0])
        body = html.Div(
            [
                html.Ol(items, className="alert-list"),
                html.P(t("alerts.more", lang, n=total - len(rows)), className="muted")
                if total > len(rows)
                else None,
            ]
        )
    return html.Section([head, body], className="alerts-panel panel")
