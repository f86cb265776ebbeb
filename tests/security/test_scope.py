"""Who sees what, tried as an attacker would: every page, every callback (with forged
contexts naming other areas, other parents and other periods), every export and every
geometry URL, as a district administrator, a street and a community official, a wall's
kiosk token (district and street) and an anonymous visitor. No name, code or shape of an
area outside the caller's scope may appear in any answer."""

from __future__ import annotations

import duckdb
import pytest

from tests.helpers.client import Cockpit, geometry_urls
from tests.helpers.cockpits import COMMUNITY, PARK, STREET

# The district kiosk sees what the district administrator sees; the street kiosk is the
# narrower case.
PERSONAS = ("district", "street", "community", "kiosk_street", "anonymous")
TABLES = ("cards", "ranking", "alerts", "trend")


@pytest.fixture(scope="module")
def tree(demo) -> dict[str, dict]:
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    rows = con.execute("SELECT code, parent_code, level, name_zh, name_en FROM ind.area").fetchall()
    owners = con.execute("SELECT department_zh, department_en FROM meta.source").fetchall()
    con.close()
    ORGANISATIONS.update(name for pair in owners for name in pair)
    return {r[0]: dict(zip(("code", "parent", "level", "zh", "en"), r, strict=True)) for r in rows}


# Departments' names are public (the park's 管委会 is named after the park): a hidden
# area's name inside one of them proves nothing.
ORGANISATIONS: set[str] = set()


def visible(tree: dict, scope: str | None) -> set[str]:
    """What a caller scoped to ``scope`` may see: it, all below, its ancestors."""
    if scope is None:
        return set()
    seen, code = set(), scope
    while code is not None:
        seen.add(code)
        code = tree[code]["parent"]
    below = {scope}
    grew = True
    while grew:
        more = {c for c, a in tree.items() if a["parent"] in below} - below
        below |= more
        grew = bool(more)
    return seen | below


def forbidden_tokens(tree: dict, scope: str | None) -> dict[str, str]:
    """The names and codes of areas the caller must not see (a name that is part of a
    visible name, such as a street's short form, is left out: it proves nothing)."""
    shown = visible(tree, scope)
    shown_names = [tree[c][lang] for c in shown for lang in ("zh", "en")] + sorted(ORGANISATIONS)
    tokens = {}
    for code, area in tree.items():
        if code in shown:
            continue
        tokens[code] = code
        for lang in ("zh", "en"):
            name = area[lang]
            if not any(name in other for other in shown_names):
                tokens[name] = code
    return tokens


def leaks(text: str, tokens: dict[str, str]) -> list[str]:
    for organisation in ORGANISATIONS:
        text = text.replace(organisation, "")
    return sorted({f"{token} ({code})" for token, code in tokens.items() if token in text})


@pytest.fixture(scope="module")
def clients(site, people) -> dict[str, Cockpit]:
    out = {}
    for persona in PERSONAS:
        out[persona] = Cockpit(site.url, site.visitor(people.get(persona)))
    # An anonymous forger knows the callbacks' shapes (the code is public); only the
    # answers are refused.
    assert out["anonymous"].deps == []
    out["anonymous"].deps = out["district"].deps
    return out


def scope_of(persona: str, people: dict) -> str | None:
    return None if persona == "anonymous" else people[persona]["scope"]


def page_paths(tree: dict) -> list[str]:
    paths = ["/", "/wall", "/wall?scene=3d", "/catalog", "/indicators", "/dept",
             "/dept/health", "/dept/economy", "/admin/usage", "/admin/audit"]  # fmt: skip
    for code, area in sorted(tree.items()):
        if area["level"] != "district":
            paths.append(f"/{area['level']}/{code}")
        paths.append(f"/brief/{code}")
    return paths


@pytest.mark.parametrize(
    ("persona", "route"),
    [
        # The district's passes render every area's page: `make test`, not the loop.
        pytest.param(persona, route, marks=[pytest.mark.slow] if persona == "district"
                     else [], id=f"{persona}-{route}")
        for route in ("router", "first render")
        for persona in PERSONAS
    ],
)  # fmt: skip
def test_no_page_shows_an_area_outside_the_scope(persona, route, clients, tree, people):
    """Each page as the router renders it on a click, and as the shell of a first load
    renders the page its Referer names (which anyone can forge)."""
    client, scope = clients[persona], scope_of(persona, people)
    tokens = forbidden_tokens(tree, scope)
    shown = visible(tree, scope)
    opened = 0
    for path in page_paths(tree):
        where, _, query = path.partition("?")
        answer = (
            client.page(where, f"?{query}" if query else "")
            if route == "router"
            else client.first_render(path)
        )
        if persona == "anonymous":
            assert answer.status_code == 401, path
            continue
        assert answer.status_code in (200, 403, 404), (path, answer.status_code)
        code = where.rsplit("/", 1)[-1]
        # The not-found page repeats the code asked for, the same whether it exists or not.
        asked = {k: v for k, v in tokens.items() if k != code}
        assert leaks(answer.text, asked) == [], (persona, path)
        if code in tree and code in shown and answer.status_code == 200:
            assert tree[code]["zh"] in answer.text, (persona, path)
            opened += 1
        for url in geometry_urls(answer.text):
            geo = client.get(url)
            assert geo.status_code == 200, url
            assert leaks(geo.text, tokens) == [], (persona, url)
            assert "private" in geo.headers["Cache-Control"]
    if persona != "anonymous":
        # Every area in scope opened, as its page and as its brief.
        assert opened == len([c for c in shown if tree[c]["level"] != "district"]) + len(shown)


