"""The caller's scope: which areas a request may read. Every reader in ``data.py``,
``insights.py`` and ``metadata.py`` that returns areas passes through ``visible()``.

A user scoped to an area sees that area and everything below it, and the aggregate
values of its ancestors (a street official sees the district total), never a sibling:
another street's name, value or shape is not in the set. The set comes from the
published area tree and the signed-in principal on the server; nothing the browser sends
widens it. With no principal (no request, or nobody signed in) every reader fails closed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TypeVar

import flask
import orjson
from dash._utils import to_json
from werkzeug.exceptions import Forbidden

from dashboard import data

T = TypeVar("T")


class NoScope(Forbidden):
    """A read with no signed-in principal behind it."""

    description = "sign in first"


def root() -> str:
    """The area code the caller is scoped to."""
    principal = flask.g.get("principal") if flask.has_request_context() else None
    if principal is None:
        raise NoScope()
    return principal.scope


@lru_cache(maxsize=256)
def _visible(version: str, scope: str) -> tuple[list[str] | None, frozenset[str]]:
    # An account scoped before a re-zoning reads the area its code became.
    moved = data.first_row(
        "SELECT new_code FROM ind.area_change WHERE old_code = $scope "
        "AND $scope NOT IN (SELECT code FROM ind.area)",
        {"scope": scope},
    )
    scope = moved["new_code"] if moved else scope
    rows = data.frame(
        """
        WITH RECURSIVE down(code) AS (
            SELECT code FROM ind.area WHERE code = $scope
            UNION ALL
            SELECT a.code FROM ind.area a JOIN down d ON a.parent_code = d.code
        ),
        up(code, parent_code) AS (
            SELECT code, parent_code FROM ind.area WHERE code = $scope
            UNION ALL
            SELECT a.code, a.parent_code FROM ind.area a JOIN up u ON a.code = u.parent_code
        )
        SELECT code FROM down UNION SELECT code FROM up ORDER BY code
        """,
        {"scope": scope},
    )
    codes = rows["code"].tolist()
    top = data.frame("SELECT code FROM ind.area WHERE parent_code IS NULL")["code"].tolist()
    # Scoped to the top of the tree, the caller reads every area: no list to bind.
    return (None if top == [scope] else codes), frozenset(codes)


def visible() -> list[str] | None:
    """Every area code the caller may read (a list, to bind as a SQL parameter), or None
    for a caller who may read the whole tree."""
    return _visible(data.warehouse_version(), root())[0]


def can_see(code: str) -> bool:
    return code in _visible(data.warehouse_version(), root())[1]


def remembered(name: str, params: list, build: Callable[[], T], kind: bool = False) -> T:
    """``build()``'s result for the published version, ``params`` and the caller's scope
    (and, with ``kind``, whether the caller is a wall screen), from the answer cache when
    it holds it: two callers of one scope share it, callers of two scopes never do."""
    principal = flask.g.get("principal") if flask.has_request_context() else None
    if principal is None:
        raise NoScope()
    caller = [principal.scope, principal.kiosk] if kind else [principal.scope]
    return data.remembered(name, [*params, *caller], build)


def remembered_components(
    name: str,
    params: list,
    build: Callable[[], list],
    fill: Mapping[str, Callable[[], str]],
    kind: bool = False,
) -> list[orjson.Fragment]:
    """The components ``build()`` returns, kept like ``remembered`` as the JSON the browser
    is sent and given back as that JSON (``orjson.Fragment``, written out as it is: walking
    it again as Python objects cost more than building the rest of a page). What is per
    request in them is a slot in the kept JSON, filled by ``fill[slot]()`` when present."""
    parts = remembered(name, params, lambda: [to_json(c) for c in build()], kind=kind)
    for slot, value in fill.items():
        if any(slot in part for part in parts):
            text = value()
            parts = [part.replace(slot, text) for part in parts]
    return [orjson.Fragment(part) for part in parts]
