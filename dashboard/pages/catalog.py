"""``/catalog``: the data catalog and its quality."""

import dash
from dash import html

from dashboard.components.catalog import catalog_table
from dashboard.components.cockpit import no_data
from dashboard.components.downloads import export_link
from dashboard.components.header import page_header
from dashboard.drawing import fmt
from dashboard.i18n import pick_lang, t
from dashboard.reading import data, metadata, warehouse
from dashboard.urls import with_lang


def layout(lang: str | None = None, **_query: str):
    lang = pick_lang(lang)
    try:
        as_of = data.as_of()
        sources = metadata.catalog(fmt.utc_now())
    except warehouse.NoWarehouse:
        return no_data(lang)
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
