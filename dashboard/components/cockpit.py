"""The cockpit page of one area. Every level has the same anatomy; only the area changes:
header with freshness, breadcrumb, the children map with point layers, rankings and
trends, alerts, and the KPI cards of the five domains.

A page changes only when a refresh publishes, so it is kept whole in the answer cache,
under the caller's scope and kind (``answers.remembered_components``): the page of a
city's street took 15 ms to build at every request, twice a page view (its first screen,
then its layout), and is now read in under one. What is a request's own is a slot in the
kept page, filled as it is sent: who is signed in, the forms' CSRF token, and the two
badges of how fresh the data is at this moment."""

from __future__ import annotations

from typing import NamedTuple

from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from dashboard import ids
from dashboard.access import trail
from dashboard.caching import answers
from dashboard.components.analysis import period_select
from dashboard.components.breadcrumb import breadcrumb
from dashboard.components.header import (
    freshness_badge,
    header,
    period_badge,
    status_counts_box,
    user_box,
)
from dashboard.components.panels import CSRF_SLOT, PanelView, cached_panels
from dashboard.drawing import fmt, point_layers
from dashboard.i18n import pick_lang, t
from dashboard.reading import attention, data, insights, problems, warehouse
from dashboard.urls import HOME, area_href, brief_href, export_href, link_code, with_lang

# Where a kept page holds what each request fills in (``answers.remembered_components``):
# who is signed in, and the two badges of how fresh the data is now.
SIGNED_IN_SLOT = html.Div(className="slot-signed-in")
FRESHNESS_SLOT = html.Span(className="slot-freshness")
PERIOD_BADGE_SLOT = html.Span(className="slot-period-badge")


def not_found(code: str, level: str, lang: str) -> html.Div:
    trail.refuse_page(f"no {level} {code} for this caller")
    return html.Div(
        className="not-found",
        children=[
            html.H1(t("notfound.title", lang)),
            html.P(t("notfound.area", lang, code=code, level=t(f"level.{level}", lang))),
            dcc.Link(t("notfound.back", lang), href=with_lang(HOME, lang)),
        ],
    )


def no_data(lang: str) -> html.Div:
    return html.Div(html.P(t("asof.none", lang)), className="not-found")


def chosen_layers(value: str | None) -> list[str]:
    """Point layers named in the URL (``layers=hotline,parking``), unknown names dropped."""
    asked = (value or "").split(",")
    return [layer for layer in point_layers.POINT_LAYERS if layer in asked]


def former_note(change: dict, lang: str) -> html.Div:
    """Says which area a former code now belongs to, and since when."""
    how = t("area.former.merged" if change["merged"] else "area.former.renamed", lang)
    when = (
        t("area.former.when", lang, date=change["effective"])
        if change["effective"]
        else t("area.former.unconfirmed", lang)
    )
    text = t(
        "area.former", lang, old=change["old_name"] or change["old_code"],
        old_code=change["old_code"], how=how, new=change["new_name"] or change["new_code"],
        new_code=change["new_code"], when=when,
    )  # fmt: skip
    return html.Div(text, id=ids.FORMER_NOTE, className="former-note", role="note")


def area_page(
    level: str | None, code: str | None, lang: str | None, indicator: str | None, **query: str
) -> html.Div:
    """The cockpit of one area, as its URL asks: ``level`` and ``code`` (none for the top
    of the tree), ``indicator``, and in ``query`` the ``period``, the map's point
    ``layers`` and its ``colour`` (status or value)."""
    lang = pick_lang(lang)
    period, layers, colour = query.get("period"), query.get("layers"), query.get("colour")
    try:
        area = data.top() if level is None else data.find_area(code or "", level)
        former = None
        if area is None and level is not None:
            # A code from before a re-zoning still opens the area that replaced it.
            former = data.former_area(code or "")
            if former is not None and former["level"] == level:
                area = data.area(former["new_code"])
        if area is None:
            return not_found(code or "", level or "district", lang)
        chosen = insights.which_period(period)
    except warehouse.NoWarehouse:
        return no_data(lang)
    if chosen is None:
        return no_data(lang)
    view = PageView(area, former, chosen, lang, indicator, level, layers, colour)
    now = fmt.utc_now()
    body = answers.remembered_components(
        "page:area", [area["code"], former, chosen.period, lang, indicator, level, layers,
                      colour], lambda: page_body(view),
        {CSRF_SLOT: generate_csrf, SIGNED_IN_SLOT: lambda: user_box(lang),
         FRESHNESS_SLOT: lambda: freshness_badge(insights.stale_sources(area["level"], now),
                                                 lang),
         PERIOD_BADGE_SLOT: lambda: period_badge(chosen.latest, now, lang)},
        kind=True,
    )  # fmt: skip
    return html.Div(
        body, className=f"cockpit level-{area['level']}", lang="zh-CN" if lang == "zh" else "en"
    )


class PageView(NamedTuple):
    """What an area's page is built from, besides the published data and the caller: the
    area (and the former code its URL named), the period chosen, and the URL's asks."""

    area: dict
    former: dict | None
    chosen: insights.Period
    lang: str
    indicator: str | None
    level: str | None
    layers: str | None
    colour: str | None


def page_body(view: PageView) -> list:
    """Everything of an area's page, with a slot where a request's own values go: who is
    signed in, the forms' CSRF token, and how fresh the data is now (the time of day
    changes it, not only a publish)."""
    area, former, chosen, lang, indicator, level, layers, colour = view
    period, shown_period = chosen.period, chosen.shown
    parent, child_level = data.map_areas(area)
    options = data.indicators(child_level)
    if indicator not in set(options["indicator_id"]):
        indicator = attention.most_urgent(area["code"], parent, child_level, period)
    # A park opens with its car parks and lifts on the map: two of its five scenes.
    points = chosen_layers(layers if layers is not None or level != "park" else "parking,elevators")
    here = link_code(area)

    other = "en" if lang == "zh" else "zh"
    badges = [FRESHNESS_SLOT, PERIOD_BADGE_SLOT]
    switch = area_href(area["level"], here, other, indicator, shown_period, points)
    before = fmt.shift_month(period, -1)
    counts = attention.status_counts(area["code"], period)
    controls = [
        period_select(insights.periods(), period, lang),
        status_counts_box(
            counts,
            attention.status_counts(area["code"], before) if before in insights.periods() else None,
            lang,
            (
                problems.problem_count(area["code"], period),
                problems.problem_count(area["code"], before)
                if before in insights.periods()
                else None,
            ),
        ),
    ]
    body = [
        header(area, lang, {**data.as_of(), "period": period}, switch, badges, controls,
               SIGNED_IN_SLOT),
        html.Div(
            [
                breadcrumb(data.ancestors(area["code"]), lang, indicator),
                html.Div(
                    [
                        dcc.Link(t("brief.open", lang), href=brief_href(area["code"], lang,
                                 shown_period), className="tool-link", id=ids.BRIEF_LINK),
                        html.A(t("export.cards", lang), href=export_href("cards", lang,
                               area=area["code"], period=period), className="tool-link",
                               download="", id=ids.CARDS_CSV),
                    ],
                    className="page-tools",
                ),
            ],
            className="page-bar",
        ),
    ]  # fmt: skip
    if former is not None:
        body.append(former_note(former, lang))
    colour = "value" if colour == "value" else None
    view = PanelView(area, indicator, period, shown_period, points, colour, lang)
    # The panels are kept on their own too (a page's slots are filled per request, theirs
    # here left in): the same panels come under more than one page (a former code's).
    body += cached_panels(view, fill_slot=False)
    return body
