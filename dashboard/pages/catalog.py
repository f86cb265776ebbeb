"""``/catalog``: the data catalog and its quality."""

import datetime as dt

import dash
from dash import html

from cockpit.store import utcnow
from dashboard.components.catalog import catalog_table
from dashboard.components.cockpit import no_data
from dashboard.components.downloads import export_link
from dashboard.components.header import page_header
from dashboard.drawing import fmt
from dashboard.i18n import pick_lang, t
from dashboard.reading import data, metadata, usage, warehouse
from dashboard.urls import with_lang


def layout(lang: str | None = None, **_query: str):
    lang = pick_lang(lang)
    try:
        as_of = data.as_of()
        sources = metadata.catalog(fmt.utc_now())
        lineage = warehouse.frame("SELECT indicator_id, sources FROM ind.indicator")
    except warehouse.NoWarehouse:
        return no_data(lang)
    # 谁使用谁负责: who reads each source's data through /api/v1 (the last 12 weeks).
    since = utcnow() - dt.timedelta(weeks=12)
    events = usage.events_frame(warehouse.settings().app_db, since, kind="api_call")
    sources_of = {i: list(s) for i, s in zip(lineage["indicator_id"], lineage["sources"],
                                              strict=True)}  # fmt: skip
    consumers = usage.consumers_by_source(events, sources_of)
    sources["consumers"] = sources["table_name"].map(lambda table: consumers.get(table, []))
    other = "en" if lang == "zh" else "zh"
    title = [html.Span(t("catalog.title", lang), className="area-name")]
    return html.Div(
        [
            page_header(title, lang, as_of, with_lang("/catalog", other)),
            html.Div(
                [
                    html.P(t("catalog.subtitle", lang), className="page-subtitle"),
                    export_link("catalog", lang),
                ],
                className="page-bar",
            ),
            html.Main(catalog_table(sources, lang), className="catalog-main"),
        ],
        className="cockpit catalog",
        lang="zh-CN" if lang == "zh" else "en",
    )


dash.register_page(
    __name__, path="/catalog", name="catalog", title="公共数据资源目录", layout=layout
)
