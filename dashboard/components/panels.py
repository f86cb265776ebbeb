"""The panels of an area's cockpit below its header: the headline band, the children map
with its point layers, the alerts, the ranking and trend, the district's scorecard, and
the KPI cards of the five domains (a park's sections and scenes in their place).

They are most of a page's server work (100-300 ms of Python) and change only when a
refresh publishes, so ``cached_panels`` keeps them, as the JSON the browser is sent,
under the published version and everything they are built from: the area, indicator,
period, point layers, colouring, language, and the caller's scope and kind (a wall never
gets a dispatch form). The one per-session value in them, the dispatch forms' CSRF token,
is kept as a slot and filled for each request.
"""

from __future__ import annotations

from typing import NamedTuple

import orjson
from dash import html
from flask_wtf.csrf import generate_csrf

from dashboard import ids
from dashboard.caching import answers
from dashboard.components import park
from dashboard.components.alerts import alerts_panel
from dashboard.components.analysis import analysis_panel
from dashboard.components.cards import area_sparklines, card_sections, headline_band
from dashboard.components.dispatch import dispatch_form
from dashboard.components.downloads import export_link
from dashboard.components.map_panel import geometry_url, map_panel
from dashboard.components.scorecard import scorecard_panel
from dashboard.drawing import charts, figures, point_layers
from dashboard.drawing.trend import trend_figure
from dashboard.i18n import name, t
from dashboard.reading import attention, data, insights, problems, tasks, warehouse
from dashboard.urls import area_href, export_href, link_code, scene_href

# Where a cached page holds the dispatch forms' CSRF token: letters and dashes, which JSON
# encoders leave alone (plotly's escapes "<" and ">"), and no token's form (base64, dots).
CSRF_SLOT = "csrf-slot-for-this-session"


def map_with_points(
    area: dict,
    indicator: dict,
    values,
    period: str,
    layers: list[str],
    lang: str,
    mode: str = "status",
) -> dict:
    """The map of ``area``'s children coloured by ``values`` of ``indicator`` (by status,
    or by value on the range of every month), with the chosen point layers filled in."""
    parent, child_level = data.map_areas(area)
    shapes = data.shapes(parent, child_level)
    figure = figures.map_figure(
        shapes,
        values,
        indicator,
        lang,
        highlight=area["code"],
        geojson_url=geometry_url(parent, child_level),
        mode=mode,
        value_range=insights.value_range(parent, child_level, indicator["indicator_id"]),
    )
    if area["level"] == "park":  # one area: no colour scale to read it against
        figure["data"][figures.VALUE_TRACE]["showscale"] = False
    for layer in layers:
        trace, note = layer_trace(parent, child_level, layer, period, lang, shapes)
        figure["data"][point_layers.POINT_TRACE[layer]].update(trace)
        figure["layout"]["annotations"][point_layers.POINT_LAYERS.index(layer)].update(note)
    return figure


def layer_trace(
    parent: str, level: str, layer: str, period: str, lang: str, shapes: dict[str, dict]
) -> tuple[dict, dict]:
    """One point layer's trace, drawn only where its points fall inside their area, and
    the map's note of those that do not."""
    points = insights.points(parent, level, layer, period)
    drawn = point_layers.inside(points, shapes)
    note = point_layers.outside_note(layer, len(points) - len(drawn), lang)
    return point_layers.points_trace(drawn, layer, lang), note


def analysis_figures(
    area: dict, indicator: dict, values, period: str, lang: str
) -> tuple[dict, dict]:
    """The children ranked by the map's ``values``, and this area's trend."""
    ranking = charts.ranking_figure(values, indicator, lang)
    trend = trend_figure(
        insights.trend(area["code"], indicator["indicator_id"]), indicator, lang, period,
        insights.forecast(area["code"], indicator["indicator_id"]),
    )  # fmt: skip
    return ranking, trend


def csv_links(code: str, indicator: str, period: str, lang: str) -> dict[str, str]:
    return {
        "ranking": export_href("ranking", lang, area=code, indicator=indicator, period=period),
        "trend": export_href("trend", lang, area=code, indicator=indicator),
    }


def park_parts(area, period, shown_period, points, lang, cards, sparks):
    """A park's six sections and five scenes, in place of the domain sections."""
    host = data.area(area["parent_code"])
    sections = insights.park_sections(area["code"], period)
    figure = charts.sections_figure(sections, park.SECTIONS, lang)
    panel = park.sections_panel(
        figure,
        park.section_tiles(sections, period, lang),
        lang,
        f"{name(area, lang)}-{period}",
    )

    def href_for(level: str, indicator_id: str) -> str:
        code = host["code"] if level == "street" else area["code"]
        return area_href(level, code, lang, indicator_id, shown_period, points)

    scenes = park.scene_panels(
        cards, data.card_values(host["code"], period), name(host, lang), lang, href_for, sparks
    )
    return panel, scenes


def alert_dispatch(period: str, lang: str, csrf: str | None = None):
    """The 督办 form an alert row carries, where the caller may dispatch it; ``csrf`` is
    the token its form posts (the session's own unless given)."""
    return lambda row: (
        dispatch_form(row, period, lang, csrf) if tasks.may_dispatch(row["area_code"]) else None
    )


