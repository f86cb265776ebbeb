"""What a callback serves, derived on the server from the URL it was called from, never
from what the browser says about itself: the area (checked against the caller's scope),
its map's parent and level, the period and the language. And the checks every callback
input passes: a value of the wrong type, size or set is a 400, not a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs

from werkzeug.exceptions import BadRequest, NotFound

from cockpit.codes import BadCode, parse_code
from dashboard.i18n import LANGS, pick_lang
from dashboard.reading import data, insights
from dashboard.urls import parse_area_path

_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
_PERIOD = re.compile(r"\d{4}-\d{2}")
MAX_SEARCH = 2000


@dataclass(frozen=True)
class View:
    area: dict
    parent: str
    child_level: str
    period: str
    latest: str
    lang: str

    @property
    def shown_period(self) -> str | None:
        """The period as the URL names it: none for the latest month."""
        return insights.Period(self.period, self.latest).shown


def query_value(search: object, key: str) -> str | None:
    if search in (None, ""):
        return None
    if not isinstance(search, str) or len(search) > MAX_SEARCH:
        raise BadRequest("bad query string")
    values = parse_qs(search.lstrip("?")).get(key)
    return values[0] if values else None


def area_view(pathname: object, search: object) -> View:
    """The area page ``pathname`` names, as the caller may see it; 404 when it names an
    area they may not (or that does not exist), 400 when it is no area page at all."""
    parsed = parse_area_path(pathname)
    if parsed is None:
        raise BadRequest("not an area page")
    level, code = parsed
    if level is None:
        area = data.top()
    else:
        try:
            full = parse_code(code)
        except BadCode as exc:
            raise BadRequest(str(exc)) from exc
        area = data.find_area(full, level)
    if area is None:
        raise NotFound()
    chosen = insights.which_period(query_value(search, "period"))
    if chosen is None:
        raise NotFound("no data published yet")
    lang = pick_lang(query_value(search, "lang"))
    parent, child_level = data.map_areas(area)
    return View(area, parent, child_level, chosen.period, chosen.latest, lang)


def indicator_id(value: object) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise BadRequest("an indicator id is a short lower-case name")
    return value


def period(value: object) -> str:
    if not isinstance(value, str) or not _PERIOD.fullmatch(value):
        raise BadRequest("a period is YYYY-MM")
    return value


def choices(value: object, allowed: tuple[str, ...]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > len(allowed):
        raise BadRequest("expected a short list")
    if not all(isinstance(v, str) and v in allowed for v in value):
        raise BadRequest(f"allowed values: {', '.join(allowed)}")
    return value


def lang(value: object) -> str:
    if value not in LANGS:
        raise BadRequest("lang is zh or en")
    return value  # type: ignore[return-value]


def count(value: object, limit: int = 10_000_000) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise BadRequest("expected a count")
    return value


def filter_value(kind: str, value: object) -> str | None:
    """An alert filter's value: a street's 12-digit code, a domain, a department id."""
    if value is None:
        return None
    if kind == "street":
        if not isinstance(value, str) or not re.fullmatch(r"\d{12}", value):
            raise BadRequest("a street is a 12-digit code")
        return value
    if kind == "domain":
        if value not in data.DOMAIN_ORDER:
            raise BadRequest("unknown domain")
        return value
    return indicator_id(value)  # department ids share the indicators' form
