"""Dash's private API, in one place: the only module that imports ``dash._*``.

Three things the cockpit needs have no public form in Dash 4:
- rendering a registered page for a path on the server (the shell sends the page the
  browser opened with the app, ``shell.layout``): Dash's pages router keeps this in a
  closure, so we follow it with its own helpers and rebuild the page container with its
  component ids;
- a component tree as the JSON Dash sends (``component_json``): the answer cache keeps
  a page's panels as that JSON and sends it as it is, which measured 55 ms less per
  layout request than letting plotly's encoder walk the objects again;
- more than one app in a process (``cockpit schedule`` warms the cache with an app of its
  own at every publish; the tests make several): Dash hands the callbacks declared with
  ``dash.callback`` to the first app that starts and forgets them, so
  ``give_callbacks`` keeps them and gives each new app its own copy.

``tests/dashboard/test_dash_adapter.py`` fails when a Dash upgrade moves any of these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import orjson
from dash import _callback
from dash._pages import _parse_query_string, _path_to_page
from dash._utils import to_json
from dash.dash import _ID_CONTENT, _ID_DUMMY, _ID_LOCATION, _ID_STORE

# The ids of the pages router's own components (location, content, title store, dummy).
ROUTER_LOCATION, ROUTER_CONTENT, ROUTER_STORE, ROUTER_DUMMY = (
    _ID_LOCATION,
    _ID_CONTENT,
    _ID_STORE,
    _ID_DUMMY,
)


def registered_page(path: str) -> tuple[dict | None, dict | None]:
    """The registered page whose path or path template matches ``path`` (already
    stripped of the app's prefix), and the template's variables; (None, None) for a path
    no page claims."""
    page, variables = _path_to_page(path)
    return (page or None), (variables or None)


def query_arguments(search: str) -> dict:
    """A URL's query string as the keyword arguments Dash passes a page's layout."""
    return _parse_query_string(search)


def component_json(component: object) -> str:
    """A component (or any value a callback returns) as the JSON Dash sends for it."""
    return to_json(component)


def slot_values(parts: list[str], fill: Mapping[object, Callable[[], object]]) -> dict[str, str]:
    """What goes in each slot the kept component JSON ``parts`` holds: a slot is a
    placeholder component or a placeholder string, given by the placeholder itself, and
    ``fill[placeholder]()`` gives what goes in its place. Both as ``component_json``
    writes them (placeholder's JSON → its value's JSON), so that what is replaced is always
    a whole JSON value, never part of one."""
    values = {}
    for placeholder, value in fill.items():
        token = component_json(placeholder)
        if any(token in part for part in parts):
            values[token] = component_json(value())
    return values


def fill_slots(parts: list[str], values: Mapping[str, str]) -> list[str]:
    """Kept component JSON with its slots filled by ``slot_values``. (A parse and
    re-serialisation of the kept JSON cost as much as building the panels afresh.)"""
    for token, text in values.items():
        parts = [part.replace(token, text) for part in parts]
    return parts


def fragments(parts: list[str]) -> list[orjson.Fragment]:
    """Kept JSON handed to Dash to be written out as it is."""
    return [orjson.Fragment(part) for part in parts]


# The callbacks the page modules declared, as Dash first registered them: a registry of
# this process's code, filled once when the page modules are imported, never per request.
_DECLARED_MAP: dict = {}
_DECLARED_LIST: list = []


def give_callbacks(app: object) -> None:
    """Give ``app`` every callback the page modules declared (call after importing them),
    even when another app in this process took them first."""
    for key, value in _callback.GLOBAL_CALLBACK_MAP.items():
        _DECLARED_MAP.setdefault(key, value)
    for spec in _callback.GLOBAL_CALLBACK_LIST:
        if spec not in _DECLARED_LIST:
            _DECLARED_LIST.append(spec)
    # Emptied here, so that Dash's own start-up finds nothing left to hand out.
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_CALLBACK_LIST.clear()
    app.callback_map.update(_DECLARED_MAP)
    app._callback_list.extend(dict(spec) for spec in _DECLARED_LIST)
