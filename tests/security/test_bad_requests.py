"""Malformed requests, as a fuzzer or a forger sends them: each gets a 4xx with a short
message, none a 500, and the server keeps answering."""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import pytest
import requests

from tests.helpers.client import Cockpit, _outputs
from tests.helpers.cockpits import sign_in


@pytest.fixture(scope="module")
def client(site, people) -> Cockpit:
    return Cockpit(site.url, site.visitor(people["district"]))


def _body(spec: dict, inputs: list, state: list) -> dict:
    return {
        "output": spec["output"],
        "outputs": _outputs(spec["output"]),
        "inputs": [{**r, "value": v} for r, v in zip(spec["inputs"], inputs, strict=True)],
        "state": [{**r, "value": v} for r, v in zip(spec["state"], state, strict=True)],
        "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"],
    }


def malformed(client: Cockpit) -> list[tuple[str, dict]]:
    """(what, request) pairs: each is wrong in its own way."""
    switch = client.spec("ranking-chart.figure")
    points = client.spec("area-map.figure@")
    drill = client.spec("nav-location.href", first_input="area-map")
    period = client.spec("nav-location.href@", first_input="period-select")
    wall = client.spec("wall-state.data")
    good_state = {"index": 0, "paused": False, "version": "v", "lang": "zh"}
    post = "/_dash-update-component"

    def cb(spec, inputs, state):
        return {"method": "POST", "path": post, "json": _body(spec, inputs, state)}

    wrong_input = _body(switch, ["hotline_tickets"], ["/", ""])
    wrong_input["inputs"][0]["id"] = "wall-state"
    missing_output = _body(switch, ["hotline_tickets"], ["/", ""])
    del missing_output["output"]
    extra_state = _body(switch, ["hotline_tickets"], ["/", ""])
    extra_state["state"].append({"id": "x", "property": "y", "value": 1})
    alert_filter = client.spec("alert-body.children")

    def filters(values: list, kind_ids: list[dict] | None = None) -> dict:
        """The alert filters' callback as a browser sends it: each pattern-matched input
        a list of the components it matched."""
        ids = kind_ids or [
            {"type": "alert-filter", "kind": k} for k in ("street", "domain", "department")
        ]
        refs = [{"id": i, "property": "value"} for i in ids]
        body = {
            "output": alert_filter["output"],
            "outputs": _outputs(alert_filter["output"]),
            "inputs": [[{**r, "value": v} for r, v in zip(refs, values, strict=True)]],
            "state": [
                [{"id": i, "property": "id", "value": i} for i in ids],
                {"id": "nav-location", "property": "pathname", "value": "/"},
                {"id": "nav-location", "property": "search", "value": ""},
            ],
            "changedPropIds": ['{"kind":"street","type":"alert-filter"}.value'],
        }
        return {"method": "POST", "path": post, "json": body}

    return [
        ("street filter with SQL", filters(["330103' OR '1'='1", None, None])),
        ("unknown domain filter", filters([None, "military", None])),
        ("department filter as a number", filters([None, None, 7])),
        ("a filter of another kind", filters([None], [{"type": "alert-filter", "kind": "secret"}])),
        ("another component in a filter's place",
         filters(["x"], [{"type": "kpi-card", "indicator": "x", "kind": "street"}])),
        ("empty playlist state", cb(wall, [1, 0, 0, 0, 0], [{}])),
        ("a playlist of 200,000 areas", cb(wall, [1, 0, 0, 0, 0],
                                           [{**good_state, "playlist": ["330103000000"] * 200_000}])),
        ("null wall state", cb(wall, [1, 0, 0, 0, 0], [None])),
        ("lang xx", cb(wall, [1, 0, 0, 0, 0], [{**good_state, "lang": "xx"}])),
        ("index as text", cb(wall, [1, 0, 0, 0, 0], [{**good_state, "index": "3"}])),
        ("clicks as text", cb(wall, ["many", 0, 0, 0, 0], [good_state])),
        ("integer indicator", cb(switch, [42], ["/", ""])),
        ("indicator with SQL", cb(switch, ["x' OR '1'='1"], ["/", ""])),
        ("indicator too long", cb(switch, ["a" * 5000], ["/", ""])),
        ("null pathname", cb(switch, ["hotline_tickets"], [None, ""])),
        ("pathname not a page", cb(switch, ["hotline_tickets"], ["/catalog", ""])),
        ("padded code", cb(switch, ["hotline_tickets"], ["/community/330103002051XYZ", ""])),
        ("code with SQL", cb(switch, ["hotline_tickets"], ["/community/330103002051' OR '1'='1", ""])),
        ("search as a list", cb(switch, ["hotline_tickets"], ["/", ["?period=2019-12"]])),
        ("huge search", cb(switch, ["hotline_tickets"], ["/", "?period=" + "9" * 5000])),
        ("layers not a list", cb(points, ["hotline"], ["/", ""])),
        ("unknown layer", cb(points, [["tickets_raw"]], ["/", ""])),
        ("too many layers", cb(points, [["hotline"] * 50], ["/", ""])),
        ("click as text", cb(drill, ["click"], ["hotline_tickets", [], "/", ""])),
        ("click points not a list", cb(drill, [{"points": "all"}], ["hotline_tickets", [], "/", ""])),
        ("period not a month", cb(period, ["last year"], ["hotline_tickets", [], "/", ""])),
        ("period as a number", cb(period, [201912], ["hotline_tickets", [], "/", ""])),
        ("unknown callback", {"method": "POST", "path": post,
                              "json": {**_body(switch, ["x"], ["/", ""]), "output": "evil.children"}}),
        ("missing output", {"method": "POST", "path": post, "json": missing_output}),
        ("inputs of another callback", {"method": "POST", "path": post, "json": wrong_input}),
        ("one state too many", {"method": "POST", "path": post, "json": extra_state}),
        ("body not JSON", {"method": "POST", "path": post, "data": b"{not json",
                           "headers": {"Content-Type": "application/json"}}),
        ("body a JSON list", {"method": "POST", "path": post, "json": [1, 2, 3]}),
        ("body null", {"method": "POST", "path": post, "data": b"null",
                       "headers": {"Content-Type": "application/json"}}),
        ("body of 11 MB", {"method": "POST", "path": post, "data": b"x" * (11 * 1024 * 1024),
                           "headers": {"Content-Type": "application/json"}}),
        ("changedPropIds not a list", {"method": "POST", "path": post,
                                       "json": {**_body(switch, ["x"], ["/", ""]), "changedPropIds": 5}}),
        ("export of an unknown table", {"method": "GET", "path": "/export/users.csv"}),
        ("export with a padded code", {"method": "GET", "path": "/export/cards.csv?area=330103002051XYZ"}),
        ("geometry of an unknown level", {"method": "GET", "path": "/geo/v/330103000000/330103000000/planet.json"}),
        ("page with a padded code", {"method": "GET", "path": "/community/330103002051XYZ",
                                     "router": True}),
        ("forged host", {"method": "GET", "path": "/api/health", "headers": {"Host": "evil.example"}}),
        ("sign-in without CSRF token", {"method": "POST", "path": "/login",
                                        "data": {"name": "test-district", "password": "x"}}),
        ("sign-out without CSRF token", {"method": "POST", "path": "/logout", "data": {}}),
    ]  # fmt: skip


