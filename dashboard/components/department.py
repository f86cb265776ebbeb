"""Department cockpits (部门驾驶舱): one department's indicators across the tree, and how
its own data deliveries are doing (谁提供谁负责)."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard.drawing import fmt
from dashboard.i18n import catalog, name, t
from dashboard.urls import area_href, dept_href, with_lang


def department_name(row: dict, lang: str) -> str:
    """Named by its sources' catalog entries; an owner without sources by the UI catalog."""
    given = row.get(f"department_{lang}")
    if isinstance(given, str) and given:
        return given
    return catalog(lang).get(f"dept.{row['department']}", row["department"])


def department_index(departments: pd.DataFrame, lang: str) -> html.Div:
    cards = [
        dcc.Link(
            [
                html.Div(department_name(row, lang), className="dept-name"),
                html.Div(
                    t("dept.counts", lang, indicators=row["indicators"], sources=row["sources"]),
                    className="muted",
                ),
            ],
            href=dept_href(row["department"], lang),
            className="dept-card",
            id={"type": "dept-card", "department": row["department"]},
        )
        for row in departments.to_dict("records")
    ]
    return html.Div(cards, className="dept-grid")


def _cell(row: dict, lang: str) -> html.Td:
    status = row["status"] if isinstance(row["status"], str) else "none"
    if row["suppressed"] is True:
        text = fmt.suppressed(row["suppress_below"], row.get("suppressed_kind"), lang)
    else:
        text = fmt.number(row["value"], int(row["decimals"]))
    level = row["level"]
    href = area_href(level, row["code"], lang, row["indicator_id"])
    return html.Td(dcc.Link(text, href=href), className=f"cell status-{status}")


def indicator_matrix(matrix: pd.DataFrame, lang: str) -> html.Table:
    """Rows: the department's indicators; columns: the district, its streets, its parks."""
    if matrix.empty:
        return html.P(t("dept.no_indicators", lang), className="muted")
    first = matrix["indicator_id"].iloc[0]
    columns = matrix[matrix["indicator_id"] == first].to_dict("records")
    head = [html.Th(t("dept.indicator", lang))] + [
        html.Th(name(c, lang, "area"), className=f"col-{c['level']}") for c in columns
    ]
    body = []
    for indicator_id, rows in matrix.groupby("indicator_id", sort=False):
        records = rows.to_dict("records")
        first_row = records[0]
        unit = first_row[f"unit_{lang}"]
        label = [
            dcc.Link(
                name(first_row, lang),
                href=with_lang("/indicators", lang) + f"#indicator-{indicator_id}",
            ),
            html.Span(unit, className="muted unit"),
        ]
        body.append(
            html.Tr(
                [html.Th(label, scope="row")] + [_cell(r, lang) for r in records],
                id={"type": "dept-row", "indicator": indicator_id},
            )
        )
    return html.Table(
        [html.Thead(html.Tr(head)), html.Tbody(body)], className="dept-matrix catalog-table"
    )


def _on_time(row: dict, lang: str) -> html.Span:
    if fmt.missing(row["on_time"]):
        return html.Span("—", className="muted")
    key = "dept.on_time" if row["on_time"] else "dept.late"
    return html.Span(t(key, lang), className=f"badge {'fresh' if row['on_time'] else 'stale'}")


def delivery_table(deliveries: pd.DataFrame, lang: str) -> html.Table | html.P:
    if deliveries.empty:
        return html.P(t("dept.no_sources", lang), className="muted")
    head = ["dept.source", "catalog.freshness", "dept.period", "dept.received", "dept.due",
            "dept.timeliness", "catalog.rejected"]  # fmt: skip
    body = []
    for row in deliveries.to_dict("records"):
        rows_in = 0 if fmt.missing(row["rows_in"]) else int(row["rows_in"])
        rejected = 0 if fmt.missing(row["rows_rejected"]) else int(row["rows_rejected"])
        share = f"{rejected / rows_in * 100:.2f}%" if rows_in else "—"
        received = None if fmt.missing(row["received"]) else row["received"]
        due = None if fmt.missing(row["due"]) else row["due"]
        period = row["period"]
        body.append(
            html.Tr(
                [
                    html.Td(
                        dcc.Link(
                            name(row, lang, "title"),
                            href=with_lang("/catalog", lang) + f"#source-{row['source']}",
                        )
                    ),
                    html.Td(
                        html.Span(
                            t(f"fresh.{row['freshness']}", lang),
                            className=f"badge {row['freshness']}",
                        )
                    ),
                    html.Td(fmt.period(period, lang) if isinstance(period, str) else "—"),
                    html.Td(fmt.timestamp(fmt.china_time(received)) if pd.notna(received) else "—"),
                    html.Td(f"{due:%Y-%m-%d}" if due else "—"),
                    html.Td(_on_time(row, lang)),
                    html.Td(f"{share} ({rejected:,}/{rows_in:,})"),
                ],
                id={"type": "delivery-row", "source": row["source"]},
            )
        )
    return html.Table(
        [html.Thead(html.Tr([html.Th(t(h, lang)) for h in head])), html.Tbody(body)],
        className="catalog-table delivery-table",
    )
