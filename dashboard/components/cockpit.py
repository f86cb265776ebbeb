"""The cockpit page of one area. Every level has the same anatomy; only the area changes:
header with freshness, breadcrumb, the children map with point layers, rankings and
trends, alerts, and the KPI cards of the five domains."""

from __future__ import annotations

from dash import dcc, html

from dashboard import attention, charts, data, figures, fmt, ids, insights, point_layers, tasks
from dashboard.components import park
from dashboard.components.alerts import alerts_panel
from dashboard.components.analysis import analysis_panel, period_select
from dashboard.components.breadcrumb import breadcrumb
from dashboard.components.cards import card_sections, headline_band
from dashboard.components.header import freshness_badge, header, period_badge, status_counts_box
from dashboard.components.map_panel import map_panel
from dashboard.components.scorecard import scorecard_panel
from dashboard.exports import export_href, export_link
from dashboard.geometry import geometry_url
from dashboard.i18n import name, pick_lang, t
from dashboard.urls import HOME, area_href, brief_href, link_code, with_lang


def not_found(code: str, level: str, lang: str) -> html.Div:
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
    trend = charts.trend_figure(
        insights.trend(area["code"], indicator["indicator_id"]), indicator, lang, period
    )
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


def alert_dispatch(period: str, lang: str):
    """The 督办 form an alert row carries, where the caller may dispatch it."""
    return lambda row: (
        tasks.dispatch_form(row, period, lang) if tasks.may_dispatch(row["area_code"]) else None
    )


def domain_sections(cards, lang: str, href_for, selected: str | None, sparks: dict) -> list:
    """The five domains' cards, each folded under a heading that says how many are red
    and amber: one click away, and the page above them fits one screen. The domain of
    the indicator on the map is open."""
    folded = []
    for section in card_sections(cards, lang, href_for, selected, sparks):
        domain = section.className.split("domain-")[-1]
        rows = cards[cards["domain"] == domain]
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
        )
        is_open = selected is not None and selected in set(rows["indicator_id"])
        folded.append(html.Details([summary, grid], open=is_open, className=section.className))
    return folded


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
        as_of = data.as_of()
        known = insights.periods()
    except data.NoWarehouse:
        return no_data(lang)
    if not known:
        return no_data(lang)
    period = period if period in known else known[0]
    shown_period = period if period != known[0] else None
    parent, child_level = data.map_areas(area)
    options = data.indicators(child_level)
    if indicator not in set(options["indicator_id"]):
        indicator = attention.most_urgent(area["code"], parent, child_level, period)
    # A park opens with its car parks and lifts on the map: two of its five scenes.
    points = chosen_layers(layers if layers is not None or level != "park" else "parking,elevators")
    cards = data.card_values(area["code"], period)
    sparks = charts.card_sparklines(
        insights.history(area["code"], period),
        dict(zip(cards["indicator_id"], cards["direction"], strict=True)),
        fmt.months_back(period, 12),
    )

    here = link_code(area)

    def href_for(indicator_id: str) -> str:
        return area_href(area["level"], here, lang, indicator_id, shown_period, points)

    other = "en" if lang == "zh" else "zh"
    now = fmt.utc_now()
    badges = [
        freshness_badge(insights.stale_sources(area["level"], now), lang),
        period_badge(known[0], now, lang),
    ]
    switch = area_href(area["level"], here, other, indicator, shown_period, points)
    before = fmt.shift_month(period, -1)
    counts = attention.status_counts(area["code"], period)
    controls = [
        period_select(known, period, lang),
        status_counts_box(
            counts,
            attention.status_counts(area["code"], before) if before in known else None,
            lang,
        ),
    ]
    body = [
        header(area, lang, {**as_of, "period": period}, switch, badges, controls),
        html.Div(
            [
                breadcrumb(data.ancestors(area["code"]), lang, indicator),
                html.Div(
                    [
                        dcc.Link(t("brief.open", lang), href=brief_href(area["code"], lang,
                                 shown_period), className="tool-link", id="brief-link"),
                        html.A(t("export.cards", lang), href=export_href("cards", lang,
                               area=area["code"], period=period), className="tool-link",
                               download="", id="cards-csv"),
                    ],
                    className="page-tools",
                ),
            ],
            className="page-bar",
        ),
    ]  # fmt: skip
    if former is not None:
        body.append(former_note(former, lang))
    if area["level"] != "park":
        body.append(headline_band(cards, list(data.settings().headline), lang, href_for))
    main, more = [], []
    if indicator is not None:
        chosen = data.indicator(indicator)
        values = data.map_values(parent, child_level, indicator, period)
        mode = figures.map_mode(values, colour)
        main.append(
            map_panel(
                map_with_points(area, chosen, values, period, points, lang, mode),
                options,
                indicator,
                lang,
                area["level"],
                data.boundaries_synthetic(),
                points,
                mode,
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
    alerts = attention.alerts(area["code"], period, limit=10)
    main.append(
        alerts_panel(
            alerts,
            attention.alert_totals(counts, alerts),
            lang,
            period,
            export_link("alerts", lang, area=area["code"], period=period),
            alert_dispatch(period, lang),
            attention.alert_choices(area["code"], period),
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
    body.append(html.Main(main, className="cockpit-main"))
    body.append(html.Div(more, className="cockpit-more"))
    return html.Div(
        body, className=f"cockpit level-{area['level']}", lang="zh-CN" if lang == "zh" else "en"
    )
