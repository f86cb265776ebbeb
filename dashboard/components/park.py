"""A park cockpit (园区驾驶舱) is organised the way a park is run: its six sections
(吃住行游娱购) and five scenes (tourism, medical care, parking, open kitchens, smart
elevators), each scene a panel of the park's indicator cards."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.components.analysis import chart_config
from dashboard.components.cards import kpi_card
from dashboard.drawing import fmt
from dashboard.i18n import t

SECTIONS = ("吃", "住", "行", "游", "娱", "购")
# Scene → the indicators that show it. Medical care is counted by the street the park
# lies in (clinics report by community, not by park).
SCENES: dict[str, tuple[str, ...]] = {
    "tourism": ("park_visitors", "park_peak_day_visitors"),
    "medical": ("clinic_visits", "family_doctor_coverage", "vaccine_doses"),
    "parking": ("parking_spaces", "parking_occupancy", "parking_peak_occupancy"),
    "kitchens": ("open_kitchen_share", "kitchen_inspection_fail_rate"),
    "elevators": (
        "smart_elevators",
        "elevator_faults",
        "elevator_entrapments",
        "elevator_maintenance_on_time",
    ),
}
HOST_SCENES = ("medical",)


def section_tiles(rows: pd.DataFrame, period: str, lang: str) -> html.Div:
    """One tile per section: this month's visitors, share of the park and change."""
    months = fmt.months_back(period, 2)
    now = rows[rows["period"] == months[1]].set_index("section")["visitors"]
    before = rows[rows["period"] == months[0]].set_index("section")["visitors"]
    total = float(now.sum()) or 1.0
    tiles = []
    for section in SECTIONS:
        value = now.get(section)
        delta = fmt.change(value, before.get(section))
        share = "—" if value is None else f"{fmt.number(value / total * 100, 1)}%"
        tiles.append(
            html.Div(
                [
                    html.Div(t(f"park.section.{section}", lang), className="section-name"),
                    html.Div(fmt.with_unit(value, 0, "", lang), className="section-value"),
                    html.Div(
                        [
                            html.Span(f"{t('park.share', lang)} {share}"),
                            html.Span(
                                [t("card.vs_prev", lang), " ", fmt.signed_change(delta)],
                                className=f"change {fmt.change_tone(delta, 'higher_better')}",
                            ),
                        ],
                        className="section-foot",
                    ),
                ],
                className="section-tile",
                id={"type": "park-section", "section": section},
            )
        )
    return html.Div(tiles, className="section-strip")


def scene_panels(
    park_cards: pd.DataFrame,
    host_cards: pd.DataFrame,
    host_name: str,
    lang: str,
    href_for: Callable[[str, str], str],
    sparks: dict[str, str],
) -> list[html.Section]:
    panels = []
    for scene, indicator_ids in SCENES.items():
        cards = host_cards if scene in HOST_SCENES else park_cards
        level = "street" if scene in HOST_SCENES else "park"
        rows = cards.set_index("indicator_id")
        shown = [
            kpi_card(
                {**rows.loc[i].to_dict(), "indicator_id": i},
                lang,
                href_for(level, i),
                False,
                sparks.get(i, "") if level == "park" else "",
            )
            for i in indicator_ids
            if i in rows.index
        ]
        note = t("park.host", lang, street=host_name) if scene in HOST_SCENES else None
        panels.append(
            html.Section(
                [
                    html.H2(t(f"park.scene.{scene}", lang), className="domain-title"),
                    html.P(note, className="muted scene-note") if note else None,
                    html.Div(shown, className="kpi-grid"),
                ],
                className=f"domain scene scene-{scene}",
                id=ids.park_scene(scene),
            )
        )
    return panels


def sections_panel(figure: dict, tiles: html.Div, lang: str, filename: str) -> html.Section:
    return html.Section(
        [
            html.H2(t("park.sections", lang), className="panel-title"),
            tiles,
            dcc.Graph(
                figure=figure,
                config=chart_config(filename),
                style={"height": f"{figure['layout']['height']}px"},
                id=ids.PARK_SECTIONS_CHART,
            ),
        ],
        className="panel sections-panel",
    )
