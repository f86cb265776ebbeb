"""Breadcrumb from the top of the tree down to the current area; each step links back up."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import name, t
from dashboard.urls import area_href


def breadcrumb(chain: pd.DataFrame, lang: str, indicator: str | None) -> html.Nav:
    items = []
    last = len(chain) - 1
    for i, row in enumerate(chain.to_dict("records")):
        label = name(row, lang)
        if i == last:
            items.append(html.Span(label, className="crumb current", **{"aria-current": "page"}))
        else:
            # The top of the tree is ``/``, whatever its level.
            href = area_href(row["level"], row["code"] if i else "", lang, indicator)
            items.append(dcc.Link(label, href=href, className="crumb"))
            items.append(html.Span("›", className="crumb-sep"))
    return html.Nav(
        items,
        className="breadcrumb",
        id=ids.BREADCRUMB,
        **{"aria-label": t("nav.breadcrumb", lang)},
    )
