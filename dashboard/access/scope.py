"""The caller's scope: which areas a request may read. Every reader in ``reading/`` that returns
areas passes through ``visible()``.

A user scoped to an area sees that area and everything below it, and the aggregate
values of its ancestors (a street official sees the district total), never a sibling:
another street's name, value or shape is not in the set. The set comes from the
published area tree and the signed-in principal on the server; nothing the browser sends
widens it. With no principal (no request, or nobody signed in) every reader fails closed.
"""

from __future__ import annotations

from functools import lru_cache

import flask
from werkzeug.exceptions import Forbidden

from cockpit.store.sessions import Principal
from dashboard.reading import warehouse
from dashboard.reading.tree import area_tree, former_code


class NoScope(Forbidden):
    """A read with no signed-in principal behind it."""

    description = "sign in first"


def principal() -> Principal | None:
    """Who is calling: set by the gate every request passes (``auth``), None outside a
    request or before sign-in."""
    return flask.g.get("principal") if flask.has_request_context() else None


def root() -> str:
    """The area code the caller is scoped to."""
    who = principal()
    if who is None:
        raise NoScope()
    return who.scope


@lru_cache(maxsize=256)
def _visible(version: str, scope: str) -> tuple[list[str] | None, frozenset[str]]:
    # An account scoped before a re-zoning reads the area its code became.
    tree, scope = area_tree(), former_code(scope)
    codes = tree.scope_set(scope)
    # Scoped to the top of the tree, the caller reads every area: no list to bind.
    return (None if tree.top() == [scope] else codes), frozenset(codes)


def visible() -> list[str] | None:
    """Every area code the caller may read (a list, to bind as a SQL parameter), or None
    for a caller who may read the whole tree."""
    return _visible(warehouse.warehouse_version(), root())[0]


def can_see(code: str) -> bool:
    return code in _visible(warehouse.warehouse_version(), root())[1]
