"""KPI cards, grouped by domain: value and unit against target, status, a 12-month
sparkline, change on last month and last year, rank among siblings."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.drawing import charts, fmt
from dashboard.i18n import name, t
from dashboard.reading import insights
from dashboard.reading.data import DOMAIN_ORDER


def kpi_card(row: dict, lang: str, href: str, selected: bool, spark: str = "") -> dcc.Link:
    unit = row[f"unit_{lang}"]
    decimals = int(row["decimals"])
    status = row["status"] if isinstance(row["status"], str) else "none"
    delta = fmt.change(row["value"], row["prev_value"], unit)
    tone = fmt.change_tone(delta, row["direction"])
    shown_unit = ""
    if row["suppressed"] is True:
        value_text = fmt.suppressed(row["suppress_below"], row.get("suppressed_kind"), lang)
    elif fmt.missing(row["value"]):
        value_text = t("card.nodata", lang)
    else:
        value_text, shown_unit = fmt.large(row["value"], decimals, unit, lang)
    yoy = fmt.change(row["value"], row["yoy_value"], unit)
    footer = [
        html.Span(
            [t("card.vs_prev", lang), " ", fmt.signed_change(delta, unit, lang)],
            className=f"change {tone}",
        ),
        html.Span(
            [t("card.vs_yoy", lang), " ", fmt.signed_change(yoy, unit, lang)],
            className=f"change {fmt.change_tone(yoy, row['direction'])}",
        ),
    ]
    if not fmt.missing(row["rank"]) and int(row["rank_of"]) > 1:
        footer.append(
            html.Span(
                f"{t('card.rank', lang)} {int(row['rank'])}/{int(row['rank_of'])}", className="rank"
            )
        )
    if not fmt.missing(row["target"]):
        footer.append(
            html.Span(
                f"{t('card.target', lang)} {fmt.with_unit(row['target'], decimals, unit, lang)}",
                className="target",
            )
        )
    return dcc.Link(
        href=href,
        className=f"kpi-card status-{status}" + (" selected" if selected else ""),
        title=name(row, lang, "description"),
        id={"type": "kpi-card", "indicator": row["indicator_id"]},
        children=[
            html.Div(
                [
                    html.Span(
                        className=f"status-dot {status}",
                        title=t(f"status.{status}", lang) if status != "none" else "",
                    ),
                    html.Span(name(row, lang), className="kpi-name"),
                ],
                className="kpi-head",
            ),
            html.Div(
                [
                    html.Span(value_text, className="kpi-value"),
                    html.Span(shown_unit, className="kpi-unit"),
                ],
                className="kpi-body",
            ),
            html.Img(src=spark, className="sparkline", alt=t("card.sparkline", lang))
            if spark
            else html.Div(className="sparkline empty"),
            html.Div(footer, className="kpi-foot"),
        ],
    )


def card_sections(
    values: pd.DataFrame,
    lang: str,
    href_for: Callable[[str], str],
    selected: str | None,
    sparks: dict[str, str] | None = None,
) -> list[html.Section]:
    sections = []
    groups = dict(tuple(values.groupby("domain")))
    for domain in (d for d in DOMAIN_ORDER if d in groups):
        group = groups[domain]
        cards = [
            kpi_card(
                row,
                lang,
                href_for(row["indicator_id"]),
                row["indicator_id"] == selected,
                (sparks or {}).get(row["indicator_id"], ""),
            )
            for row in group.to_dict("records")
        ]
        sections.append(
            html.Section(
                [
                    html.H2(t(f"domain.{domain}", lang), className="domain-title"),
                    html.Div(cards, className="kpi-grid"),
                ],
                className=f"domain domain-{domain}",
            )
        )
    return sections


def count_tiles(
    counts: dict[str, int],
    keys: tuple[str, ...],
    label: str,
    lang: str,
    *,
    id_prefix: str,
    tile_class: str,
    row_class: str,
) -> html.Div:
    """A row of big numbers with their labels (``{label}.{key}`` in the catalog)."""
    return html.Div(
        [
            html.Div([html.B(counts[key]), t(f"{label}.{key}", lang)],
                     className=f"{tile_class} {key}", id=ids.count_tile(id_prefix, key))
            for key in keys
        ],
        className=row_class,
    )  # fmt: skip


def area_sparklines(
    code: str, cards: pd.DataFrame, period: str, forecast: bool = False
) -> dict[str, str]:
    """Each indicator's last year up to ``period`` as a sparkline (indicator id → SVG),
    continued by its forecast with ``forecast`` where ``period`` is its latest month."""
    return charts.card_sparklines(
        insights.history(code, period),
        dict(zip(cards["indicator_id"], cards["direction"], strict=True)),
        fmt.months_back(period, 12),
        insights.forecasts(code) if forecast else None,
    )


def figure_tile(
    row: dict, lang: str, kind: str, href: str | None = None, trend: str | None = None
) -> html.Div | dcc.Link:
    """One large figure: name, value and unit as officials count (42.36万人), its status
    as the top border, the change on last month, and ``trend`` (a sparkline with its
    forecast) when given. The wall's tiles (``kind`` "wall-tile") and the headline
    band's ("headline-tile") are these."""
    status = row["status"] if isinstance(row["status"], str) else "none"
    unit = row[f"unit_{lang}"]
    delta = fmt.change(row["value"], row["prev_value"], unit)
    if row.get("suppressed") is True:
        value, shown_unit = (
            fmt.suppressed(row["suppress_below"], row.get("suppressed_kind"), lang),
            "",
        )
    else:
        value, shown_unit = fmt.large(row["value"], int(row["decimals"]), unit, lang)
    children = [
        html.Div(name(row, lang), className=f"{kind}-name", title=name(row, lang)),
        html.Div(
            [html.Span(value, className="v"), html.Span(shown_unit, className="u")],
            className=f"{kind}-value",
        ),
        html.Div(
            [t("card.vs_prev", lang), " ", fmt.signed_change(delta, unit, lang)],
            className=f"change {fmt.change_tone(delta, row['direction'])}",
        ),
    ]
    if trend:
        children.append(html.Img(src=trend, className=f"{kind}-trend", alt=t("trend.alt", lang)))
    classes = f"{kind} status-{status}"
    if href is None:
        return html.Div(children, className=classes)
    return dcc.Link(
        children, href=href, className=classes, id={"type": kind, "indicator": row["indicator_id"]}
    )


def headline_band(
    cards: pd.DataFrame, chosen: list[str], lang: str, href_for: Callable[[str], str]
) -> html.Section:
    """The 4–6 figures the district put first (setting ``headline``), in its order; those
    not reported at this level are left out."""
    rows = cards.set_index("indicator_id", drop=False)
    tiles = [
        figure_tile(rows.loc[i].to_dict(), lang, "headline-tile", href_for(i))
        for i in chosen
        if i in rows.index
    ]
    return html.Section(tiles, className="headline-band", id=ids.HEADLINE_BAND)
