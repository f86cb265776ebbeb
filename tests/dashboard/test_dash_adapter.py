"""The one module that reaches into Dash's private API (``dashboard.dash_adapter``), held
to what the cockpit needs of it: this fails when a Dash upgrade moves or changes any of
it, before an official sees a page that no longer comes with the app."""

from __future__ import annotations

import dash
import orjson
import pytest
from dash import Dash, dcc, html

from dashboard import dash_adapter


@pytest.fixture
def app():
    """A small pages app; its pages leave Dash's registry (a global) afterwards, so that
    the cockpit's own app in this process never sees them."""
    before = set(dash.page_registry)
    yield _app()
    for module in set(dash.page_registry) - before:
        del dash.page_registry[module]


def _app() -> Dash:
    app = Dash(__name__, use_pages=True, pages_folder="", suppress_callback_exceptions=True)
    dash.register_page("adapter_home", path="/", layout=lambda **kw: html.Div("home", id="h"))
    dash.register_page(
        "adapter_area",
        path_template="/adapter-street/<code>",
        layout=lambda code=None, **query: html.Div([code, query.get("indicator")], id="a"),
    )
    app.layout = html.Div([dash.page_container])
    return app


def test_a_registered_page_is_found_by_its_path_and_template(app):
    with app.server.test_request_context("/"):
        page, variables = dash_adapter.registered_page("adapter-street/330103002000")
        assert page["module"] == "adapter_area"
        assert variables == {"code": "330103002000"}
        home, _ = dash_adapter.registered_page("")
        assert home["module"] == "adapter_home"
        assert dash_adapter.registered_page("no-such-page")[0] is None
        layout = page["layout"](**variables, **dash_adapter.query_arguments("?indicator=x"))
        assert layout.children == ["330103002000", "x"]


def test_the_router_s_ids_are_those_of_dash_s_own_page_container():
    ids = {child.id for child in dash.page_container.children}
    assert ids == {
        dash_adapter.ROUTER_LOCATION,
        dash_adapter.ROUTER_CONTENT,
        dash_adapter.ROUTER_STORE,
        dash_adapter.ROUTER_DUMMY,
    }


def test_component_json_is_what_dash_sends_and_slots_fill_whole_values():
    tree = html.Div([dcc.Input(value="csrf-slot", id="token"), html.Span(id="slot")], id="top")
    text = dash_adapter.component_json(tree)
    parsed = orjson.loads(text)
    assert parsed["type"] == "Div" and parsed["namespace"] == "dash_html_components"
    assert parsed["props"]["children"][0]["props"]["value"] == "csrf-slot"
    values = dash_adapter.slot_values(
        [text],
        {"csrf-slot": lambda: 'a"token', html.Span(id="slot"): lambda: html.B("now", id="b")},
    )
    filled = dash_adapter.fill_slots([text], values)
    again = orjson.loads(filled[0])
    assert again["props"]["children"][0]["props"]["value"] == 'a"token'
    assert again["props"]["children"][1]["props"] == {"children": "now", "id": "b"}
    # Kept JSON goes out as it is.
    assert orjson.dumps(dash_adapter.fragments(filled)) == f"[{filled[0]}]".encode()


def test_every_app_a_process_makes_answers_the_pages_callbacks(demo, tmp_path):
    """``cockpit schedule`` makes an app at each publish to warm the cache, and Dash gives
    the declared callbacks to the first app only: the second must have them too."""
    from dashboard.shell.app import create_app
    from tests.helpers.cockpits import copy_of_demo

    settings = copy_of_demo(demo, tmp_path)
    apps = [create_app(settings=settings) for _ in range(2)]
    for app in apps:
        assert app.server.test_client().get("/login").status_code == 200  # starts the app
    assert apps[0].callback_map.keys() == apps[1].callback_map.keys()
    assert any("area-map.figure" in key for key in apps[1].callback_map)