def test_thirty_kinds_of_malformed_request_get_a_4xx_and_never_a_500(client, site):
    cases = malformed(client)
    assert len(cases) >= 30
    for what, case in cases:
        if case.get("router"):
            answer = client.page(case["path"])
            assert answer.status_code == 200, what
            assert "中北社区" not in answer.text, what  # not padded or cut into a real code
            continue
        answer = client.http.request(
            case["method"], site.url + case["path"], json=case.get("json"), data=case.get("data"),
            headers=case.get("headers"), timeout=60, allow_redirects=False,
        )  # fmt: skip
        assert 400 <= answer.status_code < 500, (what, answer.status_code, answer.text[:200])
        assert len(answer.content) < 2000, what  # a short message, not a page or a dump
        assert "Traceback" not in answer.text, what
    # And it still answers.
    assert client.page("/").status_code == 200
    assert site.visitor().get(site.url + "/api/health").json()["status"] == "ok"


def test_a_path_outside_the_app_finds_nothing(server, people):
    # Over real HTTP: what the server makes of a raw path is the point.
    client = Cockpit(server, sign_in(server, people["district"]))
    for path in ("/export/..%2F..%2Fetc%2Fpasswd.csv", "/assets/../../cockpit.toml",
                 "/geo/../../data/app.db"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code in (200, 404), path  # the app shell, or nothing
        assert "root:" not in answer.text and "app_db" not in answer.text, path


def test_the_forged_host_is_refused_not_echoed(server):
    answer = requests.get(server + "/login", headers={"Host": "evil.example"}, timeout=30)
    assert answer.status_code == 400 and "evil.example" not in answer.text


def test_security_headers_on_every_answer(site, client):
    for path in ("/login", "/", "/api/health", "/export/cards.csv?area=330103000000"):
        answer = client.get(path)
        headers = answer.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert (
            "'unsafe-inline'"
            not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
        )
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
    cookie = site.visitor().get(site.url + "/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_alert_filters_answer_a_well_formed_request(client):
    """The same envelope as the malformed cases above, well formed: the list narrows to
    one street (the check above refuses only what is wrong)."""
    case = next(c for what, c in malformed(client) if what == "street filter with SQL")
    case["json"]["inputs"][0][0]["value"] = "330103005000"
    answer = client.http.post(client.url + case["path"], json=case["json"], timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    areas = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props", {})
            if isinstance(props, dict) and props.get("className") == "alert-area":
                areas.append(props["children"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(answer.json())
    # A problem the street shares with its communities reads "潮鸣街道 及其 9 个社区".
    assert areas and all(
        a.split(" 及其 ")[0] == "潮鸣街道" or a.endswith(" · 潮鸣街道") for a in areas
    ), areas


def test_data_answers_are_never_kept_by_a_browser_or_a_proxy(client, site):
    answers = {
        "layout": client.first_render("/"),
        "router": client.page("/"),
        "export": client.get("/export/cards.csv?area=330103000000"),
        "health": client.get("/api/health"),
    }
    for what, answer in answers.items():
        assert answer.status_code == 200, what
        assert answer.headers["Cache-Control"] == "private, no-store", what
    # The app's own code, the same for everyone, is still cached.
    script = client.get("/assets/map_fit.js")
    assert "no-store" not in script.headers.get("Cache-Control", "")


def test_the_families_of_the_four_500s_get_a_4xx(client, site, server, people):
    """A newline in ``next``, outputs that disagree with ``output``, JSON nested deeper
    than any callback, a path that climbs out of the component suites: each was a 500."""
    several = _body(client.spec("ranking-chart.figure"), ["x"], ["/", ""])
    drill = client.spec("nav-location.href", first_input="area-map")
    one = _body(drill, [None], ["hotline_tickets", [], "/", ""])
    cases = {
        "outputs of another callback": {**one, "outputs": {"id": "evil", "property": "x"}},
        "outputs as a list for one output": {**one, "outputs": [one["outputs"]]},
        "outputs missing": {k: v for k, v in one.items() if k != "outputs"},
        "one output of several": {**several, "outputs": several["outputs"][:1]},
        "several outputs reordered": {**several, "outputs": several["outputs"][::-1]},
        "nested 40 deep": {**one, "inputs": [{**one["inputs"][0],
                                              "value": json.loads("[" * 40 + "]" * 40)}]},
    }  # fmt: skip
    for what, sent in cases.items():
        answer = client.http.post(f"{site.url}/_dash-update-component", json=sent)
        assert answer.status_code == 400, (what, answer.status_code)
    deep = b'{"output": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    answer = client.http.post(f"{site.url}/_dash-update-component", data=deep,
                              headers={"Content-Type": "application/json"})  # fmt: skip
    assert answer.status_code == 400
    # Over real HTTP: what the server makes of the raw bytes is the point.
    http = sign_in(server, people["district"])
    for path in ("/_dash-component-suites/dash/..%2f..%2f..%2fcockpit.toml",
                 "/_dash-component-suites/dash/%2e%2e/%2e%2e/%2e%2e/cockpit.toml",
                 "/_dash-component-suites/dash/..%5c..%5ccockpit.toml"):  # fmt: skip
        answer = http.get(server + path, timeout=30)
        assert answer.status_code == 404, (path, answer.status_code)
        assert "app_db" not in answer.text
    for target in ("/%0A/x", "/%0D%0ASet-Cookie:%20x=1", "/%00"):
        answer = http.get(f"{server}/login?next={target}", timeout=30)
        assert answer.status_code in (200, 302), (target, answer.status_code)


def test_sign_in_sends_only_to_a_path_on_this_site(site, people):
    from tests.helpers.cockpits import csrf_token

    person = people["street"]
    for target, lands in (("/%09/evil.example", "/%09/evil.example"), ("//evil.example", "/"),
                          ("/\\evil.example", "/"), ("https://evil.example/", "/"),
                          ("/\t/evil.example", "/"), ("/\n/x", "/"), (f"/street/{person['scope']}?lang=en",
                                            f"/street/{person['scope']}?lang=en")):  # fmt: skip
        visitor = site.visitor()
        form = visitor.get(f"{site.url}/login").text
        answer = visitor.post(
            f"{site.url}/login?" + urlencode({"next": target}),
            data={"csrf_token": csrf_token(form), "name": person["name"],
                  "password": person["password"]},
            allow_redirects=False,
        )  # fmt: skip
        assert answer.status_code == 302, target
        location = answer.headers["Location"]
        assert location == lands, (target, location)
        assert not location.startswith("//") and "evil.example" not in urlsplit(location).netloc


def test_a_duplicate_output_sent_with_its_hash_as_the_browser_sends_it_is_answered(client):
    """Dash's renderer names an ``allow_duplicate`` output with its ``@hash``; the envelope
    check takes it as the declared output (a refusal here broke the map's point layers)."""
    spec = client.spec("area-map.figure@")
    body = _body(spec, [["hotline"]], ["/", ""])
    body["outputs"] = {"id": "area-map", "property": spec["output"].split(".", 1)[1]}
    assert "@" in body["outputs"]["property"]
    answer = client.http.post(f"{client.url}/_dash-update-component", json=body)
    assert answer.status_code in (200, 204), answer.text[:200]
