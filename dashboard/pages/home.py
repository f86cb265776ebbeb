"""``/``: the cockpit of the top of the tree (the district, or the city above its districts)."""

import dash

from dashboard.components.cockpit import area_page
from dashboard.reading import brand


def layout(lang: str | None = None, indicator: str | None = None, **query: str):
    return area_page(None, None, lang, indicator, **query)


dash.register_page(
    __name__, path="/", name="home", title=brand.tab_title, layout=layout, first_screen=True
)
