"""A city above its districts, from files only: a synthetic city's code lists through
`cockpit areas init --city`, the demo's extracts for that tree, a refresh, and an official
drilling city → district → street → community in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from bench.city import write_city_lists
from cockpit import store
from cockpit.store import accounts
from tests.helpers.browser import area_points
from tests.helpers.cockpits import PASSWORD, run_cockpit, serve_cockpit
from tests.helpers.map import click_area, labels_drawn, map_locations, unfold, wait_for_map

pytestmark = pytest.mark.browser

CITY = "339900000000"
# 3 districts of 3, 2 and 2 streets; 60 communities, 8 or 9 to a street.
SIZES = (3, 7, 60)


def _cockpit(settings, *args: str) -> str:
    done = run_cockpit(settings, *args)
    assert done.returncode == 0, f"cockpit {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    from tests.conftest import make_settings

    root = tmp_path_factory.mktemp("city")
    settings = make_settings(root)
    streets, communities = write_city_lists(root / "lists", *SIZES)
    refused = run_cockpit(settings, "areas", "init", "--codes", str(streets), str(communities))
    assert refused.returncode == 1 and "name their city" in refused.stderr
    said = _cockpit(
        settings, "areas", "init", "--codes", str(streets), str(communities), "--city", "合成市"
    )
    assert "合成市 (339900000000), 3 districts, 7 streets, 60 communities" in said
    _cockpit(settings, "demo")
    _cockpit(settings, "refresh")
    store.migrate(settings.app_db)
    accounts.add_user(settings.app_db, "test-city", "admin", CITY, PASSWORD)
    accounts.add_user(settings.app_db, "test-west", "viewer", "339902000000", PASSWORD)
    with serve_cockpit(settings) as url:
        yield settings, url, area_points(settings)


def _children(areas: dict, code: str) -> list[str]:
    return sorted(c for c, a in areas.items() if a["parent_code"] == code and a["level"] != "park")


def _crumbs(page) -> list[str]:
    return [w for w in page.inner_text("#breadcrumb").split() if w != "›"]


def test_the_city_drills_down_to_a_community_and_back(city, as_person) -> None:
    settings, url, areas = city
    tracked = as_person(url, {"name": "test-city", "password": PASSWORD})
    page = tracked.page
    page.goto(url + "/")
    wait_for_map(page, "合成市")
    districts = _children(areas, CITY)
    assert map_locations(page) == districts and len(districts) == 3
    names = sorted(label["text"] for label in labels_drawn(page))
    assert names == sorted(areas[d]["name_zh"] for d in districts)
    # The same anatomy one level up: districts ranked, the city's own cards and alerts.
    assert "各区排名" in page.inner_text("body")
    unfold(page)
    assert page.locator(".kpi-card").count() >= 40
    page.evaluate("() => window.scrollTo(0, 0)")  # back to the map, above the cards

    east = districts[0]
    click_area(page, areas[east]["lon"], areas[east]["lat"])
    page.wait_for_url(f"**/district/{east}**")
    wait_for_map(page, areas[east]["name_zh"])
    streets = _children(areas, east)
    assert map_locations(page) == streets and len(streets) == 3
    assert _crumbs(page) == ["合成市", areas[east]["name_zh"]]

    street = streets[1]
    click_area(page, areas[street]["lon"], areas[street]["lat"])
    page.wait_for_url(f"**/street/{street}**")
    wait_for_map(page, areas[street]["name_zh"])
    communities = _children(areas, street)
    assert map_locations(page) == communities and len(communities) >= 8
    assert _crumbs(page) == ["合成市", areas[east]["name_zh"], areas[street]["name_zh"]]

    target = areas[communities[3]]
    click_area(page, target["lon"], target["lat"])
    page.wait_for_url(f"**/community/{target['code']}**")
    wait_for_map(page, target["name_zh"])
    assert _crumbs(page) == [
        "合成市", areas[east]["name_zh"], areas[street]["name_zh"], target["name_zh"],
    ]  # fmt: skip

    page.click(f"#breadcrumb >> text={areas[east]['name_zh']}")
    page.wait_for_url(f"**/district/{east}**")
    wait_for_map(page, areas[east]["name_zh"])
    page.click("#breadcrumb >> text=合成市")
    page.wait_for_url(url + "/**")
    wait_for_map(page, "合成市")
    assert map_locations(page) == districts
    assert tracked.errors == []
    assert tracked.external_requests() == []


def test_city_figures_are_their_districts_rolled_up(city) -> None:
    settings, _url, areas = city
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    people = dict(
        con.execute(
            "SELECT area_code, value FROM ind.indicator_value "
            "WHERE indicator_id = 'registered_population' AND period = '2019-12' "
            "AND level IN ('city', 'district')"
        ).fetchall()
    )
    ranks = con.execute(
        "SELECT area_code, rank, rank_of FROM ind.indicator_value "
        "WHERE indicator_id = 'registered_population' AND period = '2019-12' "
        "AND level = 'district' ORDER BY rank"
    ).fetchall()
    con.close()
    districts = _children(areas, CITY)
    assert people[CITY] == sum(people[d] for d in districts) > 0
    # Districts are ranked among the city's districts, the most people first.
    assert [r[2] for r in ranks] == [3, 3, 3]
    assert [people[r[0]] for r in ranks] == sorted((people[d] for d in districts), reverse=True)


def test_a_district_official_reads_only_their_district(city, as_person) -> None:
    settings, url, areas = city
    page = as_person(url, {"name": "test-west", "password": PASSWORD}).page
    west, east = "339902000000", "339901000000"
    page.goto(url + "/")
    wait_for_map(page, "合成市")
    # The city's totals, and on its map their own district only.
    assert map_locations(page) == [west]
    page.goto(url + f"/district/{west}")
    wait_for_map(page, areas[west]["name_zh"])
    assert map_locations(page) == _children(areas, west)
    page.goto(url + f"/district/{east}")
    page.wait_for_selector(".not-found")
    assert areas[east]["name_zh"] not in page.inner_text("body")
