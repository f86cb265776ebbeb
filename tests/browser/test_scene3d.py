"""The 3D scene (/3d) and the wall's 3D scene, in headless Chromium with software WebGL:
the buildings drawn in pixels, the count stated, hover and drill-down, scope, and the
wall's scene playing at 4K. Nothing leaves localhost."""

from __future__ import annotations

import io

import duckdb
import numpy as np
import pytest
from PIL import Image

from tests.helpers.browser import ARTIFACTS, TrackedPage
from tests.helpers.cockpits import STREET, copy_of_demo, serve_cockpit

pytestmark = pytest.mark.browser

DRAWN = "#scene3d[data-state=drawn]"


def _count(demo, where: str = "", params: list | None = None) -> int:
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    try:
        return con.execute(
            "SELECT count(*) FROM ind.building b JOIN ind.area c ON c.code = b.community_code "
            + where,
            params or [],
        ).fetchall()[0][0]
    finally:
        con.close()


def _pixels(page, selector: str) -> np.ndarray:
    shot = page.locator(selector).screenshot()
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)


def _hide_buildings(page, box: str) -> None:
    page.evaluate(
        """(box) => new Promise((done) => {
            const map = document.querySelector(box).__scene.map;
            map.setLayoutProperty('buildings', 'visibility', 'none');
            map.once('idle', done);
            map.triggerRepaint();
        })""",
        box,
    )


def test_the_district_scene_draws_every_building_and_says_how_many(server, demo, tracked):
    page = tracked.page
    page.goto(server + "/3d")
    page.wait_for_selector(DRAWN, timeout=60_000)
    total = _count(demo)
    assert total > 10_000
    assert page.locator("#scene3d-count").inner_text() == f"建筑 {total:,} 栋 · 示意"
    # MapLibre holds every building: its worker cut them all into the tiles it drew.
    drawn = page.evaluate(
        """() => new Set(document.querySelector('#scene3d').__scene.map
            .querySourceFeatures('buildings').map((f) => f.id)
        ).size"""
    )
    assert drawn == total, drawn
    # The buildings are in the canvas's pixels, not only in the page: taking them away
    # changes a good part of the picture (the district fills about a quarter of it, and
    # its buildings a third of that).
    with_buildings = _pixels(page, "#scene3d canvas")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "scene3d-district.png")
    _hide_buildings(page, "#scene3d")
    without = _pixels(page, "#scene3d canvas")
    changed = (np.abs(with_buildings - without).sum(axis=2) > 30).mean()
    assert changed > 0.05, changed
    # The eight streets are named on the ground, each with its status in words.
    labels = page.locator(".scene-label").all()
    assert len(labels) == 8
    assert all("：" in (label.get_attribute("aria-label") or "").replace(": ", "：")
               for label in labels)  # fmt: skip
    assert tracked.external_requests() == [] and tracked.errors == []


def _point_in(page, code: str) -> dict:
    """A point of the scene's canvas inside area ``code``, clear of its name label."""
    return page.evaluate(
        """(code) => {
            const box = document.querySelector('#scene3d'), scene = box.__scene;
            const labels = [...box.querySelectorAll('.scene-label')]
                .map((e) => e.getBoundingClientRect());
            const canvas = scene.map.getCanvas().getBoundingClientRect();
            for (let y = 40; y < canvas.height - 40; y += 23) {
                for (let x = 40; x < canvas.width - 40; x += 23) {
                    const hit = scene.pick([x, y]);
                    const area = hit.find((f) => f.layer.id === 'areas-fill');
                    const px = canvas.left + x, py = canvas.top + y;
                    const covered = labels.some((r) => px > r.left - 20 && px < r.right + 20
                        && py > r.top - 20 && py < r.bottom + 20);
                    if (area && area.properties.code === code && !covered
                        && !hit.some((f) => f.layer.id === 'facilities')) {
                        return { x: px, y: py };
                    }
                }
            }
            return null;
        }""",
        code,
    )


