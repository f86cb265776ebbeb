"""``/api/v1``: the cockpit's data for consuming systems, behind API keys, with the pages'
rules: a key reads its area, everything under it and its ancestors' aggregates, never a
sibling; small counts come as "<k"; every call is audited; every refusal says why."""

from __future__ import annotations

import csv
import io

import pytest
from openapi_spec_validator import validate

from cockpit.store import apikeys
from tests.helpers.cockpits import run_cockpit

DISTRICT, STREET, SIBLING = "330103000000", "330103001000", "330103002000"
COMMUNITY = "330103001051"


def _app_db(site) -> str:
    return site.app.server.config["COCKPIT_SETTINGS"].app_db


@pytest.fixture(scope="module")
def keys(site):
    url = _app_db(site)
    return {
        "district": apikeys.add_api_key(url, "城市大脑中枢", DISTRICT),
        "street": apikeys.add_api_key(url, "长庆街道基层治理平台", STREET),
        "hotline_only": apikeys.add_api_key(url, "12345热线", DISTRICT, ["hotline_per_10k"]),
    }


def _get(site, path: str, key: str | None, **headers):
    visitor = site.visitor()
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return visitor.get(f"{site.url}{path}", headers=headers)


def test_a_street_key_reads_its_street_and_is_refused_a_sibling(site, keys):
    key = keys["street"]
    own = _get(site, f"/api/v1/indicators/hotline_per_10k/values?area={STREET}", key)
    assert own.status_code == 200
    body = own.json()
    assert body["total"] == 24 and {r["area_code"] for r in body["data"]} == {STREET}
    assert body["version"] and own.headers["X-Data-Version"] == body["version"]
    # Its communities, month by month.
    below = _get(site, f"/api/v1/indicators/hotline_per_10k/values?area={STREET}"
                       "&level=community&from=2019-12&to=2019-12", key).json()  # fmt: skip
    assert {r["area_code"][:9] for r in below["data"]} == {STREET[:9]}
    assert len(below["data"]) == 6 and {r["period"] for r in below["data"]} == {"2019-12"}
    # The district's total (an ancestor's aggregate), but no other street in it.
    top = _get(site, f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}", key)
    assert top.status_code == 200 and {r["area_code"] for r in top.json()["data"]} == {DISTRICT}
    streets = _get(site, f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}"
                         "&level=street&from=2019-12", key).json()  # fmt: skip
    assert [r["area_code"] for r in streets["data"]] == [STREET]
    # A sibling street: refused as if it did not exist, never an empty list.
    for path in (f"/api/v1/indicators/hotline_per_10k/values?area={SIBLING}",
                 f"/api/v1/areas/{SIBLING}", f"/api/v1/alerts?area={SIBLING}"):  # fmt: skip
        answer = _get(site, path, key)
        assert answer.status_code == 404, path
        assert "error" in answer.json()
    areas = _get(site, "/api/v1/areas?limit=5000", key).json()["data"]
    codes = {a["code"] for a in areas}
    assert STREET in codes and DISTRICT in codes and SIBLING not in codes
    assert all(c[:9] == STREET[:9] for c in codes - {DISTRICT})
    alerts = _get(site, f"/api/v1/alerts?area={DISTRICT}", key).json()["data"]
    assert alerts and all(a["area_code"] in codes for a in alerts)


def test_a_key_without_its_indicator_does_not_see_it(site, keys):
    key = keys["hotline_only"]
    listed = _get(site, "/api/v1/indicators", key).json()["data"]
    assert [i["indicator_id"] for i in listed] == ["hotline_per_10k"]
    other = _get(site, f"/api/v1/indicators/elderly_share/values?area={DISTRICT}", key)
    assert other.status_code == 404


