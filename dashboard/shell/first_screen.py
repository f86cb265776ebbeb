"""The page the browser opened, as plain HTML in the first response.

Before an official sees anything, Dash's page needs its scripts fetched (1.2 MB) and
compiled, the layout asked for, and some 1,000 components turned into React: 13.7 s on a
phone over 1.6 Mbps (``bench.phone``). So the index answer carries a copy of the page,
rendered here from the same components the app will draw (``shell.layout.page_for``),
which the browser paints as soon as the HTML and the stylesheet arrive. It is ``inert``
(nothing in it can be focused or clicked, since it will be replaced) and has no ids (a
script asking for ``#period-select`` finds the app's own, never this copy);
``assets/first_screen.js`` removes it once the app has drawn the page.

Dash has no server-side renderer for its components; this one reads the JSON Dash sends
(``dash_adapter.component_json``), so the answer cache's kept panels are rendered as they
are. HTML components become their tags; of the core components, links become anchors,
dropdowns and option lists show their chosen values, graphs keep their place (their
size, so nothing moves when the app draws them), and stores, intervals and locations
draw nothing.
"""

from __future__ import annotations

import copy
import functools
import logging
import re

import flask
import orjson
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from dashboard.access import auth
from dashboard.caching import answers
from dashboard.dash_adapter import component_json
from dashboard.shell.layout import page_for

log = logging.getLogger(__name__)

# Where the copy goes: before the element Dash renders the app into.
APP_ENTRY = '<div id="react-entry-point">'
# The pages registered with ``first_screen=True`` come with a copy: the area cockpits, the
# pages an official opens first, on a phone as on a laptop. The rest (the task pages,
# whose forms are their point; the wall, a big screen on a wired network whose scene is
# drawn by script) wait for the app as before.
OPT_IN = "first_screen"

_HTML = "dash_html_components"
_CORE = "dash_core_components"
_TAG = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")
_SAFE_URL = re.compile(r"(/|\?|#|https?:|mailto:|tel:)", re.IGNORECASE)
# An image may also be inline (the cards' sparklines are SVG data): an <img> runs no script.
_SAFE_IMAGE = re.compile(r"data:image/(svg\+xml|png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_ATTRIBUTES = {
    "className": "class", "htmlFor": "for", "tabIndex": "tabindex", "colSpan": "colspan",
    "rowSpan": "rowspan", "dateTime": "datetime", "title": "title", "role": "role",
    "lang": "lang", "alt": "alt", "target": "target", "rel": "rel", "download": "download",
    "hidden": "hidden", "open": "open", "disabled": "disabled", "type": "type",
    "name": "name", "value": "value", "placeholder": "placeholder", "width": "width",
    "height": "height", "src": "src", "href": "href", "scope": "scope",
}  # fmt: skip
_URLS = {"href", "src"}
_VOID = {"img", "input", "br", "hr", "meta", "link", "source", "wbr", "col"}


def with_first_screen(app_entry: str) -> str:
    """Dash's app entry with the first screen of the page asked for before it, when there
    is one to show this caller."""
    copy = first_screen()
    return f"{copy}{app_entry}" if copy and APP_ENTRY in app_entry else app_entry


def first_screen() -> str:
    """The opened page as inert HTML, or "" (no signed-in caller, or a page not
    registered for a copy)."""
    request = flask.request
    if request.method != "GET" or auth.principal() is None:
        return ""
    search = f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
    try:
        rendered = page_for(request.path, search, wanted=_wanted)
    except HTTPException:
        return ""  # the app answers it as it would any link
    except Exception:
        # The copy is a head start, never a condition for the page: the app still
        # renders (and reports) whatever failed here.
        log.exception("first screen of %s not rendered", request.path)
        return ""
    if rendered is None:
        return ""
    return (
        '<div id="first-screen" class="first-screen" inert aria-busy="true">'
        f'<div class="app-shell"><div><div>{_page_html(rendered[0])}</div></div></div></div>'
    )


def _page_html(page: object) -> str:
    """A page as HTML, its kept panels (``orjson.Fragment``: the answer cache's JSON) from
    their own memo."""
    children = getattr(page, "children", None)
    if not isinstance(children, list) or not any(
        isinstance(child, orjson.Fragment) for child in children
    ):
        return render(orjson.loads(component_json(page)))
    empty = copy.copy(page)
    empty.children = None
    outer = render(orjson.loads(component_json(empty)))
    inner = "".join(
        _filled_html(component_json(child))
        if isinstance(child, orjson.Fragment)
        else render(orjson.loads(component_json(child)))
        for child in children
    )
    end = outer.rindex("</")
    return outer[:end] + inner + outer[end:]


def _filled_html(text: str) -> str:
    """Kept JSON given to this request as HTML: rendered from the kept form with its slots
    still in it (the same text for every caller of one kind, so memoised), then each slot's
    HTML replaced by its value's, as ``answers`` filled the JSON."""
    kept = answers.kept_form(text)
    if kept is None:
        return _kept_html(text)
    form, values = kept
    page = _kept_html(form)
    for token, value in values.items():
        page = page.replace(render(orjson.loads(token)), render(orjson.loads(value)))
    return page


