"""``/park/<code>``: a park (园区) cockpit, organised by sections and scenes."""

import dash

from dashboard import urls
from dashboard.components.cockpit import area_page


def layout(code: str = "", lang: str | None = None, indicator: str | None = None, **query: str):
    return area_page("park", code, lang, indicator, **query)


dash.register_page(
    __name__,
    path_template=urls.area_template("park"),
    name="park",
    title="园区驾驶舱",
    layout=layout,
    first_screen=True,
)