def test_small_counts_come_as_the_pages_show_them(site, keys, wh):
    indicator, area = wh.execute(
        "SELECT indicator_id, area_code FROM ind.indicator_value "
        "WHERE suppressed_kind = 'small' AND level = 'community' ORDER BY ALL LIMIT 1"
    ).fetchone()
    k = wh.execute(
        "SELECT suppress_below FROM ind.indicator WHERE indicator_id = ?", [indicator]
    ).fetchone()[0]
    rows = _get(site, f"/api/v1/indicators/{indicator}/values?area={area}",
                keys["district"]).json()["data"]  # fmt: skip
    hidden = [r for r in rows if r["suppressed"]]
    assert hidden and all(r["value"] in (f"<{k}", "hidden") for r in hidden)
    assert all(isinstance(r["value"], int | float) for r in rows if not r["suppressed"])


def test_a_missing_unknown_or_revoked_key_gets_401(site, keys):
    url = _app_db(site)
    spare = apikeys.add_api_key(url, "to be revoked", DISTRICT)
    assert _get(site, "/api/v1/areas", spare).status_code == 200
    spare_id = max(k.id for k in apikeys.list_api_keys(url))
    apikeys.revoke_api_key(url, spare_id)
    for key in (None, "ck_not-a-key", spare, keys["district"] + "x"):
        answer = _get(site, "/api/v1/areas", key)
        assert answer.status_code == 401, key
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert "API key" in answer.json()["error"]
    # A session cookie is not a key: a signed-in browser gets 401 here too.
    assert _get(site, "/api/v1/areas", None, Cookie="session=x").status_code == 401


def test_answers_carry_their_data_version_as_an_etag_and_page(site, keys):
    key = keys["district"]
    path = f"/api/v1/indicators/registered_population/values?area={DISTRICT}&level=community"
    first = _get(site, path, key)
    etag = first.headers["ETag"]
    assert _get(site, path, key, **{"If-None-Match": etag}).status_code == 304
    total = first.json()["total"]
    assert total == 75 * 24
    seen, page = [], _get(site, path + "&limit=500", key).json()
    while True:
        seen += page["data"]
        if page["next"] is None:
            break
        page = _get(site, page["next"], key).json()
    assert len(seen) == total and len({(r["area_code"], r["period"]) for r in seen}) == total
    as_csv = _get(site, path + "&format=csv&limit=5000", key)
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert len(rows) == total and rows[0]["area_code"].startswith("330103")


def test_every_call_is_audited_with_its_consumer(site, keys, people):
    from cockpit.store import audit

    url = _app_db(site)
    before = len([e for e in audit.events(url, limit=100_000) if e.kind == "api_call"])
    _get(site, f"/api/v1/alerts?area={STREET}", keys["street"])
    _get(site, "/api/v1/catalog", keys["street"])
    calls = [e for e in audit.events(url, limit=100_000) if e.kind == "api_call"]
    assert len(calls) == before + 2
    assert calls[-1].actor == "api:长庆街道基层治理平台" and calls[-1].scope == STREET


BAD = [
    "/api/v1/areas?level=village",
    "/api/v1/areas?parent=abc",
    "/api/v1/areas?colour=red",
    "/api/v1/areas?limit=0",
    "/api/v1/areas?limit=5001",
    "/api/v1/areas?limit=ten",
    "/api/v1/areas?offset=-1",
    "/api/v1/areas?format=xml",
    "/api/v1/areas?level=street&level=community",
    "/api/v1/areas/12345",
    "/api/v1/indicators?domain=x&shape=y",
    "/api/v1/indicators/hotline_per_10k/values",
    "/api/v1/indicators/hotline_per_10k/values?area=",
    "/api/v1/indicators/hotline_per_10k/values?area=33010300100X",
    f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}&from=2019-13",
    f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}&from=2019-1",
    f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}&to=201912",
    f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}&from=2019-12&to=2019-01",
    f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}&level=town",
    f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}&period=2019-12",
    f"/api/v1/indicators/Hotline/values?area={DISTRICT}",
    f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}&limit=1.5",
    f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}&offset=x",
    f"/api/v1/indicators/hotline_per_10k/values?area={DISTRICT}&format=",
    "/api/v1/alerts",
    f"/api/v1/alerts?area={DISTRICT}&period=12-2019",
    f"/api/v1/alerts?area={DISTRICT}&level=street",
    "/api/v1/alerts?area=' OR 1=1 --",
    "/api/v1/catalog?source=health",
    "/api/v1/catalog?limit=99999999999",
]