def domain_sections(cards, lang: str, href_for, selected: str | None, sparks: dict) -> list:
    """The five domains' cards, each folded under a heading that says how many are red
    and amber: one click away, and the page above them fits one screen. The domain of
    the indicator on the map is open. A folded domain's cards are drawn when it is first
    opened (``area_callbacks.unfold_domain``): a third of the page's components, which
    the browser otherwise built before showing anything."""
    folded = []
    for section in card_sections(cards, lang, href_for, selected, sparks):
        domain = section.className.split("domain-")[-1]
        rows = cards[cards["domain"] == domain]
        is_open = selected is not None and selected in set(rows["indicator_id"])
        red = int((rows["status"] == "red").sum())
        amber = int((rows["status"] == "amber").sum())
        title, grid = section.children
        summary = html.Summary(
            [
                title,
                html.Span(f"{t('status.red', lang)} {red}", className="count red") if red else None,
                html.Span(f"{t('status.amber', lang)} {amber}", className="count amber")
                if amber
                else None,
                html.Span(t("domain.cards", lang, n=len(rows)), className="muted"),
            ],
            className="domain-summary",
            id={"type": ids.DOMAIN_SUMMARY, "domain": domain},
        )
        grid.id = {"type": ids.DOMAIN_CARDS, "domain": domain}
        if not is_open:
            grid.children = []
        folded.append(html.Details([summary, grid], open=is_open, className=section.className))
    return folded


def domain_cards(
    area: dict,
    domain: str,
    period: str,
    shown_period: str | None,
    points: list[str],
    selected: str | None,
    lang: str,
) -> list:
    """One domain's cards, as ``domain_sections`` draws them unfolded."""  # fmt: skip
    cards = data.card_values(area["code"], period)
    cards = cards[cards["domain"] == domain]
    if cards.empty:
        return []
    sparks = area_sparklines(area["code"], cards, period)
    href_for = card_links(area, lang, shown_period, points)
    (section,) = card_sections(cards, lang, href_for, selected, sparks)
    return section.children[1].children


def card_links(area: dict, lang: str, shown_period: str | None, points: list[str]):
    """Where a card or headline figure of ``area`` leads: this page on its indicator."""
    here = link_code(area)

    def href_for(indicator_id: str) -> str:
        return area_href(area["level"], here, lang, indicator_id, shown_period, points)

    return href_for


class PanelView(NamedTuple):
    """What an area's panels are built from, besides the published data and the caller."""

    area: dict
    indicator: str | None
    period: str
    shown_period: str | None
    points: list[str]
    colour: str | None
    lang: str


def cached_panels(view: PanelView, fill_slot: bool = True) -> list[orjson.Fragment]:
    """``area_panels``, read from the cache when this version has built them for a caller
    of the same scope and kind, with this session's CSRF token in the dispatch forms; or,
    without ``fill_slot``, its slot left in (for a page kept whole, which fills it)."""
    fill = {CSRF_SLOT: generate_csrf} if fill_slot else {}
    return answers.remembered_components(
        "page:area-panels", [view.area["code"], *view[1:]], lambda: area_panels(view), fill,
        kind=True,
    )  # fmt: skip


def area_panels(view: PanelView) -> list:
    """Everything of the cockpit below its header, the dispatch forms' token a slot."""
    area, indicator, period, shown_period, points, colour, lang = view
    parent, child_level = data.map_areas(area)
    cards = data.card_values(area["code"], period)
    sparks = area_sparklines(area["code"], cards, period)
    here = link_code(area)
    href_for = card_links(area, lang, shown_period, points)
    panels = []
    if area["level"] != "park":
        panels.append(headline_band(cards, list(warehouse.settings().headline), lang, href_for))
    main, more = [], []
    if indicator is not None:
        chosen = data.indicator(indicator)
        values = data.map_values(parent, child_level, indicator, period)
        mode = figures.map_mode(values, colour)
        main.append(
            map_panel(
                map_with_points(area, chosen, values, period, points, lang, mode),
                data.indicators(child_level),
                indicator,
                lang,
                area["level"],
                data.boundaries_synthetic(parent, child_level),
                points,
                mode,
                scene_href(area["level"], here, lang, indicator),
            )
        )
        if area["level"] != "park":
            ranking, trend = analysis_figures(area, chosen, values, period, lang)
            filenames = {
                "ranking": f"{name(area, lang)}-{indicator}-{period}",
                "trend": f"{name(area, lang)}-{indicator}",
            }
            more.append(
                analysis_panel(
                    ranking,
                    trend,
                    area["level"],
                    lang,
                    csv_links(area["code"], indicator, period, lang),
                    filenames,
                )
            )
    alerts = problems.alerts(area["code"], period, limit=10)
    main.append(
        alerts_panel(
            alerts,
            attention.alert_totals(attention.status_counts(area["code"], period), alerts),
            lang,
            period,
            export_link("alerts", lang, area=area["code"], period=period),
            alert_dispatch(period, lang, CSRF_SLOT),
            problems.alert_choices(area["code"], period),
        )
    )
    if area["level"] == "district":
        more.append(
            scorecard_panel(attention.scorecard(area["code"], period), lang, period, area["code"])
        )
    if area["level"] == "park":
        sections, scenes = park_parts(area, period, shown_period, points, lang, cards, sparks)
        more += [sections, html.Div(scenes, className="kpi-panel")]
    else:
        more.append(
            html.Div(
                domain_sections(cards, lang, href_for, indicator, sparks), className="kpi-panel"
            )
        )
    panels.append(html.Main(main, className="cockpit-main"))
    panels.append(html.Div(more, className="cockpit-more"))
    return panels