def area_path(area: dict) -> str:
    return "/" if area["level"] == "district" else f"/{area['level']}/{area['code']}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_forged_callbacks_name_no_area_outside_the_scope(persona, clients, tree, people):
    """Every callback, called from every area page's URL (forged for areas out of scope),
    with other periods and another area clicked on the map."""
    client, scope = clients[persona], scope_of(persona, people)
    tokens = forbidden_tokens(tree, scope)
    shown = visible(tree, scope)
    if persona == "anonymous":
        assert client.get("/_dash-dependencies").status_code == 401
    switch = client.spec("ranking-chart.figure")
    points = client.spec("area-map.figure@")
    drill = client.spec("nav-location.href", first_input="area-map")
    period = client.spec("nav-location.href@", first_input="period-select")
    codes = sorted(tree)
    for n, code in enumerate(codes):
        path = area_path(tree[code])
        search = ("", "?period=2018-06", "?period=2019-12&lang=en")[n % 3]
        other = codes[(n * 7 + 3) % len(codes)]
        click = {"points": [{"curveNumber": 1, "customdata": [other]}]}
        answers = [
            client.call(switch, ["policy_firms_served"], [path, search]),
            client.call(points, [["hotline", "elevators", "parking", "kitchens"]], [path, search]),
            client.call(drill, [click], ["hotline_per_10k", [], path, search]),
            client.call(period, ["2019-01"], ["hotline_per_10k", [], path, search]),
        ]
        for answer in answers:
            if persona == "anonymous":
                assert answer.status_code == 401
                continue
            if code not in shown:
                assert answer.status_code == 404, (persona, path, answer.text[:200])
            assert answer.status_code in (200, 204, 404), (persona, path, answer.status_code)
            assert leaks(answer.text, tokens) == [], (persona, path, search)


@pytest.mark.parametrize("persona", PERSONAS)
def test_drill_down_never_opens_an_area_outside_the_scope(persona, clients, tree, people):
    if persona == "anonymous":
        return
    client, scope = clients[persona], scope_of(persona, people)
    shown = visible(tree, scope)
    drill = client.spec("nav-location.href", first_input="area-map")
    for code in tree:
        click = {"points": [{"curveNumber": 1, "customdata": [code]}]}
        answer = client.call(drill, [click], ["hotline_per_10k", [], "/", ""])
        assert answer.status_code in (200, 204, 404)
        if code not in shown:
            assert code not in answer.text, (persona, code)


@pytest.mark.parametrize(
    "persona",
    # The district's pass asks for every area's exports and shapes: `make test`.
    [pytest.param(p, marks=[pytest.mark.slow] if p == "district" else []) for p in PERSONAS],
)
def test_exports_and_geometry_of_other_areas_are_refused(persona, clients, tree, people, site):
    client, scope = clients[persona], scope_of(persona, people)
    tokens = forbidden_tokens(tree, scope)
    shown = visible(tree, scope)
    version = site.visitor().get(f"{site.url}/api/health").json()["version"]
    for code in tree:
        for table in TABLES:
            answer = client.get(f"/export/{table}.csv?area={code}&indicator=hotline_per_10k")
            if persona == "anonymous":
                assert answer.status_code == 401
                continue
            if code in shown:
                assert answer.status_code == 200, (table, code)
                assert leaks(answer.content.decode("utf-8-sig"), tokens) == [], (
                    persona,
                    table,
                    code,
                )
            else:
                assert answer.status_code == 404, (persona, table, code)
        for level in ("street", "community", "park"):
            for claimed in {scope or STREET, STREET, COMMUNITY, "330103000000"}:
                geo = client.get(f"/geo/{version}/{claimed}/{code}/{level}.json")
                if persona == "anonymous":
                    assert geo.status_code == 401
                elif claimed != scope:
                    assert geo.status_code == 404, (persona, claimed)
                else:
                    assert geo.status_code in (200, 404)
                    assert leaks(geo.text, tokens) == [], (persona, code, level)
    for table in ("catalog", "indicators", "department", "deliveries"):
        answer = client.get(f"/export/{table}.csv?department=health")
        if persona != "anonymous":
            assert leaks(answer.content.decode("utf-8-sig"), tokens) == [], (persona, table)


def test_the_wall_plays_only_the_screens_own_area(clients, tree, people):
    client = clients["kiosk_street"]
    tokens = forbidden_tokens(tree, STREET)
    wall = client.spec("wall-state.data")
    page = client.page("/wall")
    assert page.status_code == 200 and tree[STREET]["zh"] in page.text
    assert leaks(page.text, tokens) == []
    version = client.http.get(f"{client.url}/api/health").json()["version"]
    for index in (0, 1, 2, 5, 17, 9999, -3):
        state = {"index": index, "paused": False, "version": version, "lang": "zh", "scene": False}
        answer = client.call(wall, [1, 0, 0, 0, 0], [state])
        assert answer.status_code == 200
        assert leaks(answer.text, tokens) == [], index
    # The park in the street's overlay stays the street's; another street's park is hidden.
    assert PARK not in visible(tree, STREET) or tree[PARK]["parent"] == STREET


