"""``/community/<code>``: a community (社区) cockpit."""

import dash

from dashboard import urls
from dashboard.components.cockpit import area_page


def layout(code: str = "", lang: str | None = None, indicator: str | None = None, **query: str):
    return area_page("community", code, lang, indicator, **query)


dash.register_page(
    __name__,
    path_template=urls.area_template("community"),
    name="community",
    title="社区驾驶舱",
    layout=layout,
    first_screen=True,
)
