"""Every view is a URL: the drill-down lives in the path, choices in the query string."""

from __future__ import annotations

from urllib.parse import urlencode

from dashboard.i18n import DEFAULT_LANG

LEVEL_PATH = {"district": "/", "street": "/street/", "community": "/community/", "park": "/park/"}


def area_href(level: str, code: str, lang: str, indicator: str | None = None) -> str:
    """The page of one area; the district's page is ``/``."""
    path = LEVEL_PATH[level] if level == "district" else f"{LEVEL_PATH[level]}{code}"
    query = {}
    if lang != DEFAULT_LANG:
        query["lang"] = lang
    if indicator:
        query["indicator"] = indicator
    return f"{path}?{urlencode(query)}" if query else path


def with_lang(path: str, lang: str) -> str:
    return path if lang == DEFAULT_LANG else f"{path}?{urlencode({'lang': lang})}"


def dept_href(department: str, lang: str) -> str:
    return with_lang(f"/dept/{department}", lang)