def test_hovering_shows_an_area_and_a_click_flies_to_it_and_opens_its_scene(server, demo, tracked):
    page = tracked.page
    page.goto(server + "/3d")
    page.wait_for_selector(DRAWN, timeout=60_000)
    where = _point_in(page, STREET)
    assert where is not None
    page.mouse.move(where["x"], where["y"])
    tip = page.locator("#scene3d-tip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "长庆街道" in text or "建筑" in text  # the area, or the building standing there
    page.mouse.click(where["x"], where["y"])
    page.wait_for_url(f"**/3d/street/{STREET}*", timeout=20_000)
    page.wait_for_selector(DRAWN, timeout=60_000)
    street = _count(demo, "WHERE c.parent_code = ?", [STREET])
    assert page.locator("#scene3d-count").inner_text() == f"建筑 {street:,} 栋 · 示意"
    # A street's scene names its communities, and the way back up.
    assert page.locator(".scene-label").count() >= 5
    assert page.locator(".scene-up").inner_text().endswith("下城区")
    assert tracked.external_requests() == [] and tracked.errors == []


def test_a_facility_column_shows_its_figures_on_hover(server, tracked):
    page = tracked.page
    page.goto(server + f"/3d/street/{STREET}")
    page.wait_for_selector(DRAWN, timeout=60_000)
    where = page.evaluate(
        """() => {
            const box = document.querySelector('#scene3d'), scene = box.__scene;
            const canvas = scene.map.getCanvas().getBoundingClientRect();
            for (let y = 30; y < canvas.height - 30; y += 7) {
                for (let x = 30; x < canvas.width - 30; x += 7) {
                    const hit = scene.pick([x, y]);
                    if (hit.length && hit[0].layer.id === 'facilities') {
                        return { x: canvas.left + x, y: canvas.top + y, kind: hit[0].properties.kind };
                    }
                }
            }
            return null;
        }"""
    )
    assert where is not None
    page.mouse.move(where["x"], where["y"])
    tip = page.locator("#scene3d-tip")
    tip.wait_for(state="visible")
    assert tip.inner_text().startswith(where["kind"])


def test_a_street_officials_scene_holds_no_building_of_another_street(
    server, demo, people, as_person
):
    tracked = as_person(server, people["street"])
    page = tracked.page
    payloads = []
    # MapLibre's worker fetches the buildings: its responses are the page's too.
    page.on(
        "response",
        lambda r: payloads.append(r.json()) if "/building.geojson" in r.url else None,
    )
    page.goto(server + "/3d")
    page.wait_for_selector(DRAWN, timeout=60_000)
    own = _count(demo, "WHERE c.parent_code = ?", [STREET])
    assert page.locator("#scene3d-count").inner_text() == f"建筑 {own:,} 栋 · 示意"
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    mine = {r[0] for r in con.execute(
        "SELECT name_zh FROM ind.area WHERE parent_code = ?", [STREET]
    ).fetchall()}  # fmt: skip
    con.close()
    assert len(payloads) == 1
    features = payloads[0]["features"]
    assert len(features) == own  # every building drawn is one the count states
    assert {f["properties"]["c"] for f in features} <= mine
    assert page.locator(".scene-label").count() == 1  # the district shows their street alone
    assert tracked.external_requests() == []


def test_the_walls_scene_plays_and_fills_a_4k_screen(server, browser, people):
    context = browser.new_context(viewport={"width": 3840, "height": 2160}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    tracked = TrackedPage(page)
    # A long dwell: the test steps the playlist itself (→), as the timer would.
    page.goto(f"{server}/wall?token={people['kiosk']['token']}&scene=3d&dwell=600")
    page.wait_for_selector("#wall-scene[data-state=drawn]")
    first = page.locator("#wall-area").inner_text()
    # The scene fills its panel, and its canvas is drawn at the screen's own resolution.
    slot = page.locator("#wall-scene-slot").bounding_box()
    scene = page.locator("#wall-scene").bounding_box()
    assert slot["width"] > 1500 and slot["height"] > 900
    assert abs(scene["width"] - slot["width"]) < 2 and abs(scene["height"] - slot["height"]) < 2
    canvas = page.evaluate(
        "() => { const c = document.querySelector('#wall-scene canvas');"
        " return [c.width, c.getBoundingClientRect().width]; }"
    )
    assert canvas[0] >= canvas[1] * 0.99
    assert _pixels(page, "#wall-scene canvas").std() > 10  # drawn, not one flat colour
    page.evaluate("() => { document.querySelector('#wall-scene').dataset.kept = 'yes'; }")
    # It turns over the district...
    bearing = page.evaluate("() => document.querySelector('#wall-scene').__scene.map.getBearing()")
    page.wait_for_function(
        f"() => Math.abs(document.querySelector('#wall-scene').__scene.map.getBearing() - {bearing})"
        " > 1"
    )
    # ...then flies to the next area the playlist visits: the same scene, moved on.
    centre = page.evaluate(
        "() => document.querySelector('#wall-scene').__scene.map.getCenter().toArray()"
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"() => document.querySelector('#wall-area').innerText !== {first!r}", timeout=20_000
    )
    page.wait_for_function(
        f"""() => {{
            const c = document.querySelector('#wall-scene').__scene.map.getCenter();
            return Math.hypot(c.lng - {centre[0]}, c.lat - {centre[1]}) > 0.005;
        }}""",
        timeout=20_000,
    )
    assert page.locator("#wall-scene").get_attribute("data-kept") == "yes"
    assert page.locator("#wall-scene-slot #wall-scene").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "wall-scene-3840x2160.png")
    assert tracked.external_requests() == [] and tracked.errors == []
    context.close()


def test_at_city_scale_only_the_buildings_of_the_areas_in_view_are_loaded(
    demo, browser, signed_in_state, tmp_path
):
    """Past ``scene_eager_buildings`` (60,000: a city), buildings come per child area,
    for those in view once close. Set low here, so the demo district behaves as a city."""
    settings = copy_of_demo(demo, tmp_path / "city-like")
    with serve_cockpit(settings, COCKPIT_SCENE_EAGER_BUILDINGS="1000") as url:
        context = browser.new_context(
            viewport={"width": 1440, "height": 900}, locale="zh-CN", storage_state=signed_in_state
        )
        page = context.new_page()
        tracked = TrackedPage(page)
        asked = []
        page.on("request", lambda r: asked.append(r.url) if "/building." in r.url else None)
        page.goto(url + "/3d")
        page.wait_for_selector(DRAWN, timeout=60_000)
        # The whole district in view is too far out: no building asked for yet, and the
        # count still says how many there are.
        state = page.evaluate(
            "() => { const s = document.querySelector('#scene3d').__scene; return [s.spec.buildings.lazy, s.map.getZoom(), s.buildingsURL]; }"
        )
        assert page.locator("#scene3d").get_attribute("data-lazy") == "far", state
        assert asked == []
        total = _count(demo)
        assert page.locator("#scene3d-count").inner_text() == f"建筑 {total:,} 栋 · 示意"
        # Close over one street: its buildings come, and not those of streets out of view.
        at = page.evaluate(
            f"""() => document.querySelector('#scene3d').__scene.spec.areas.items
                .find((i) => i.code === '{STREET}').at"""
        )
        page.evaluate(
            """(at) => new Promise((done) => {
                const scene = document.querySelector('#scene3d').__scene;
                scene.map.once('idle', done);
                scene.map.jumpTo({ center: at, zoom: 15.5, pitch: 50 });
            })""",
            at,
        )
        page.wait_for_function(
            "() => document.querySelector('#scene3d').__scene.buildings.length > 0"
        )
        pieces = {u.rsplit("/", 2)[-2] for u in asked}
        assert STREET in pieces and len(pieces) < 8, pieces
        assert all(u.endswith("/building.json") for u in asked)
        street = _count(demo, "WHERE c.parent_code = ?", [STREET])
        loaded = page.evaluate("() => document.querySelector('#scene3d').__scene.buildings.length")
        assert street <= loaded < total
        assert tracked.external_requests() == [] and tracked.errors == []
        context.close()
