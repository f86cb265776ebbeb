"""Any other path."""

import dash
from dash import dcc, html

from dashboard.i18n import pick_lang, t
from dashboard.urls import HOME, with_lang


def layout(lang: str | None = None, **_query: str):
    lang = pick_lang(lang)
    return html.Div(
        [
            html.H1(t("notfound.title", lang)),
            dcc.Link(t("notfound.back", lang), href=with_lang(HOME, lang)),
        ],
        className="not-found",
    )


dash.register_page(__name__, path="/404", name="not_found_404", title="404", layout=layout)
