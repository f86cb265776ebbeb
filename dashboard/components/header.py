"""Page header: what the page is, the data's period and refresh time, navigation and the
language switch. Area cockpits and the catalog share it."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from cockpit.freshness import months_behind
from dashboard import ids
from dashboard.access import auth
from dashboard.drawing import fmt
from dashboard.i18n import name, t
from dashboard.reading import brand
from dashboard.urls import HOME, with_lang


def freshness_badge(stale: pd.DataFrame, lang: str) -> dcc.Link:
    """When the data was loaded: green while every source behind the page is within its
    cadence; amber, naming them, when any is stale or was never loaded."""
    if stale.empty:
        text, tone, title = t("freshness.ok", lang), "fresh", t("freshness.ok.title", lang)
    else:
        names = [str(n) for n in stale[f"title_{lang}"]]
        text = t("freshness.stale", lang, n=len(names))
        separator = "、" if lang == "zh" else ", "
        tone, title = "stale", t("freshness.stale.title", lang, sources=separator.join(names))
    return dcc.Link(
        f"{t('freshness.loaded', lang)}: {text}",
        href=with_lang("/catalog", lang),
        className=f"freshness-badge {tone}",
        title=title,
        id=ids.FRESHNESS_BADGE,
    )


def period_badge(period: str, now_utc, lang: str) -> html.Span:
    """How old the latest period is, apart from when it was loaded: a file loaded this
    morning can still hold last year's numbers."""
    behind = months_behind(period, now_utc)
    expected = fmt.shift_month(period, max(behind, 0))
    if behind > 0:
        text, tone = t("freshness.period.behind", lang, n=behind), "stale"
    else:
        text, tone = t("freshness.period.current", lang), "fresh"
    return html.Span(
        text,
        className=f"freshness-badge period {tone}",
        id=ids.PERIOD_BADGE,
        title=t(
            "freshness.period.title",
            lang,
            period=fmt.period(period, lang),
            expected=fmt.period(expected, lang),
        ),
    )


def status_counts_box(
    now: dict[str, int],
    before: dict[str, int] | None,
    lang: str,
    problems: tuple[int, int | None] | None = None,
) -> html.A:
    """The problems to act on (alerts, one per problem: ``problems``, this month's and last
    month's), then 红 and 黄 of this month's values, each with its change on last month; a
    link to the list. The first counts things to do, the others values, and they say so."""
    items = []
    if problems is not None:
        count, earlier = problems
        change = fmt.count_change(count, earlier)
        items.append(
            html.Span(
                [
                    html.Span(t("header.problems", lang), className="label"),
                    html.B(str(count)),
                    html.Span(change, className="delta") if change else None,
                ],
                className="head-count problems",
                id=ids.head_count("problems"),
                title=t("header.problems.title", lang),
            )
        )
    for status in ("red", "amber"):
        change = fmt.count_change(now[status], before[status] if before else None)
        items.append(
            html.Span(
                [
                    html.Span(t(f"status.{status}", lang), className="label"),
                    html.B(str(now[status])),
                    html.Span(change, className="delta") if change else None,
                ],
                className=f"head-count {status}",
                id=ids.head_count(status),
            )
        )
    return html.A(items, href="#alerts", className="head-counts", title=t("header.counts", lang))


def user_box(lang: str) -> html.Div | None:
    """Who is signed in, and the way out: a POST with the session's CSRF token."""
    who = auth.principal()
    if who is None:
        return None
    label = t("user.kiosk", lang) if who.kiosk else f"{who.name} · {t(f'role.{who.role}', lang)}"
    links = [] if who.kiosk else [dcc.Link(t("nav.tasks", lang), href=with_lang("/tasks", lang),
                                           id=ids.TASKS_LINK)]  # fmt: skip
    if auth.may_read_usage(who):
        links.append(dcc.Link(t("nav.usage", lang), href=with_lang("/admin/usage", lang)))
    if who.role == "admin" and not who.kiosk:
        links.append(dcc.Link(t("nav.audit", lang), href=with_lang("/admin/audit", lang)))
    logout = html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
            html.Button(t("nav.logout", lang), type="submit", id=ids.LOGOUT_BUTTON),
        ],
        action="/logout",
        method="POST",
        className="logout-form",
    )
    return html.Div(
        [html.Span(label, id=ids.SIGNED_IN_AS), *links, None if who.kiosk else logout],
        className="user-box",
    )


def page_header(
    title: list,
    lang: str,
    as_of: dict,
    switch_href: str,
    badges: list | None = None,
    controls: list | None = None,
    user: object | None = None,
) -> html.Header:
    """The bar on every page. ``badges`` say how fresh the data is; ``controls`` (an
    area page's period selector and its red and amber counts) take the place of the
    plain period; ``user`` (by default ``user_box``) says who is signed in."""
    return html.Header(
        className="cockpit-header",
        children=[
            html.Div(
                className="brand",
                children=[html.Div(brand.title(lang), className="brand-title"), html.H1(title)],
            ),
            html.Nav(
                [
                    dcc.Link(t("nav.home", lang), href=with_lang(HOME, lang)),
                    dcc.Link(t("nav.indicators", lang), href=with_lang("/indicators", lang)),
                    dcc.Link(t("nav.departments", lang), href=with_lang("/dept", lang)),
                    dcc.Link(t("nav.catalog", lang), href=with_lang("/catalog", lang)),
                ],
                className="top-nav",
                **{"aria-label": t("nav.main", lang)},
            ),
            html.Div(controls, className="head-controls") if controls else None,
            html.Div(
                className="as-of",
                children=[
                    None
                    if controls
                    else html.Div(
                        [
                            html.Span(t("asof.period", lang) + " "),
                            html.Strong(fmt.period(as_of["period"], lang), id=ids.AS_OF_PERIOD),
                        ]
                    ),
                    html.Div(
                        f"{t('asof.refreshed', lang)} {fmt.timestamp(as_of['refreshed'])}",
                        className="refreshed",
                    ),
                    html.Div(badges or [], className="badges"),
                ],
            ),
            dcc.Link(
                t("lang.switch", lang),
                href=switch_href,
                className="lang-switch",
                id=ids.LANG_SWITCH,
            ),
            # 适老化: the reader's own choice, kept on the device (assets/text_size.js).
            html.Button(
                t("text.large", lang),
                id=ids.TEXT_SIZE,
                className="text-size-switch",
                type="button",
                title=t("text.large_label", lang),
                **{"aria-pressed": "false", "aria-label": t("text.large_label", lang)},
            ),
            user if user is not None else user_box(lang),
        ],
    )


def header(
    area: dict,
    lang: str,
    as_of: dict,
    switch_href: str,
    badges: list | None = None,
    controls: list | None = None,
    user: object | None = None,
) -> html.Header:
    title = [
        html.Span(name(area, lang), className="area-name"),
        html.Span(t(f"cockpit.{area['level']}", lang), className="area-level"),
    ]
    return page_header(title, lang, as_of, switch_href, badges, controls, user)
