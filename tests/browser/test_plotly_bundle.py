"""The vendored plotly.js (``dashboard/assets/vendor/plotly-map.min.js``, plotly.js's own
"map" partial bundle: no other trace types) draws every chart the cockpit sends: each
figure of the district page, a point layer and a park, as the server answers them, drawn by the bundle the pages load. A chart type added to the code that the bundle
lacks fails here, not on an official's screen."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest
from plotly.basedatatypes import BaseTraceType

from tests.helpers.cockpits import PARK, REPO, STREET, sign_in

# Pages whose layouts hold every figure the cockpit draws: the district's map, ranking and
# trend; a street's map with point layers (scattermap); a park's sections. (The wall's
# flat map is the same choroplethmap.)
PAGES = ["/", f"/street/{STREET}?layers=hotline,parking", f"/park/{PARK}"]

DRAW = """async (figures) => {
    const out = [];
    for (const figure of figures) {
        const div = document.createElement('div');
        div.style.cssText = 'width:640px;height:420px;position:absolute;left:0;top:0';
        document.body.appendChild(div);
        let error = null;
        try { await Plotly.newPlot(div, figure.data, figure.layout || {}, {staticPlot: true}); }
        catch (e) { error = String(e); }
        const canvas = div.querySelector('canvas');
        const types = (div._fullData || []).map(t => t.type);
        out.push({error, types, svg: !!div.querySelector('.main-svg'),
                  canvas: canvas ? canvas.width * canvas.height : 0,
                  points: div.querySelectorAll('.scatterlayer .point, .scatterlayer .js-line').length});
        Plotly.purge(div); div.remove();
    }
    return out;
}"""


def _figures(node: object) -> list[dict]:
    if isinstance(node, list):
        return [f for child in node for f in _figures(child)]
    if not isinstance(node, dict):
        return []
    props = node.get("props") or {}
    found = [props["figure"]] if isinstance(props.get("figure"), dict) else []
    return found + [f for value in props.values() for f in _figures(value)]


def _trace_types_in_code() -> set[str]:
    """Every plotly trace type the dashboard's code names."""
    traces = {
        name.lower()
        for name in dir(go)
        if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), BaseTraceType)
    }
    named = set()
    for path in (REPO / "dashboard").rglob("*.py"):
        named |= set(re.findall(r'"type":\s*"(\w+)"', path.read_text(encoding="utf-8")))
        named |= {n.lower() for n in re.findall(r"\bgo\.(\w+)\(", path.read_text("utf-8"))}
    return named & traces


@pytest.mark.browser
def test_the_vendored_plotly_draws_every_chart_the_cockpit_sends(tracked, server, people):
    http = sign_in(server, people["district"])
    figures = []
    for path in PAGES:
        layout = http.get(f"{server}/_dash-layout", headers={"Referer": f"{server}{path}"})
        assert layout.status_code == 200
        figures += _figures(layout.json())
    sent = {trace.get("type", "scatter") for f in figures for trace in f.get("data", [])}
    # Everything the code can send is among what the pages sent, so all of it is drawn.
    assert _trace_types_in_code() <= sent, _trace_types_in_code() - sent
    page = tracked.page
    page.goto(server + "/")
    page.wait_for_function("() => window.Plotly && Plotly.PlotSchema")
    bundled = set(page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces)"))
    assert sent <= bundled, f"the bundle lacks {sent - bundled}"
    drawn = page.evaluate(DRAW, figures)
    for figure, result in zip(figures, drawn, strict=True):
        types = {trace.get("type", "scatter") for trace in figure.get("data", [])}
        assert result["error"] is None, (types, result["error"])
        assert result["svg"] and types <= set(result["types"]), (types, result)
        if types & {"choroplethmap", "scattermap"}:
            assert result["canvas"] > 0, f"{types}: no map canvas"
        elif types:
            assert result["points"] > 0, f"{types}: nothing drawn"
    assert not tracked.errors, tracked.errors
    assert not tracked.external_requests(), tracked.external_requests()
