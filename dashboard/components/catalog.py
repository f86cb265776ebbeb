"""The data catalog (公共数据资源目录): one row per source, its owner answering for it."""

from __future__ import annotations

import json

import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.drawing import fmt
from dashboard.drawing.reasons import check_name
from dashboard.i18n import name, t
from dashboard.urls import dept_href


def _quality(row: dict, lang: str) -> list:
    if fmt.missing(row["rows_in"]):
        return ["—"]
    rows_in, rejected = int(row["rows_in"]), int(row["rows_rejected"])
    share = rejected / rows_in * 100 if rows_in else 0.0
    tone = "good" if rejected == 0 else ("bad" if share >= 1 else "warn")
    return [
        html.Span(f"{share:.2f}%", className=f"reject-share {tone}"),
        html.Div(f"{rejected:,} / {rows_in:,} {t('catalog.rows.unit', lang)}", className="muted"),
    ]


def _checks(row: dict, lang: str) -> html.Div:
    checks = row["checks"]
    if checks is None or len(checks) == 0:
        return html.Div(t("catalog.checks.none", lang), className="muted")
    return html.Ul(
        [html.Li(f"{check_name(c['name'], lang)} × {int(c['rows']):,}") for c in checks],
        className="checks",
    )


def _synthetic_tag(row: dict, lang: str) -> html.Span | None:
    """ "演示数据（合成）" on a source served from the demo's files; for the boundaries, how
    many areas have a real boundary and how many a synthetic one."""
    if row["source"] == "boundaries" and not fmt.missing(row.get("real_shapes")):
        real, synthetic = int(row["real_shapes"]), int(row["synthetic_shapes"])
        text = t("catalog.boundaries.count", lang, real=real, synthetic=synthetic)
        return html.Span(text, className="synthetic-tag" if synthetic else "real-tag")
    if not row["synthetic"]:
        return None
    return html.Span(
        t("catalog.synthetic", lang),
        className="synthetic-tag",
        title=t("catalog.synthetic.title", lang),
    )


def _fields(row: dict, lang: str) -> html.Details:
    fields = json.loads(row["schema_json"]) if row["schema_json"] else []
    items = [
        html.Li(
            [
                html.Code(f["name"]),
                f" {f['type']} · ",
                t("catalog.required" if f["required"] else "catalog.optional", lang),
                html.Div(" / ".join(f["headers"]), className="muted"),
            ]
        )
        for f in fields
    ]
    return html.Details(
        [html.Summary(f"{t('catalog.fields', lang)} ({len(fields)})"), html.Ul(items)],
        className="fields",
    )


def _consumers(row: dict, lang: str) -> html.Div | None:
    """The systems that read this source's data through /api/v1 (谁使用谁负责)."""
    names = row.get("consumers") or []
    if not len(names):
        return None
    return html.Div(
        f"{t('catalog.consumers', lang)}: {'、'.join(names)}", className="catalog-consumers"
    )


def catalog_table(sources: pd.DataFrame, lang: str) -> html.Table:
    head = [
        "catalog.department", "catalog.resource", "catalog.cadence", "catalog.last_success",
        "catalog.freshness", "catalog.rejected", "catalog.checks",
    ]  # fmt: skip
    body = []
    for row in sources.to_dict("records"):
        last = None if fmt.missing(row["last_success"]) else row["last_success"]
        error = []
        if row["last_status"] == "failed" and row["last_message"]:
            error = [
                html.Div(
                    f"{t('catalog.last_error', lang)}: {row['last_message']}", className="error"
                )
            ]
        body.append(
            html.Tr(
                [
                    html.Td(
                        dcc.Link(
                            name(row, lang, "department"), href=dept_href(row["department"], lang)
                        )
                    ),
                    html.Td(
                        [
                            html.Strong(
                                name(row, lang, "title"), id=ids.catalog_source(row["source"])
                            ),
                            _synthetic_tag(row, lang),
                            html.Div(f"{row['source']} → {row['table_name']}", className="muted"),
                            html.Div(name(row, lang, "description"), className="description"),
                            _fields(row, lang),
                            _consumers(row, lang),
                            *error,
                        ]
                    ),
                    html.Td(fmt.cadence(row["cadence"], lang)),
                    html.Td(fmt.timestamp(fmt.china_time(last)) if pd.notna(last) else "—"),
                    html.Td(
                        html.Span(
                            t(f"fresh.{row['freshness']}", lang),
                            className=f"badge {row['freshness']}",
                        )
                    ),
                    html.Td(_quality(row, lang)),
                    html.Td(_checks(row, lang)),
                ],
                id={"type": "catalog-row", "source": row["source"]},
            )
        )
    return html.Table(
        [html.Thead(html.Tr([html.Th(t(h, lang)) for h in head])), html.Tbody(body)],
        className="catalog-table",
    )
