"""Reading and clicking the map, the way an official's browser shows it."""

from __future__ import annotations

GRAPH = "#area-map .js-plotly-plot"


WULIN = "330103002000"


def wait_for_map(page, area_name: str | None = None) -> None:
    """Until the page shows ``area_name`` and its map's value layer is drawn."""
    if area_name:
        page.wait_for_selector(f".area-name:text-is('{area_name}')")
    page.wait_for_selector(f"{GRAPH} canvas")
    page.wait_for_function(
        """() => {
            const gd = document.querySelector('#area-map .js-plotly-plot');
            const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
            // ... and its zoom fitted to the box it really has (map_fit.js).
            return map && map.map && map.map.loaded() && gd.data.length >= 2 && gd.__fitted;
        }"""
    )


def unfold(page, domain: str | None = None) -> None:
    """Open the folded domain sections, all or the one named, as an official clicks them
    (the domain of the indicator on the map is open already)."""
    closed = "details.domain:not([open]) > summary"
    if domain is not None:
        if page.locator(closed, has_text=domain).count():
            page.locator(closed, has_text=domain).click()
    else:
        while page.locator(closed).count():
            page.locator(closed).first.click()
    # A folded domain's cards are drawn when it is first opened: wait until they are.
    page.wait_for_function(
        "() => [...document.querySelectorAll('details.domain[open] .kpi-grid')]"
        ".every(grid => grid.querySelector('.kpi-card .kpi-value'))"
    )


def map_locations(page) -> list[str]:
    return page.evaluate(f"() => document.querySelector('{GRAPH}').data[0].locations")


def screen_point(page, lon: float, lat: float, graph: str = GRAPH) -> tuple[float, float]:
    """Where (lon, lat) is drawn on the screen, from the map's own projection."""
    x, y = page.evaluate(
        f"""([lon, lat]) => {{
            const map = document.querySelector('{graph}')._fullLayout.map._subplot.map;
            const point = map.project([lon, lat]);
            const box = map.getCanvas().getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }}""",
        [lon, lat],
    )
    return x, y


def click_area(page, lon: float, lat: float) -> None:
    """Click the map where (lon, lat) is drawn, as a person would with a mouse."""
    x, y = screen_point(page, lon, lat)
    page.mouse.move(x, y)
    page.mouse.click(x, y)


def labels_drawn(page, graph: str = GRAPH) -> list[dict]:
    """The area names map_fit.js drew over a map (not those it left out where they would
    collide): text and box on screen."""
    page.wait_for_function(
        f"() => document.querySelectorAll('{graph} .map-label').length > 0"
        f" && document.querySelector('{graph}').__fittedSize"
    )
    page.wait_for_timeout(400)  # the next placement after the fit
    return page.evaluate(
        f"""() => [...document.querySelectorAll('{graph} .map-label')]
            .filter(l => l.style.display !== "none").map(l => {{
            const r = l.getBoundingClientRect();
            return {{text: l.textContent, left: r.left, right: r.right, top: r.top,
                     bottom: r.bottom, size: parseFloat(getComputedStyle(l).fontSize)}};
        }})"""
    )


DISTRICT = "330103000000"


def latest(wh) -> str:
    return wh.execute("SELECT max(period) FROM ind.indicator_value").fetchall()[0][0]