@functools.lru_cache(maxsize=512)
def _kept_html(kept: str) -> str:
    # The kept panels are the same JSON at every load of a page by callers of one kind
    # until the next publish; rendered afresh they were 12 of the 34 ms a city's top page
    # took (cProfile, bench.load's city). A pure function of its text, memoised in each
    # process: nothing shared between workers, nothing to invalidate. A page is some six
    # parts, so 512 hold the 80-odd pages most opened (64 held ten, and a round of
    # fourteen pages missed every time).
    return render(orjson.loads(kept))


def _wanted(page: dict) -> bool:
    return page.get(OPT_IN) is True


def render(node: object) -> str:
    """Component JSON (as Dash sends it) as HTML."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, float) and node.is_integer():
        node = int(node)  # as the browser writes it: 12, not 12.0
    if isinstance(node, str | int | float):
        return str(escape(node))
    if isinstance(node, list):
        return "".join(render(child) for child in node)
    if not isinstance(node, dict) or "type" not in node:
        return ""
    props = node.get("props") or {}
    if node.get("namespace") == _HTML:
        return _element(node["type"].lower(), props, props.get("children"))
    if node.get("namespace") == _CORE:
        return _core(node["type"], props)
    return ""


def _core(kind: str, props: dict) -> str:
    if kind == "Link":
        return _element("a", props, props.get("children"))
    if kind == "Graph":
        return _element("div", {**props, "className": _classes("dash-graph", props)}, None)
    if kind == "Dropdown":
        return _dropdown(props)
    if kind in ("RadioItems", "Checklist"):
        return _options(kind, props)
    if kind in ("Input", "Textarea"):
        tag = "textarea" if kind == "Textarea" else "input"
        children = props.get("value") if tag == "textarea" else None
        return _element(tag, {**props, "disabled": True}, children)
    return ""  # Store, Interval, Location: nothing to see


def _dropdown(props: dict) -> str:
    chosen = props.get("value")
    chosen = chosen if isinstance(chosen, list) else [chosen]
    labels = [
        option.get("label") if isinstance(option, dict) else option
        for option in props.get("options") or []
        if (option.get("value") if isinstance(option, dict) else option) in chosen
    ]
    items = "".join(
        f'<span class="dash-dropdown-value-item"><span>{render(label)}</span></span>'
        for label in labels
    )
    return (
        '<div class="dash-dropdown-wrapper">'
        f'<span class="{escape(_classes("dash-dropdown", props))}">'
        '<span class="dash-dropdown-grid-container dash-dropdown-trigger">'
        f'<span class="dash-dropdown-value">{items}</span></span></span></div>'
    )


def _options(kind: str, props: dict) -> str:
    chosen = props.get("value")
    chosen = chosen if isinstance(chosen, list) else [chosen]
    kind_class = "dash-radioitems" if kind == "RadioItems" else "dash-checklist"
    box = "radio" if kind == "RadioItems" else "checkbox"
    options = []
    for option in props.get("options") or []:
        value = option.get("value") if isinstance(option, dict) else option
        label = option.get("label") if isinstance(option, dict) else option
        mark = " checked" if value in chosen else ""
        options.append(
            f'<label class="dash-options-list-option {kind_class}-inline">'
            f'<input type="{box}" class="dash-options-list-option-checkbox" disabled{mark}>'
            f"{render(label)}</label>"
        )
    classes = _classes(f"dash-options-list {kind_class}", props)
    return f'<div class="{escape(classes)}">{"".join(options)}</div>'


def _classes(base: str, props: dict) -> str:
    return f"{base} {props.get('className') or ''}".strip()


def _element(tag: str, props: dict, children: object) -> str:
    if not _TAG.match(tag):
        return ""
    attributes = "".join(_attribute(key, value) for key, value in props.items())
    if tag in _VOID:
        return f"<{tag}{attributes}>"
    return f"<{tag}{attributes}>{render(children)}</{tag}>"


def _attribute(key: str, value: object) -> str:
    if value is None or value is False:
        return ""
    if key == "style" and isinstance(value, dict):
        css = ";".join(
            f"{_kebab(name)}:{style}" for name, style in value.items() if style is not None
        )
        return f' style="{escape(css)}"' if css else ""
    if key.startswith(("aria-", "data-")):
        name = key
    elif key in _ATTRIBUTES:
        name = _ATTRIBUTES[key]
    else:
        return ""  # ids, callbacks' props, children
    if name in _URLS and not (
        _SAFE_URL.match(str(value)) or (name == "src" and _SAFE_IMAGE.match(str(value)))
    ):
        return ""
    if value is True:
        return f" {name}"
    return f' {name}="{escape(value)}"'


def _kebab(name: str) -> str:
    if name.startswith("--"):
        return name  # a CSS variable keeps its name
    return re.sub(r"[A-Z]", lambda capital: f"-{capital.group().lower()}", name)
