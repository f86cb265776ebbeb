"""The parameters of ``/api/v1``, checked strictly: an unknown one, one given twice, or one
out of its form is a ``BadParameter`` that names it and says why (a 400)."""

from __future__ import annotations

import re
from collections.abc import Callable

import flask

from cockpit.codes import BadCode, parse_code
from cockpit.levels import LEVELS

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MAX_LIMIT = 5_000


class BadParameter(Exception):
    pass


def params(allowed: dict[str, Callable[[str], object]]) -> dict[str, object]:
    """The query's parameters, each checked by its parser; anything else is a 400."""
    out: dict[str, object] = {}
    for name in flask.request.args:
        if name not in allowed and name not in ("format", "limit", "offset"):
            takes = ", ".join(sorted([*allowed, "format", "limit", "offset"]))
            raise BadParameter(f"unknown parameter {name!r}; this path takes {takes}")
        values = flask.request.args.getlist(name)
        if len(values) > 1:
            raise BadParameter(f"parameter {name!r} given {len(values)} times")
    for name, parse in allowed.items():
        if name in flask.request.args:
            out[name] = parse(flask.request.args[name])
    return out


def area_code(text: str) -> str:
    try:
        return parse_code(text)
    except BadCode as exc:
        raise BadParameter(f"area {text!r}: {exc}") from exc


def month(text: str) -> str:
    if not _MONTH.match(text):
        raise BadParameter(f"{text!r} is not a month (YYYY-MM)")
    return text


def level(text: str) -> str:
    if text not in LEVELS:
        raise BadParameter(f"level {text!r}: one of {', '.join(LEVELS)}")
    return text


def bounded(name: str, low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        whole = text.isascii() and text.isdigit() and len(text) <= 12
        if not whole or not low <= int(text) <= high:
            raise BadParameter(f"{name} {text!r}: a whole number from {low} to {high}")
        return int(text)

    return parse


def page() -> tuple[int, int, str]:
    limit = bounded("limit", 1, MAX_LIMIT)(flask.request.args.get("limit", "1000"))
    offset = bounded("offset", 0, 10**9)(flask.request.args.get("offset", "0"))
    form = flask.request.args.get("format", "json")
    if form not in ("json", "csv"):
        raise BadParameter(f"format {form!r}: json or csv")
    return limit, offset, form
