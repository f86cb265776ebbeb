"""Every view is a URL: the drill-down lives in the path, choices in the query string."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from dashboard.i18n import DEFAULT_LANG

HOME = "/"
LEVEL_PATH = {
    "district": "/district/",
    "street": "/street/",
    "community": "/community/",
    "park": "/park/",
}


def area_href(
    level: str,
    code: str,
    lang: str,
    indicator: str | None = None,
    period: str | None = None,
    layers: list[str] | None = None,
) -> str:
    """The page of one area; an empty ``code`` names the top of the tree, whose page is
    ``/``. ``period`` (a month other than the latest) and map point ``layers`` are part
    of the view, so part of the URL."""
    path = f"{LEVEL_PATH[level]}{code}" if code else HOME
    query = {}
    if lang != DEFAULT_LANG:
        query["lang"] = lang
    if indicator:
        query["indicator"] = indicator
    if period:
        query["period"] = period
    if layers:
        query["layers"] = ",".join(layers)
    return f"{path}?{urlencode(query)}" if query else path


def link_code(area: dict) -> str:
    """The code an area's own links carry: none for the top of the tree, whose page is
    ``/`` whatever its level."""
    return area["code"] if area.get("parent_code") is not None else ""


def with_lang(path: str, lang: str) -> str:
    return path if lang == DEFAULT_LANG else f"{path}?{urlencode({'lang': lang})}"


def dept_href(department: str, lang: str) -> str:
    return with_lang(f"/dept/{department}", lang)


def brief_href(code: str, lang: str, period: str | None = None) -> str:
    query = {} if lang == DEFAULT_LANG else {"lang": lang}
    if period:
        query["period"] = period
    return f"/brief/{code}?{urlencode(query)}" if query else f"/brief/{code}"


# 督办: the forms post here (``routes.tasks``).
TASK_NEW = "/tasks/new"


def task_href(task_id: int) -> str:
    return f"/tasks/{task_id}"


def export_href(table: str, lang: str, **query: str | None) -> str:
    """The CSV download of one table (``routes.exports``): a plain URL that can be shared."""
    args = {k: v for k, v in query.items() if v}
    args["lang"] = lang
    return f"/export/{table}.csv?" + "&".join(f"{k}={quote(str(v))}" for k, v in args.items())


def geometry_href(version: str, scope_code: str, parent_code: str, level: str) -> str:
    """A level's shapes under ``parent_code`` (``routes.geometry``), for one data version
    and scope: the browser keeps it for good."""
    return f"/geo/{version}/{scope_code}/{parent_code}/{level}.json"