@pytest.mark.parametrize("path", BAD)
def test_a_bad_parameter_is_a_400_that_says_why(site, keys, path):
    assert len(BAD) == 30
    answer = _get(site, path, keys["district"])
    assert answer.status_code == 400, (path, answer.text)
    error = answer.json()["error"]
    assert len(error) > 10 and "Traceback" not in error


def test_the_openapi_document_validates_and_every_path_answers_as_documented(site, keys):
    spec = site.visitor().get(f"{site.url}/api/v1/openapi.json").json()
    validate(spec)
    key = keys["district"]
    example = {"code": STREET, "indicator_id": "hotline_per_10k"}
    for path, item in spec["paths"].items():
        concrete = path.format(**example)
        required = [
            p for p in item["get"]["parameters"] if p.get("required") and p["in"] == "query"
        ]
        query = "&".join(f"{p['name']}={DISTRICT}" for p in required)
        answer = _get(site, concrete + (f"?{query}" if query else ""), key)
        assert str(answer.status_code) in item["get"]["responses"], path
        assert answer.status_code == 200, (path, answer.text[:200])
        schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        body = answer.json()
        assert set(schema["required"]) <= set(body), path
        rows = body["data"] if isinstance(body["data"], list) else [body["data"]]
        ref = schema["properties"]["data"].get("items", schema["properties"]["data"])["$ref"]
        needed = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]["required"]
        assert rows and all(set(needed) <= set(r) for r in rows), path
    docs = site.visitor().get(f"{site.url}/api/v1/docs")
    assert docs.status_code == 200 and "GET /api/v1/indicators/{indicator_id}/values" in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text


def test_each_key_is_rate_limited(demo, people, tmp_path):
    from tests.helpers.cockpits import copy_of_demo
    from tests.helpers.inprocess import app_for

    limited = copy_of_demo(demo, tmp_path).with_overrides(api_rate_limit="5 per minute")
    with app_for(limited) as site:
        one = apikeys.add_api_key(limited.app_db, "busy", DISTRICT)
        other = apikeys.add_api_key(limited.app_db, "quiet", DISTRICT)
        codes = [_get(site, "/api/v1/catalog", one).status_code for _ in range(7)]
        assert codes == [200] * 5 + [429] * 2
        assert _get(site, "/api/v1/catalog", other).status_code == 200


def test_the_cli_prints_a_key_once_and_never_lists_it(demo, tmp_path):
    from tests.helpers.cockpits import copy_of_demo

    settings = copy_of_demo(demo, tmp_path).with_overrides(app_db=f"sqlite:///{tmp_path}/a.db")
    made = run_cockpit(settings, "apikeys", "add", "--consumer", "区大数据局", "--scope",
                       "330103001", "--indicators", "hotline_per_10k,elderly_share")  # fmt: skip
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip().splitlines()[-1]
    assert key.startswith("ck_") and len(key) > 40
    listed = run_cockpit(settings, "apikeys", "list")
    assert "区大数据局" in listed.stdout and STREET in listed.stdout and key not in listed.stdout
    refused = run_cockpit(settings, "apikeys", "add", "--consumer", "x", "--scope", "999")
    assert refused.returncode == 2 and "scope" in refused.stderr
    assert run_cockpit(settings, "apikeys", "revoke", "1").returncode == 0
    assert apikeys.usable_api_key(settings.app_db, key) is None


def test_the_catalog_and_usage_say_who_uses_what(site, keys, people):
    from tests.helpers.client import Cockpit

    _get(site, f"/api/v1/indicators/family_doctor_coverage/values?area={STREET}", keys["street"])
    admin = Cockpit(site.url, site.visitor(people["district"]))
    catalog = admin.page("/catalog")
    assert catalog.status_code == 200
    # The health report and the population feed family-doctor coverage: both name it.
    text = catalog.text
    assert text.count("接口使用方: ") >= 2 and "长庆街道基层治理平台" in text
    usage = admin.page("/admin/usage")
    assert "共享接口调用（按使用方）" in usage.text and "长庆街道基层治理平台" in usage.text
