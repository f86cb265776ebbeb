"""The alerts panel: what needs attention (需关注) in this area and below, highest priority
first, each with its reasons and linking to the area it is about; the colour counts behind
them stand above."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.drawing import fmt
from dashboard.i18n import t
from dashboard.urls import area_href


def since_text(row: dict, lang: str, period: str) -> str:
    """Since when it has been red without a break ('red this month' when that is
    ``period``); for an early warning, that it is one; nothing for other alerts."""
    since = row["since"]
    if row["status"] != "red":
        return "" if fmt.missing(row.get("forecast_months")) else t("alerts.forecast", lang)
    if isinstance(since, str) and since < period:
        return t("alerts.since", lang, period=fmt.period(since, lang))
    return t("alerts.new", lang)


def reasons_text(row: dict, lang: str) -> str:
    """Why it is on the list, e.g. '连续3个月红；同比恶化40%'."""
    reasons = row[f"reasons_{lang}"]
    return ("；" if lang == "zh" else "; ").join(list(reasons) if reasons is not None else [])


def area_text(row: dict, lang: str) -> str:
    """The area, with the one above it when that is not the page's own: whose it is; and,
    for a problem shared by areas under it, how many: '潮鸣街道 及其 6 个社区'."""
    parent = row.get(f"parent_{lang}")
    text = row[f"area_{lang}"]
    if row["level"] in ("community", "park") and isinstance(parent, str):
        text = f"{text} · {parent}"
    members = _members(row)
    if members:
        levels: dict[str, int] = {}
        for member in members:
            levels[member["level"]] = levels.get(member["level"], 0) + 1
        parts = [
            t(f"alerts.members.{level}" + (".one" if n == 1 else ""), lang, n=n)
            for level, n in levels.items()
        ]
        text += t("alerts.group", lang, parts=("、" if lang == "zh" else ", ").join(parts))
    return text


def _members(row: dict) -> list[dict]:
    members = row.get("members")
    return list(members) if members is not None and not isinstance(members, float) else []


def previous_text(row: dict, lang: str) -> str:
    """Last month's value, for the eye to judge the change: '上月 90.4'."""
    if fmt.missing(row.get("prev_value")):
        return ""
    value = fmt.with_unit(row["prev_value"], int(row["decimals"]), row[f"unit_{lang}"], lang)
    return f"{t('card.prev', lang)} {value}"


def members_list(row: dict, lang: str) -> html.Details | None:
    """The other areas of a shared problem, worst first, each linking to its page: shown
    when the row is opened."""
    members = _members(row)
    if not members:
        return None
    unit, decimals = row[f"unit_{lang}"], int(row["decimals"])
    return html.Details(
        [
            html.Summary(t("alerts.members.open", lang, n=len(members))),
            html.Ul(
                [
                    html.Li(
                        dcc.Link(
                            [
                                html.Span(className=f"status-dot {m['status']}"),
                                html.Span(m[f"area_{lang}"], className="member-area"),
                                html.B(fmt.with_unit(m["value"], decimals, unit, lang)),
                                html.Span(reasons_text(m, lang), className="member-reasons"),
                            ],
                            href=area_href(m["level"], m["area_code"], lang, row["indicator_id"]),
                        )
                    )
                    for m in members
                ],
                className="alert-members",
            ),
        ],
        className="alert-group",
    )


def alert_item(row: dict, lang: str, period: str, dispatch: html.Form | None = None) -> html.Li:
    unit = row[f"unit_{lang}"]
    return html.Li(
        [
            dcc.Link(
                href=area_href(row["level"], row["area_code"], lang, row["indicator_id"]),
                className=f"alert-item status-{row['status']}"
                + ("" if fmt.missing(row.get("forecast_months")) else " early-warning"),
                children=[
                    html.Span(className=f"status-dot {row['status']}"),
                    html.Span(area_text(row, lang), className="alert-area"),
                    html.Span(row[f"name_{lang}"], className="alert-indicator"),
                    html.Span(
                        [
                            html.B(fmt.with_unit(row["value"], int(row["decimals"]), unit, lang)),
                            html.Span(previous_text(row, lang), className="alert-prev"),
                        ],
                        className="alert-value",
                    ),
                    html.Span(row[f"department_{lang}"], className="alert-department"),
                    html.Span(reasons_text(row, lang), className="alert-reasons"),
                    html.Span(since_text(row, lang, period), className="alert-since"),
                ],
            ),
            members_list(row, lang),
            dispatch,
        ],
        className="alert-row",
    )


def alert_filters(choices: dict[str, list[dict]], lang: str) -> html.Div:
    """Street, domain and department: each narrows the list (the URL stays the page's)."""

    def label(kind: str, choice: dict) -> str:
        if kind == "domain":
            return t(f"domain.{choice['value']}", lang)
        return choice[f"name_{lang}"]

    return html.Div(
        [
            dcc.Dropdown(
                id={"type": ids.ALERT_FILTER, "kind": kind},
                options=[{"label": label(kind, c), "value": c["value"]} for c in choices[kind]],
                placeholder=t(f"alerts.filter.{kind}", lang),
                clearable=True,
                searchable=True,
                className="alert-filter",
            )
            for kind in ("street", "domain", "department")
            if choices[kind]
        ],
        className="alert-filters",
    )


def alert_body(
    rows: pd.DataFrame,
    lang: str,
    period: str,
    dispatch: Callable[[dict], html.Form | None] = lambda _row: None,
) -> html.Div:
    if rows.empty:
        return html.P(t("alerts.none", lang), className="muted alerts-empty")
    items = [alert_item(r, lang, period, dispatch(r)) for r in rows.to_dict("records")]
    total = int(rows["total"].iloc[0])
    return html.Div(
        [
            html.Ol(items, className="alert-list"),
            html.P(t("alerts.more", lang, n=total - len(rows)), className="muted")
            if total > len(rows)
            else None,
        ]
    )


def alerts_panel(
    rows: pd.DataFrame,
    counts: dict[str, int],
    lang: str,
    period: str,
    csv_link: html.A,
    dispatch: Callable[[dict], html.Form | None] = lambda _row: None,
    choices: dict[str, list[dict]] | None = None,
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
                    html.Span(f"{t('status.few', lang)} {counts['few']}", className="count few"),
                ],
                className="alert-counts",
            ),
            csv_link,
        ],
        className="panel-head",
    )
    filters = alert_filters(choices, lang) if choices else None
    body = html.Div(alert_body(rows, lang, period, dispatch), id=ids.ALERT_BODY)
    return html.Section([head, filters, body], className="alerts-panel panel", id=ids.ALERTS)
