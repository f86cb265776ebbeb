"""Charts beside the map, as plain figure dicts (and the cards' sparklines as SVG).
Pure: DataFrames in, figures out; no I/O, no Dash."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from dashboard.drawing import fmt
from dashboard.i18n import name, t

STATUS_COLOURS = {"green": "#2e9d6a", "amber": "#e0a21e", "red": "#d64545"}
NO_STATUS = "#8aa2bd"
_TONE_COLOURS = {"good": "#2e9d6a", "bad": "#d64545", "flat": "#6f8196"}
# Forecasts are drawn in one colour everywhere, dashed, over their interval's band.
FORECAST_COLOUR = "#7a4fb5"


def sparkline(
    values: list[float | None],
    tone: str,
    width: int = 120,
    height: int = 28,
    ahead: list[tuple[float, float, float]] | None = None,
) -> str:
    """A 12-month line as an SVG data URI: light enough for fifty cards, and drawn without
    a chart library. Missing months break the line; the last point is marked. ``ahead``
    (forecast, low, high of the 80% interval, month by month) continues it dashed over
    its band."""
    ahead = ahead or []
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    reach = known + [x for month in ahead for x in month]
    lo, hi = min(reach), max(reach)
    span = (hi - lo) or 1.0
    step = (width - 6) / max(len(values) + len(ahead) - 1, 1)

    def x(i: int) -> str:
        return f"{3 + i * step:.1f}"

    def y(v: float) -> str:
        return f"{3 + (height - 6) * (1 - (v - lo) / span):.1f}"

    runs, run = [], []
    for i, v in enumerate(values):
        if v is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f"{x(i)},{y(v)}")
    if run:
        runs.append(run)
    colour = _TONE_COLOURS.get(tone, _TONE_COLOURS["flat"])
    lines = "".join(
        f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width="1.8" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
        for r in runs
    )
    last = next((i, v) for i, v in reversed(list(enumerate(values))) if v is not None)
    dot = f'<circle cx="{x(last[0])}" cy="{y(last[1])}" r="2.6" fill="{colour}"/>'
    future = ""
    if ahead and last[0] == len(values) - 1:
        n = len(values)
        band = [f"{x(last[0])},{y(last[1])}"] + [f"{x(n + i)},{y(h)}" for i, (_, _, h) in
                enumerate(ahead)] + [f"{x(n + i)},{y(lo_)}" for i, (_, lo_, _) in
                reversed(list(enumerate(ahead)))]  # fmt: skip
        mean = [f"{x(last[0])},{y(last[1])}"] + [
            f"{x(n + i)},{y(m)}" for i, (m, _, _) in enumerate(ahead)
        ]
        future = (
            f'<polygon class="forecast-band" points="{" ".join(band)}" fill="{FORECAST_COLOUR}" '
            'fill-opacity="0.18"/>'
            f'<polyline class="forecast" points="{" ".join(mean)}" fill="none" '
            f'stroke="{FORECAST_COLOUR}" stroke-width="1.6" stroke-dasharray="3 2"/>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{future}{lines}{dot}</svg>'
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


def layout(**extra: object) -> dict:
    return {
        "margin": {"l": 8, "r": 16, "t": 8, "b": 28},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"size": 13},
        "hoverlabel": {"font": {"size": 14}},
        **extra,
    }


def _status_colours(statuses: pd.Series) -> list[str]:
    return [STATUS_COLOURS.get(s, NO_STATUS) if isinstance(s, str) else NO_STATUS for s in statuses]


def ranking_figure(rows: pd.DataFrame, indicator: dict, lang: str) -> dict:
    """The children ranked, best at the top: a stem from zero to each value and a dot in
    its status colour (a lollipop chart: scatter traces only, which the cockpit's
    map-and-scatter build of plotly.js draws)."""
    shown = rows[rows["value"].notna()].sort_values(["rank", "code"], kind="stable")
    decimals = int(indicator["decimals"])
    unit = indicator[f"unit_{lang}"]
    labels = [name(r, lang) for r in shown.to_dict("records")]
    values = shown["value"].astype(float).tolist()
    stems_x, stems_y = [], []
    for label, value in zip(labels, values, strict=True):
        stems_x += [0, value, None]
        stems_y += [label, label, None]
    colours = _status_colours(shown["status"])
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "x": stems_x,
                "y": stems_y,
                "line": {"color": "rgba(111,129,150,0.45)", "width": 5},
                "hoverinfo": "skip",
                "showlegend": False,
            },
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": values,
                "y": labels,
                "marker": {"color": colours, "size": 14, "line": {"color": "#fff", "width": 1}},
                "text": [fmt.with_unit(v, decimals, unit, lang) for v in values],
                "textposition": "middle right",
                "cliponaxis": False,
                "hovertemplate": "<b>%{y}</b><br>%{text}<extra></extra>",
                "showlegend": False,
            },
        ],
        "layout": layout(
            yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
            xaxis={
                "showgrid": True,
                "gridcolor": "rgba(127,127,127,0.2)",
                "zeroline": False,
                "rangemode": "tozero",
                "automargin": True,
                **fmt.axis(values, unit, lang),
            },
            height=max(220, 26 * len(labels) + 40),
            margin={"l": 8, "r": 70, "t": 8, "b": 28},
        ),
    }


def card_sparklines(
    history: pd.DataFrame,
    directions: dict[str, str],
    months: list[str],
    ahead: pd.DataFrame | None = None,
) -> dict:
    """Indicator id → its sparkline over ``months``, coloured by whether the line moved
    the way the indicator wants, and continued by its forecast (``ahead``: indicator_id,
    period, value, lo80, hi80) where that starts the month after the last of ``months``
    (a view of an earlier month has none)."""
    out = {}
    future: dict[str, list[tuple[float, float, float]]] = {}
    if ahead is not None and len(months):
        following = fmt.shift_month(months[-1], 1)
        for indicator_id, rows in ahead.groupby("indicator_id"):
            if rows["period"].min() == following:
                future[indicator_id] = list(
                    zip(rows["value"], rows["lo80"], rows["hi80"], strict=True)
                )
    for indicator_id, rows in history.groupby("indicator_id"):
        by_month = dict(zip(rows["period"], rows["value"], strict=True))
        values = [None if fmt.missing(by_month.get(m)) else float(by_month[m]) for m in months]
        known = [v for v in values if v is not None]
        delta = fmt.change(known[-1], known[0]) if len(known) >= 2 else None
        tone = fmt.change_tone(delta, directions.get(indicator_id, "neutral"))
        out[indicator_id] = sparkline(values, tone, ahead=future.get(indicator_id))
    return out


SECTION_COLOURS = {
    "吃": "#d0642a", "住": "#7a4fb5", "行": "#1f5fa8", "游": "#2e9d6a", "娱": "#c8372d",
    "购": "#b8860b",
}  # fmt: skip


def _stacked_totals(traces: list[dict]) -> list[float]:
    """The top of a stacked chart, month by month: what its value axis must reach."""
    return [sum(column) for column in zip(*(tr["y"] for tr in traces), strict=True)]


def sections_figure(rows: pd.DataFrame, sections: tuple[str, ...], lang: str) -> dict:
    """A park's monthly visitors, stacked by section (areas, drawn by scatter traces)."""
    months = sorted(rows["period"].unique())
    labels = [fmt.period(m, lang) for m in months]
    traces = []
    for section in sections:
        mine = rows[rows["section"] == section].set_index("period")["visitors"]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "stackgroup": "sections",
                "x": labels,
                "y": [int(mine.get(m, 0)) for m in months],
                "name": t(f"park.section.{section}", lang),
                "line": {"width": 0.5, "color": SECTION_COLOURS.get(section, NO_STATUS)},
                "fillcolor": SECTION_COLOURS.get(section, NO_STATUS),
                "hovertemplate": "%{x}<br>%{y:,} "
                + t("park.visitors.unit", lang)
                + "<extra>"
                + t(f"park.section.{section}", lang)
                + "</extra>",
            }
        )
    return {
        "data": traces,
        "layout": layout(
            height=280,
            legend={"orientation": "h", "y": 1.14, "x": 0},
            yaxis={
                "gridcolor": "rgba(127,127,127,0.2)",
                "automargin": True,
                "ticklabelstandoff": 6,
                **fmt.axis(_stacked_totals(traces), "", lang),
            },
            # Apart from the value axis's 0, which would otherwise touch the first month.
            xaxis={"type": "category", "nticks": 6, "tickangle": 0, "ticklabelstandoff": 6},
        ),
    }
