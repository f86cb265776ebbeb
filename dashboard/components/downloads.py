"""A table's CSV download, as a link beside it."""

from __future__ import annotations

from dash import html

from dashboard import ids
from dashboard.i18n import t
from dashboard.urls import export_href


def export_link(table: str, lang: str, link_id: str | None = None, **query: str | None) -> html.A:
    """The CSV download of one table, as a link: a plain URL that can be shared."""
    return html.A(
        "CSV",
        href=export_href(table, lang, **query),
        className="export-link",
        download="",
        id=link_id or ids.csv_link(table),
        title=t("export.csv", lang),
    )
