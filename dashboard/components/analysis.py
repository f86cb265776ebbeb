"""Rankings and trends: the children ranked by the indicator on the map, and this area's
trend; and the period selector, which the page header carries. Each chart can be saved
as PNG (the chart's camera button, drawn in the browser) and each table downloaded as
CSV."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.drawing import fmt
from dashboard.i18n import t

CHART_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    # Nothing that uploads a chart: the intranet has no internet, and the data stays in.
    "showSendToCloud": False,
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "zoom2d",
        "pan2d",
        "autoScale2d",
        "sendChartToCloud",
        "sendDataToCloud",
    ],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def chart_config(filename: str) -> dict:
    return {
        **CHART_CONFIG,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
    }


def period_select(periods: list[str], period: str, lang: str) -> html.Label:
    return html.Label(
        [
            t("analysis.period", lang),
            dcc.Dropdown(
                id=ids.PERIOD,
                options=[{"label": fmt.period(p, lang), "value": p} for p in periods],
                value=period,
                clearable=False,
                searchable=False,
                className="period-select",
            ),
        ],
        className="indicator-label",
    )


def chart_block(
    title: str, csv_href: str, csv_id: str, graph_id: str, figure: dict, filename: str, lang: str
) -> html.Div:
    """A chart with its title and CSV download; the PNG is the chart's camera button."""
    return html.Div(
        [
            html.Div(
                [
                    html.H3(title, className="chart-title"),
                    html.A(
                        "CSV",
                        href=csv_href,
                        className="export-link",
                        download="",
                        id=csv_id,
                        title=t("export.csv", lang),
                    ),
                ],
                className="chart-head",
            ),
            dcc.Graph(
                id=graph_id,
                figure=figure,
                config=chart_config(filename),
                style={"height": f"{figure['layout']['height']}px"},
            ),
        ],
        className="chart-block",
    )


def analysis_panel(
    ranking: dict,
    trend: dict,
    level: str,
    lang: str,
    csv: dict[str, str],
    filenames: dict[str, str],
) -> html.Section:
    ranking_block = chart_block(
        t(f"analysis.ranking.{level}", lang), csv["ranking"], ids.RANKING_CSV, ids.RANKING,
        ranking, filenames["ranking"], lang,
    )  # fmt: skip
    trend_block = chart_block(
        t("analysis.trend", lang), csv["trend"], ids.TREND_CSV, ids.TREND, trend,
        filenames["trend"], lang,
    )  # fmt: skip
    return html.Section(
        [
            html.Div(
                html.H2(t("analysis.title", lang), className="panel-title"),
                className="panel-head",
            ),
            html.Div([ranking_block, trend_block], className="analysis-grid"),
        ],
        className="analysis-panel panel",
    )
