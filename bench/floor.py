"""The framework's floor (issue #27): the least a Dash page with one plotly map graph costs
on this machine, measured by the same tool as the district page, so that the page's time
reads as a ratio of it.

    .venv/bin/python -m bench.floor [--runs 5]

The page is what a Dash user writes first: ``Dash(__name__)`` with its defaults (plotly.js
fetched by ``dcc.Graph`` itself), one ``dcc.Graph`` of a ``choroplethmap`` over eight
made-up areas with their GeoJSON inline, and the one KPI card the shared tool
(``../shared/tools/render_bench.py``) needs to call a page rendered. It is served with
compression, as the cockpit is, by gunicorn with two workers.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from bench.browser import render_tool, serving

APP = "bench.floor:server"


def _squares() -> dict:
    """Eight areas in a 4×2 grid near Hangzhou."""
    features = []
    for n in range(8):
        lon, lat = 120.15 + (n % 4) * 0.01, 30.27 + (n // 4) * 0.01
        ring = [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01],
                [lon, lat]]  # fmt: skip
        features.append({"type": "Feature", "id": str(n),
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def make_app():
    import plotly.graph_objects as go
    from dash import Dash, dcc, html

    figure = go.Figure(
        go.Choroplethmap(
            geojson=_squares(), locations=[str(n) for n in range(8)], z=list(range(8))
        ),
        layout={"map": {"center": {"lon": 120.17, "lat": 30.28}, "zoom": 12}, "height": 500},
    )
    app = Dash(__name__, compress=True)
    app.layout = html.Div(
        [
            html.Div(html.Div("8", className="kpi-value"), className="kpi-card"),
            dcc.Graph(figure=figure),
        ]
    )
    return app


server = make_app().server if os.environ.get("COCKPIT_BENCH_FLOOR") else None


def measure(runs: int) -> dict:
    """The tool's result for the floor page, cold and warm."""
    env = {**os.environ, "COCKPIT_BENCH_FLOOR": "1"}
    with tempfile.TemporaryDirectory() as tmp, serving(env, app=APP) as url:
        return render_tool(f"{url}/", runs, Path(tmp) / "floor.json")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    result = measure(parser.parse_args().runs)
    print(json.dumps({k: v for k, v in result.items() if k not in ("cold", "warm")}, indent=1))
