"""The answer cache for what is built per caller: a callback's answer or a page's
panels, kept under the published version, the caller's scope and (where it matters)
whether the caller is a wall screen, so that two callers of one scope share an entry and
callers of two scopes never do. Plain query answers are kept by ``reading.warehouse``
under the version alone: their SQL already binds the caller's scope."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import flask
import orjson

from cockpit.tasks.permissions import ROLE_PERMISSIONS
from dashboard.access.scope import NoScope, principal
from dashboard.dash_adapter import component_json, fill_slots, fragments, slot_values
from dashboard.reading import warehouse

T = TypeVar("T")
# Where a request notes the kept JSON of the parts it was given (``kept_form``).
_KEPT_FORMS = "kept_forms"


def remembered(name: str, params: list, build: Callable[[], T], kind: bool = False) -> T:
    """``build()``'s result for the published version, ``params`` and the caller's scope
    (and, with ``kind``, whether the caller is a wall screen and what their role permits),
    from the answer cache when
    it holds it: two callers of one scope share it, callers of two scopes never do."""
    who = principal()
    if who is None:
        raise NoScope()
    # The kind of caller: a wall, or a person with what their role permits (a viewer
    # reads; a handler also dispatches, and sees the 督办 buttons).
    permits = sorted(ROLE_PERMISSIONS.get(who.role, ()))
    caller = [who.scope, who.kiosk, permits] if kind else [who.scope]
    return warehouse.remembered(name, [*params, *caller], build)


def remembered_components(
    name: str,
    params: list,
    build: Callable[[], list],
    fill: Mapping[object, Callable[[], object]],
    kind: bool = False,
) -> list[orjson.Fragment]:
    """The components ``build()`` returns, kept like ``remembered`` as the JSON the browser
    is sent and given back as that JSON (written out as it is: walking it again as Python
    objects cost more than building the rest of a page). What is per request in them is a
    placeholder (a component or a string) in the kept JSON, replaced by ``fill[it]()``
    (``dash_adapter.slot_values``). Each filled part is noted for the request with the
    kept JSON it came from (``kept_form``), so that what is derived from the kept JSON (the
    first screen's HTML) can be derived once for every caller of its kind."""
    parts = remembered(name, params, lambda: [component_json(c) for c in build()], kind=kind)
    values = slot_values(parts, fill)
    filled = fill_slots(parts, values)
    if flask.has_request_context():
        noted = flask.g.setdefault(_KEPT_FORMS, {})
        for kept, text in zip(parts, filled, strict=True):
            noted[text] = (kept, values)
    return fragments(filled)


def kept_form(text: str) -> tuple[str, dict[str, str]] | None:
    """The kept JSON a part given by ``remembered_components`` in this request was filled
    from, with the values of its slots (placeholder's JSON → value's JSON); None for any
    other JSON."""
    if not flask.has_request_context():
        return None
    return flask.g.get(_KEPT_FORMS, {}).get(text)
