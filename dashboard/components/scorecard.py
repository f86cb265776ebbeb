"""街道考核排名: the streets ranked across the indicators their departments assess, with
each place's change on last month, on the district page and as a CSV."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import ids
from dashboard.components.downloads import export_link
from dashboard.drawing import fmt
from dashboard.i18n import name, t
from dashboard.urls import area_href


def scorecard_panel(rows: pd.DataFrame, lang: str, period: str, code: str) -> html.Section:
    body = []
    for row in rows.to_dict("records"):
        change, tone = fmt.place_change(row["position"], row["prev_position"])
        body.append(
            html.Tr(
                [
                    html.Td(int(row["position"]), className="num place"),
                    html.Td(html.A(name(row, lang), href=area_href("street", row["code"], lang))),
                    html.Td(fmt.number(row["score"], 1), className="num"),
                    html.Td(change, className=f"num change {tone}"),
                    html.Td(int(row["counted"]), className="num"),
                    html.Td(int(row["red"]), className="num red" if row["red"] else "num"),
                ],
                className="scorecard-row",
            )
        )
    head = html.Tr(
        [
            html.Th(t(f"col.{key}", lang))
            for key in ("position", "street", "score", "position_change", "assessed", "red")
        ]
    )
    return html.Section(
        [
            html.Div(
                [
                    html.H2(t("scorecard.title", lang), className="panel-title"),
                    html.Span(t("scorecard.note", lang), className="muted"),
                    export_link("scorecard", lang, area=code, period=period),
                ],
                className="panel-head",
            ),
            html.Table([html.Thead(head), html.Tbody(body)], className="scorecard")
            if body
            else html.P(t("scorecard.none", lang), className="muted"),
        ],
        className="scorecard-panel panel",
        id=ids.SCORECARD,
    )
