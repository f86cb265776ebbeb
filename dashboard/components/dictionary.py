"""The indicator dictionary (指标字典): every indicator's definition, generated from the
layer specs as published, with its lineage from source to layer file to cockpits."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from cockpit.levels import LEVELS
from dashboard import ids
from dashboard.drawing import fmt
from dashboard.i18n import name, t
from dashboard.reading.data import DOMAIN_ORDER
from dashboard.urls import area_href, dept_href, with_lang


def _listed(value: object) -> list:
    """A list column as read from DuckDB (an array, or None)."""
    return [] if value is None else list(value)  # type: ignore[call-overload]


def _bounds_text(row: dict, lang: str) -> list:
    """Per level: where green ends and red begins, in the indicator's unit."""
    bounds = _listed(row["bounds"])
    if not bounds or all(fmt.missing(b["green"]) for b in bounds):
        return [html.Span(t("dict.no_thresholds", lang), className="muted")]
    unit = row[f"unit_{lang}"]
    decimals = int(row["decimals"])
    better = "≥" if row["direction"] == "higher_better" else "≤"
    items = []
    for b in sorted(bounds, key=lambda b: LEVELS.index(b["level"])):
        green = fmt.with_unit(b["green"], decimals, unit, lang)
        amber = fmt.with_unit(b["amber"], decimals, unit, lang)
        text = t("dict.bounds", lang, better=better, green=green, amber=amber)
        items.append(html.Li([html.Strong(t(f"level.{b['level']}", lang) + " "), text]))
    note = []
    if row["threshold_basis"] == "target":
        note = [html.Div(t("dict.basis_target", lang), className="muted")]
    return [html.Ul(items, className="bounds"), *note]


def _target_text(row: dict, lang: str) -> str:
    unit = row[f"unit_{lang}"]
    targets = {b["level"]: b["target"] for b in _listed(row["bounds"])}
    values = {v for v in targets.values() if not fmt.missing(v)}
    if not values:
        return "—"
    if len(values) == 1:
        return fmt.with_unit(values.pop(), int(row["decimals"]), unit, lang)
    return "; ".join(
        f"{t(f'level.{lvl}', lang)} {fmt.with_unit(v, int(row['decimals']), unit, lang)}"
        for lvl, v in targets.items()
        if not fmt.missing(v)
    )


def _forecast_text(row: dict, lang: str) -> list:
    """How well the indicator's forecasts did in their backtest, and whether they may warn:
    MASE against the seasonal naive forecast's, and how often the 80% interval held."""
    if fmt.missing(row.get("mase")):
        return [html.Span(t("dict.forecast_none", lang), className="muted")]
    verdict = (
        # Without a red boundary there is nothing to warn of: forecast only.
        "dict.forecast_monitor" if fmt.missing(row.get("threshold_amber"))
        else "dict.forecast_used" if row["warns"]
        else "dict.forecast_unused" if not row["beats_naive"] else "dict.forecast_narrow"
    )  # fmt: skip
    rule = ""
    if not fmt.missing(row.get("forecast_within")):
        rule = t(
            "dict.forecast_rule", lang, n=int(row["forecast_within"]),
            p=round(100 * row["forecast_probability"]),
        )  # fmt: skip
    return [
        html.Span(
            t(
                "dict.forecast_text",
                lang,
                mase=f"{row['mase']:.2f}",
                naive=f"{row['naive_mase']:.2f}",
                coverage=round(100 * row["coverage80"]),
                n=f"{int(row['backtested']):,}",
            ),
            className="forecast-accuracy",
        ),  # fmt: skip
        " ",
        html.Span(
            t(verdict, lang, coverage=round(100 * row["coverage80"])),
            className=f"forecast-verdict {verdict.rsplit('_', 1)[1]}",
        ),
        *([" ", html.Span(rule, className="muted")] if rule else []),
    ]


