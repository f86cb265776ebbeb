"""Server time per cockpit interaction, measured by calling the callbacks themselves, and
the full rebuild each one avoids, in the same process so that they compare as ratios."""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable, Iterator

from plotly.io.json import to_json_plotly as to_json


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def sample(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call, after one warm call (the connection opens, caches fill)."""
    fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


@contextlib.contextmanager
def signed_in(app, scope: str | None = None) -> Iterator[None]:
    """A request context of a signed-in principal: scoped to ``scope``, or a district
    administrator (the widest scope, so the benchmark reads the whole district)."""
    import flask

    from cockpit.store.sessions import Principal
    from dashboard.reading import warehouse

    with app.server.test_request_context("/"):
        top = warehouse.frame("SELECT code FROM ind.area WHERE parent_code IS NULL")["code"].iloc[0]
        flask.g.principal = Principal("bench", "bench", "admin", scope or top, False)
        yield


def interaction_rows(label: str, street: str, indicator: str, other: str) -> list[str]:
    """Markdown rows: p50 / p95 of each interaction on ``street``'s cockpit, and of the
    full rebuilds, for the warehouse the environment names. The callbacks run as in a
    request: a signed-in administrator's principal, the street's page as the URL."""
    from dashboard.components.cockpit import area_page
    from dashboard.components.panels import analysis_figures, map_with_points
    from dashboard.drawing import figures
    from dashboard.pages import area_callbacks as callbacks
    from dashboard.reading import data
    from dashboard.shell.app import create_app

    with signed_in(create_app()):
        return _interactions(label, street, indicator, other, callbacks, data, figures,
                             analysis_figures, area_page, map_with_points)  # fmt: skip


def _interactions(label, street, indicator, other, callbacks, data, figures,
                  analysis_figures, area_page, map_with_points) -> list[str]:  # fmt: skip
    area = data.area(street)
    parent, child_level = data.map_areas(area)
    period = data.as_of()["period"]
    child = data.map_values(parent, child_level, indicator, period)["code"].iloc[0]
    path = f"/{area['level']}/{street}"
    choices = [indicator, other]
    state = {"i": 0}

    def next_choice() -> str:
        state["i"] ^= 1
        return choices[state["i"]]

    def switch() -> object:
        # What one indicator change costs the server: the map's recolour and the charts.
        chosen = next_choice()
        patch = callbacks.recolour_map(chosen, "status", path, "")
        return patch, callbacks.switch_analysis(chosen, path, "")

    def points() -> object:
        return callbacks.toggle_points(["hotline"], path, "")

    def drill() -> object:
        click = {"points": [{"curveNumber": 1, "customdata": [child]}]}
        return callbacks.drill_down(click, indicator, [], path, "")

    def full_switch() -> object:
        # The same switch done the naive way: the whole map figure built again.
        chosen = data.indicator(next_choice())
        values = data.map_values(parent, child_level, chosen["indicator_id"], period)
        figure = map_with_points(area, chosen, values, period, [], "zh")
        return figure, *analysis_figures(area, chosen, values, period, "zh")

    def geometry() -> object:
        # What /geo/… answers the first time a level is shown; the browser keeps it.
        return figures.feature_collection(data.shapes(parent, child_level))

    def full_page() -> object:
        return area_page(area["level"], street, "zh", indicator)

    runs = {
        "indicator switch (map recolour, ranking, trend)": (switch, 60),
        "point layer on (hotline tickets)": (points, 30),
        "map click (drill-down)": (drill, 60),
        "the same switch rebuilding the full map figure": (full_switch, 30),
        "the level's geometry, fetched once (/geo/…)": (geometry, 20),
        "full page": (full_page, 15),
    }
    rows, p95 = [], {}
    for name, (fn, repeat) in runs.items():
        samples = sample(fn, repeat)
        p95[name] = percentile(samples, 95)
        rows.append(
            f"| {label}: {name} | {statistics.median(samples):.1f} / {p95[name]:.1f} ms | "
            f"{payload_kb(fn()):,.0f} KB |"
        )
    switch_p95 = p95["indicator switch (map recolour, ranking, trend)"]
    rows.append(
        f"| {label}: full-figure switch ÷ indicator switch, p95 | "
        f"{p95['the same switch rebuilding the full map figure'] / switch_p95:.1f}× | |"
    )
    rows.append(
        f"| {label}: full page ÷ indicator switch, p95 | {p95['full page'] / switch_p95:.1f}× | |"
    )
    return rows


def payload_kb(result: object) -> float:
    """What the answer weighs as JSON, as Dash sends it (before compression)."""
    return len(to_json(result)) / 1024
