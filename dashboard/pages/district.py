"""``/``: the district cockpit."""

import dash

from dashboard import brand
from dashboard.components.cockpit import area_page


def layout(lang: str | None = None, indicator: str | None = None, **query: str):
    return area_page("district", None, lang, indicator, **query)


dash.register_page(__name__, path="/", name="district", title=brand.tab_title, layout=layout)
