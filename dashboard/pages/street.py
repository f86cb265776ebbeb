"""``/street/<code>``: a street (街道) cockpit; 12-digit or 9-digit code."""

import dash

from dashboard import urls
from dashboard.components.cockpit import area_page


def layout(code: str = "", lang: str | None = None, indicator: str | None = None, **query: str):
    return area_page("street", code, lang, indicator, **query)


dash.register_page(
    __name__,
    path_template=urls.area_template("street"),
    name="street",
    title="街道驾驶舱",
    layout=layout,
    first_screen=True,
)
