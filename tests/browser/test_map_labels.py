"""Names on maps of many small areas: where two would collide, the smaller area's name
shrinks, then is left out (its hover still names it); no two names drawn overlap."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from dashboard.urls import area_href
from tests.helpers.browser import TrackedPage
from tests.helpers.map import labels_drawn, wait_for_map

pytestmark = pytest.mark.browser


def _overlapping(drawn: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            if (
                a["left"] < b["right"] - 0.5
                and b["left"] < a["right"] - 0.5
                and (a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5)
            ):
                out.append((a["text"], b["text"]))
    return out


@contextmanager
def laptop_page(browser, signed_in_state) -> Iterator[TrackedPage]:
    """A signed-in page of a laptop's size, closed afterwards."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN", storage_state=signed_in_state
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        yield TrackedPage(page)
    finally:
        context.close()


def test_no_two_names_overlap_on_any_street_map(browser, signed_in_state, server, wh):
    streets = wh.execute(
        "SELECT code, name_zh FROM ind.area WHERE level = 'street' ORDER BY code"
    ).fetchall()
    with laptop_page(browser, signed_in_state) as tracked:
        page = tracked.page
        for code, name in streets:
            page.goto(server + area_href("street", code, "zh"))
            wait_for_map(page, name)
            drawn = labels_drawn(page)
            assert _overlapping(drawn) == [], name
            total = page.evaluate("() => document.querySelectorAll('.map-label').length")
            communities = wh.execute(
                "SELECT count(*) FROM ind.area WHERE parent_code = ? AND level = 'community'",
                [code],
            ).fetchone()[0]
            assert total == communities
            # Most names stay; those left out are few.
            assert len(drawn) >= 0.7 * total, name
        assert tracked.external_requests() == []


def test_hovering_an_area_outlines_all_its_pieces(browser, signed_in_state, server, wh):
    """An area in several pieces is one location of the map: hovering any piece puts the
    highlight's outline on that location, so on every piece, and leaving puts it back."""
    code, name = wh.execute(
        "SELECT code, name_zh FROM ind.area WHERE level = 'street' ORDER BY code LIMIT 1"
    ).fetchone()
    with laptop_page(browser, signed_in_state) as tracked:
        page = tracked.page
        page.goto(server + area_href("street", code, "zh"))
        wait_for_map(page, name)
        labels_drawn(page)
        graph = "document.querySelector('#area-map .js-plotly-plot')"
        community = page.evaluate(f"() => {graph}.data[0].locations[1]")
        before = page.evaluate(f"() => {graph}.data[2].locations")
        page.evaluate(
            f"(c) => {graph}.emit('plotly_hover', {{points: [{{location: c, curveNumber: 1}}]}})",
            community,
        )
        page.wait_for_function(f"(c) => {graph}.data[2].locations[0] === c", arg=community)
        assert page.evaluate(f"() => {graph}.data[2].locations") == [community]
        page.evaluate(f"() => {graph}.emit('plotly_unhover', {{}})")
        page.wait_for_function(
            f"(b) => JSON.stringify({graph}.data[2].locations) === JSON.stringify(b)", arg=before
        )
        assert page.evaluate(f"() => {graph}.data[2].locations") == before
