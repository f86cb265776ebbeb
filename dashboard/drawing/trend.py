"""One area's indicator month by month (the trend beside the map): its values coloured by
status, its target, the month on screen marked, and the months ahead as forecast, a
dashed line over its 80% and 95% bands. Pure: DataFrames in, a figure dict out."""

from __future__ import annotations

import pandas as pd

from dashboard.drawing import fmt
from dashboard.drawing.charts import FORECAST_COLOUR, NO_STATUS, STATUS_COLOURS, layout
from dashboard.i18n import name, t


def _band(months: list[str], low: list[float], high: list[float], label: str, alpha: float):
    """An interval as a closed polygon: along its top, back along its bottom."""
    return {
        "type": "scatter",
        "mode": "lines",
        "x": months + months[::-1],
        "y": high + low[::-1],
        "fill": "toself",
        "fillcolor": f"rgba(122,79,181,{alpha})",
        "line": {"width": 0},
        "name": label,
        "hoverinfo": "skip",
    }


def forecast_traces(
    rows: pd.DataFrame, ahead: pd.DataFrame, indicator: dict, lang: str
) -> list[dict]:
    """The forecast from the last published month: its bands, then its dashed line (from
    the last value, so that the two lines join), with the interval in the hover."""
    known = rows.dropna(subset=["value"])
    if ahead.empty or known.empty or known["period"].iloc[-1] != rows["period"].iloc[-1]:
        return []
    last = fmt.period(known["period"].iloc[-1], lang)
    start = float(known["value"].iloc[-1])
    months = [fmt.period(p, lang) for p in ahead["period"]]
    decimals, unit = int(indicator["decimals"]), indicator[f"unit_{lang}"]
    ranges = [
        f"{fmt.number(lo, decimals)}–{fmt.number(hi, decimals)}"
        for lo, hi in zip(ahead["lo80"], ahead["hi80"], strict=True)
    ]
    return [
        _band([last, *months], [start, *ahead["lo95"]], [start, *ahead["hi95"]],
              t("trend.band95", lang), 0.10),
        _band([last, *months], [start, *ahead["lo80"]], [start, *ahead["hi80"]],
              t("trend.band80", lang), 0.22),
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [last, *months],
            "y": [start, *map(float, ahead["value"])],
            "customdata": ["", *ranges],
            "name": t("trend.forecast", lang),
            "line": {"color": FORECAST_COLOUR, "width": 2, "dash": "dash"},
            "marker": {"size": [0, *[6] * len(months)], "color": FORECAST_COLOUR},
            "hovertemplate": f"%{{x}} {t('trend.forecast', lang)}<br>"
            f"%{{y:,.{decimals}f}} {unit}<br>{t('trend.band80', lang)} %{{customdata}}"
            "<extra></extra>",
        },
    ]  # fmt: skip


def trend_figure(
    rows: pd.DataFrame,
    indicator: dict,
    lang: str,
    period: str | None,
    ahead: pd.DataFrame | None = None,
) -> dict:
    """One area's indicator month by month, its target, the month on screen marked, and
    ``ahead`` (its forecast rows, if any) after the last month."""
    unit = indicator[f"unit_{lang}"]
    months = [fmt.period(p, lang) for p in rows["period"]]
    values = [None if fmt.missing(v) else float(v) for v in rows["value"]]
    future = forecast_traces(rows, ahead if ahead is not None else pd.DataFrame(), indicator, lang)
    every = months + (list(future[-1]["x"][1:]) if future else [])
    # The months published first (``data[0]``, as every reader of the figure expects),
    # then the months ahead.
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": months,
            "y": values,
            "name": name(indicator, lang),
            "line": {"color": "#1f5fa8", "width": 2.5},
            "marker": {
                "size": 7,
                "color": [
                    STATUS_COLOURS.get(s, NO_STATUS) if isinstance(s, str) else NO_STATUS
                    for s in rows["status"]
                ],
            },
            "hovertemplate": f"%{{x}}<br>%{{y:,.{int(indicator['decimals'])}f}} {unit}"
            "<extra></extra>",
        },
        *future,
    ]
    targets = rows["target"].dropna()
    if len(targets):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": every,
                "y": [float(targets.iloc[-1])] * len(every),
                "name": t("card.target", lang),
                "line": {"color": "#6f8196", "dash": "dot", "width": 1.5},
                "hoverinfo": "skip",
            }
        )
    shapes = []
    if period in set(rows["period"]):
        mark = fmt.period(period, lang)
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": mark,
                "x1": mark,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#12365f", "width": 1, "dash": "dot"},
            }
        )
    drawn = values + [y for tr in future for y in tr["y"]]
    return {
        "data": traces,
        "layout": layout(
            height=260,
            showlegend=len(traces) > 1,
            legend={"orientation": "h", "y": 1.12, "x": 0},
            yaxis={
                "title": {"text": unit},
                "gridcolor": "rgba(127,127,127,0.2)",
                "automargin": True,
                **fmt.axis(drawn, unit, lang, from_zero=False),
            },
            # A label every sixth month: the months' names are long in Chinese.
            xaxis={
                "type": "category",
                "categoryorder": "array",
                "categoryarray": every,
                "tickvals": every[::6],
                "tickangle": 0,
            },
            shapes=shapes,
        ),
    }