def test_a_street_official_sees_the_district_total_and_their_own_rank_only(clients, people, tree):
    client = clients["street"]
    answer = client.page("/")
    assert answer.status_code == 200
    text = answer.text
    assert tree["330103000000"]["zh"] in text and tree[STREET]["zh"] in text
    assert leaks(text, forbidden_tokens(tree, STREET)) == []
    csv = client.get("/export/ranking.csv?area=330103000000&indicator=hotline_per_10k")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and tree[STREET]["zh"] in lines[1]
    # Its rank among the eight streets, and nothing of the other seven.
    assert lines[1].split(",")[0].isdigit()


@pytest.mark.slow
@pytest.mark.parametrize("scope", [STREET, COMMUNITY, PARK])
def test_an_api_key_reads_nothing_outside_its_scope(scope, site, tree):
    """The data API under a key of each narrow scope: every path, asked about every
    area of the tree at every level, names no area the key may not see; an area outside
    it is a 404, never an empty answer."""
    from cockpit.store import apikeys

    key = apikeys.add_api_key(site.app.server.config["COCKPIT_SETTINGS"].app_db,
                              f"scope sweep {scope}", scope)  # fmt: skip
    visitor = site.visitor()
    tokens = forbidden_tokens(tree, scope)
    shown = visible(tree, scope)

    def get(path: str):
        answer = visitor.get(f"{site.url}{path}", headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code in (200, 404), (path, answer.status_code)
        assert leaks(answer.text, tokens) == [], path
        return answer

    for path in ("/api/v1/areas?limit=5000", "/api/v1/indicators", "/api/v1/catalog"):
        assert get(path).status_code == 200
    for code in tree:
        inside = code in shown
        for path in (
            f"/api/v1/areas/{code}",
            f"/api/v1/alerts?area={code}",
            f"/api/v1/indicators/registered_population/values?area={code}&from=2019-12",
            f"/api/v1/areas?parent={code}",
        ):
            assert (get(path).status_code == 200) == inside, path
        for level in ("street", "community", "park"):
            get(f"/api/v1/indicators/registered_population/values?area={code}&level={level}"
                "&from=2019-12")  # fmt: skip


@pytest.mark.parametrize(
    "persona",
    # The street's and the anonymous passes in the edit loop; the others in `make test`.
    [pytest.param(p, marks=[pytest.mark.slow] if p in ("community", "kiosk_street") else [])
     for p in ("street", "community", "kiosk_street", "anonymous")],
)  # fmt: skip
def test_a_scene_and_its_buildings_hold_nothing_outside_the_scope(persona, clients, tree, people):
    """The 3D scene's page and its spec (``?format=json``) from every area's URL, and the
    buildings of every area asked for by URL (whole, and in pieces): only the caller's."""
    client, scope = clients[persona], scope_of(persona, people)
    tokens = forbidden_tokens(tree, scope)
    shown = visible(tree, scope)
    version = client.get("/api/health").json()["version"]
    names = {tree[c]["zh"] for c in shown}
    served = 0
    for code, area in sorted(tree.items()):
        path = "/3d" + ("" if area["level"] == "district" else area_path(area))
        for query in ("", "?format=json&indicator=hotline_per_10k&layers=hotline,parking"):
            answer = client.get(path + query)
            if persona == "anonymous":
                assert answer.status_code in (302, 401), (path, answer.status_code)
                continue
            assert answer.status_code == (200 if code in shown else 404), (persona, path)
            # The not-found page repeats the code asked for, whether it exists or not.
            asked = {k: v for k, v in tokens.items() if k != code}
            assert leaks(answer.text, asked) == [], (persona, path)
            if answer.status_code == 200 and not query:
                assert tree[code]["zh"] in answer.text
        whole = client.get(f"/geo/{version}/{scope}/{code}/building.geojson")
        pieces = client.get(f"/geo/{version}/{scope}/{code}/building.json")
        if persona == "anonymous":
            assert whole.status_code == pieces.status_code == 401
            continue
        if code not in shown or (area["level"] == "park" and whole.status_code == 404):
            assert whole.status_code == pieces.status_code == 404, (persona, code)
            continue
        assert whole.status_code == pieces.status_code == 200, (persona, code)
        assert {f["properties"]["c"] for f in whole.json()["features"]} <= names
        assert set(pieces.json()["communities"]) <= shown
        assert leaks(whole.text, tokens) == [] and leaks(pieces.text, tokens) == []
        served += 1
        # Another scope in the URL is refused, whatever the area.
        assert client.get(f"/geo/{version}/330103000000/{code}/building.geojson").status_code == 404
    if persona != "anonymous":
        assert served >= 2  # its own area, and the district (its share of it)