def _lineage(row: dict, lang: str, sources: dict[str, dict], dept_name: str) -> html.Div:
    """Source → layer file → cockpits, each a link where there is somewhere to go."""
    feeds = []
    for table in _listed(row["sources"]):
        source = sources.get(table)
        label = (
            [html.Code(table), " ", name(source, lang, "title")]
            if source
            else [html.Code(table), " ", t("dict.derived", lang)]
        )
        href = with_lang("/catalog", lang) + (f"#source-{source['source']}" if source else "")
        feeds.append(dcc.Link(label, href=href, className="lineage-node"))
    cockpits: list = []
    listed = [lvl for lvl in LEVELS if lvl in _listed(row["levels"])]
    for level in listed:
        label = t(f"cockpit.{level}", lang)
        # The highest level listed is the top of the tree, whose cockpit is one page.
        if level == listed[0] and level in ("city", "district"):
            href = area_href(level, "", lang, row["indicator_id"])
            cockpits.append(dcc.Link(label, href=href, className="lineage-node"))
        else:
            cockpits.append(html.Span(label, className="lineage-node"))
    cockpits.append(
        dcc.Link(dept_name, href=dept_href(row["department"], lang), className="lineage-node")
    )
    arrow = html.Span("→", className="lineage-arrow")
    return html.Div(
        [
            html.Div(feeds, className="lineage-step"),
            arrow,
            html.Div(html.Code(f"layers/{row['layer_file']}"), className="lineage-step"),
            arrow,
            html.Div(cockpits, className="lineage-step"),
        ],
        className="lineage",
    )


def _entry(
    row: dict, lang: str, sources: dict[str, dict], dept_names: dict[str, str]
) -> html.Article:
    unit = row[f"unit_{lang}"]
    dept_name = dept_names.get(row["department"], row["department"])
    facts = [
        ("dict.unit", unit or "—"),
        ("dict.direction", t(f"direction.{row['direction']}", lang)),
        ("dict.rollup", t(f"rollup.{row['rollup']}", lang)),
        ("dict.levels", " · ".join(t(f"level.{lvl}", lang) for lvl in _listed(row["levels"]))),
        ("dict.cadence", t(f"cadence.{row['cadence']}", lang)),
        ("dict.periods", f"{fmt.period(row['first_period'], lang)} – "
         f"{fmt.period(row['last_period'], lang)}"),
        ("dict.owner", dcc.Link(dept_name, href=dept_href(row["department"], lang))),
        ("dict.target", _target_text(row, lang)),
        ("dict.thresholds", _bounds_text(row, lang)),
    ]  # fmt: skip
    facts.append(("dict.forecast", _forecast_text(row, lang)))
    if not fmt.missing(row["suppress_below"]):
        facts.append(("dict.suppress", t("dict.suppress_text", lang, n=int(row["suppress_below"]))))
    return html.Article(
        id=ids.dictionary_entry(row["indicator_id"]),
        className="dict-entry",
        children=[
            html.H3([name(row, lang), html.Code(row["indicator_id"], className="dict-id")]),
            html.P(name(row, lang, "description"), className="dict-definition"),
            html.Dl([x for key, value in facts for x in (html.Dt(t(key, lang)), html.Dd(value))]),
            html.H4(t("dict.lineage", lang)),
            _lineage(row, lang, sources, dept_name),
        ],
    )


def dictionary_sections(
    indicators: pd.DataFrame, sources: dict[str, dict], dept_names: dict[str, str], lang: str
) -> list:
    groups = dict(tuple(indicators.groupby("domain")))
    toc = html.Nav(
        [
            html.A(f"{t(f'domain.{d}', lang)} ({len(groups[d])})", href=f"#domain-{d}")
            for d in DOMAIN_ORDER
            if d in groups
        ],
        className="dict-toc",
    )
    sections = [
        html.Section(
            [
                html.H2(t(f"domain.{d}", lang), className="domain-title"),
                *[_entry(r, lang, sources, dept_names) for r in groups[d].to_dict("records")],
            ],
            id=ids.dictionary_domain(d),
            className=f"domain domain-{d} dict-domain",
        )
        for d in DOMAIN_ORDER
        if d in groups
    ]
    return [toc, *sections]
