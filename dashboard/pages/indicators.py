"""``/indicators``: the indicator dictionary, generated from the layer specs."""

import dash
from dash import html

from dashboard.components.cockpit import no_data
from dashboard.components.department import department_name
from dashboard.components.dictionary import dictionary_sections
from dashboard.components.downloads import export_link
from dashboard.components.header import page_header
from dashboard.i18n import pick_lang, t
from dashboard.reading import data, metadata, warehouse
from dashboard.urls import with_lang


def layout(lang: str | None = None, **_query: str):
    lang = pick_lang(lang)
    try:
        as_of = data.as_of()
        indicators = metadata.dictionary()
        sources = metadata.source_tables()
        owners = metadata.departments()
    except warehouse.NoWarehouse:
        return no_data(lang)
    dept_names = {r["department"]: department_name(r, lang) for r in owners.to_dict("records")}
    other = "en" if lang == "zh" else "zh"
    title = [html.Span(t("dict.title", lang), className="area-name")]
    return html.Div(
        [
            page_header(title, lang, as_of, with_lang("/indicators", other)),
            html.Div(
                [
                    html.P(t("dict.subtitle", lang, n=len(indicators)), className="page-subtitle"),
                    export_link("indicators", lang),
                ],
                className="page-bar",
            ),
            html.Main(
                dictionary_sections(indicators, sources, dept_names, lang), className="dict-main"
            ),
        ],
        className="cockpit dictionary",
        lang="zh-CN" if lang == "zh" else "en",
    )


dash.register_page(__name__, path="/indicators", name="indicators", title="指标字典", layout=layout)
