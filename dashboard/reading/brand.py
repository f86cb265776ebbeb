"""The cockpit's name: the operator's own (``title_zh``/``title_en``), else built from the
top of the area tree in force, so a district never sees another one's name."""

from __future__ import annotations

from dashboard.i18n import t
from dashboard.reading import data, warehouse


def title(lang: str) -> str:
    settings = warehouse.settings()
    own = settings.title_en if lang == "en" else settings.title_zh
    if own:
        return own
    try:
        top = data.top_area()
    except warehouse.NoWarehouse:
        top = None
    if not top:
        return t("app.title", lang, area="").strip(" ·")
    name = top["name_en"].removesuffix(" District") if lang == "en" else top["name_zh"]
    return t("app.title", lang, area=name)


def tab_title(**_path: str) -> str:
    """The browser tab's title (Dash pages call it with the URL's path variables)."""
    return title(warehouse.settings().lang)
