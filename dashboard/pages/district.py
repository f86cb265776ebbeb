"""``/district/<code>``: a district (区) cockpit, below the city at the top of a city's
tree. A district at the top of its own tree is ``/``; its code here opens the same page."""

import dash

from dashboard import urls
from dashboard.components.cockpit import area_page


def layout(code: str = "", lang: str | None = None, indicator: str | None = None, **query: str):
    return area_page("district", code, lang, indicator, **query)


dash.register_page(
    __name__,
    path_template=urls.area_template("district"),
    name="district",
    title="区驾驶舱",
    layout=layout,
    first_screen=True,
)
