"""Any district from files, no code change: Gongshu from its shipped 2023 code lists, and
Xiacheng's history carried across the 2021 re-zoning into Gongshu's codes."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import orjson
import pandas as pd
import pytest

from cockpit import store
from cockpit.store import accounts
from pipelines.publish.refresh import run_refresh
from tests.helpers.cockpits import PASSWORD, REPO, make_settings, run_cockpit, serve_cockpit
from tests.helpers.map import labels_drawn

pytestmark = pytest.mark.browser

REFERENCE = REPO / "data" / "reference"
CODES = [
    str(REFERENCE / "gongshu_2023_street_codes_nbs.csv"),
    str(REFERENCE / "gongshu_2023_community_codes_nbs.csv"),
]
GONGSHU = "330105000000"
# 浙大御跸社区 of 长庆街道: 330103001051 until 2021, 330105014001 since.
OLD, NEW = "330103001051", "330105014001"
XIACHENG = ("下城", "Xiacheng")


def _cockpit(settings, *args: str) -> str:
    done = run_cockpit(settings, *args)
    assert done.returncode == 0, f"cockpit {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _official(settings, name: str) -> dict:
    store.migrate(settings.app_db)
    accounts.add_user(settings.app_db, name, "admin", GONGSHU, PASSWORD)
    return {"name": name, "password": PASSWORD}


@pytest.fixture(scope="module")
def gongshu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """Gongshu set up as its IT team would: the code lists, the demo's extracts, its street
    boundaries imported from a file of names only, a refresh."""
    root = tmp_path_factory.mktemp("gongshu")
    settings = make_settings(root)
    _cockpit(settings, "areas", "init", "--codes", *CODES)
    _cockpit(settings, "demo")
    generated = orjson.loads(
        (settings.inbox / "boundaries" / "boundaries_synthetic.geojson").read_bytes()
    )
    streets = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"街道名称": f["properties"]["name_zh"].removesuffix("街道")},
                "geometry": f["geometry"],
            }
            for f in generated["features"]
            if f["properties"]["level"] == "street"
        ],
    }
    file = root / "拱墅区街道边界.geojson"
    file.write_bytes(orjson.dumps(streets))
    report = _cockpit(
        settings, "areas", "import", str(file), "--level", "street", "--name-field", "街道名称",
        "--no-refresh",
    )  # fmt: skip
    assert "matched: 18" in report
    _cockpit(settings, "refresh")
    with serve_cockpit(settings) as url:
        yield settings, url, _official(settings, "test-gongshu")


def test_gongshu_from_files_shows_its_own_name_and_18_streets(gongshu, as_person) -> None:
    settings, url, person = gongshu
    tracked = as_person(url, person)
    page = tracked.page
    page.goto(url + "/")
    page.wait_for_selector(".area-name:text-is('拱墅区')")
    names = sorted(label["text"] for label in labels_drawn(page))
    streets = pd.read_csv(CODES[0], dtype=str)["street_name"]
    assert names == sorted(streets) and len(names) == 18
    assert page.title().startswith("拱墅区城市大脑")
    assert "拱墅区城市大脑 · 一网统管驾驶舱" in page.inner_text(".brand-title")
    assert tracked.external_requests() == []
    # The street boundaries served are the imported file's, not the demo's synthetic ones.
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    synthetic = con.execute(
        "SELECT bool_or(s.synthetic) FROM ind.area_shape s JOIN ind.area a USING (code) "
        "WHERE a.level = 'street'"
    ).fetchall()[0][0]
    con.close()
    assert synthetic is False


def test_no_page_shows_xiacheng_when_gongshu_is_configured(gongshu, as_person, browser) -> None:
    settings, url, person = gongshu
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    street, community = con.execute(
        "SELECT s.code, c.code FROM ind.area s JOIN ind.area c ON c.parent_code = s.code "
        "WHERE s.level = 'street' ORDER BY c.code LIMIT 1"
    ).fetchall()[0]
    con.close()
    anonymous = browser.new_context().new_page()
    anonymous.goto(url + "/login")
    assert "拱墅区" in anonymous.inner_text("body")
    assert not any(word in anonymous.content() for word in XIACHENG)
    anonymous.context.close()
    page = as_person(url, person).page
    for path in ("/", f"/street/{street}", f"/community/{community}", "/wall", "/catalog",
                 "/indicators", "/?lang=en", f"/street/{street}?lang=en"):  # fmt: skip
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        page.wait_for_function(
            "() => document.body.innerText.includes('拱墅')"
            " || document.body.innerText.includes('Gongshu')"
        )
        text = page.inner_text("body") + page.title()
        assert not any(word in text for word in XIACHENG), path
        if path == "/catalog":  # what is still the demo's says so
            assert text.count("演示数据（合成）") >= 15


@pytest.fixture(scope="module")
def rezoned(tmp_path_factory: pytest.TempPathFactory, demo_extracts: Path) -> Iterator[tuple]:
    """Gongshu's tree with the shipped Xiacheng → Gongshu mapping; the health extract and
    boundaries Xiacheng sent in 2018–2019 under its old codes, and the first half of 2022
    sent under the new ones."""
    root = tmp_path_factory.mktemp("rezoned")
    settings = make_settings(root).with_overrides(code_changes_effective=dt.date(2021, 4, 9))
    _cockpit(
        settings, "areas", "init", "--codes", *CODES,
        "--changes", str(REFERENCE / "xiacheng_to_gongshu_2021.csv"),
    )  # fmt: skip
    for source in ("health", "boundaries"):
        shutil.copytree(demo_extracts / source, settings.inbox / source)
    old = pd.read_csv(next((settings.inbox / "health").glob("*.csv")), dtype=str)
    mapping = pd.read_csv(REFERENCE / "xiacheng_to_gongshu_2021.csv", dtype=str)
    new_code = dict(zip(mapping["old_code"], mapping["new_code"], strict=True))
    last = old[old["统计期"] == "2019-12"]
    later = pd.concat(
        [last.assign(统计期=f"2022-0{m}", 社区编码=last["社区编码"].map(new_code)) for m in
         range(1, 7)]
    )  # fmt: skip
    later.to_csv(settings.inbox / "health" / "社区卫生服务月报_202201-202206.csv", index=False)
    report = run_refresh(settings, echo=lambda _line: None)
    assert not report.failed_sources
    notes = " ".join(f.message or "" for f in report.files)
    assert "under former area codes" in notes and f"{OLD} → {NEW}" in notes
    with serve_cockpit(settings) as url:
        yield settings, url, _official(settings, "test-rezoned")


def test_a_former_communitys_trend_runs_on_under_its_new_code(rezoned, as_person) -> None:
    _settings, url, person = rezoned
    page = as_person(url, person).page
    page.goto(url + f"/community/{OLD}?indicator=clinic_visits")
    page.wait_for_selector(".area-name:text-is('浙大御跸社区')")
    note = page.inner_text("#former-note")
    assert OLD in note and NEW in note and "2021-04-09" in note
    page.wait_for_function(
        "() => { const g = document.querySelector('#trend-chart .js-plotly-plot');"
        " return g && g.data && g.data.length; }"
    )
    trend = page.evaluate("() => document.querySelector('#trend-chart .js-plotly-plot').data[0]")
    months = list(trend["x"])
    assert months[0] == "2018年1月" and months[-1] == "2022年6月"
    assert "2019年12月" in months and len(months) == 30
    values = [v for v in trend["y"] if v is not None]
    assert len(values) == 30  # recorded under the old code until 2019, the new one in 2022
    # The new code's own cockpit shows the same history, without the note.
    page.goto(url + f"/community/{NEW}?indicator=clinic_visits")
    page.wait_for_selector(".area-name:text-is('浙大御跸社区')")
    assert page.locator("#former-note").count() == 0
    page.wait_for_function(
        "() => { const g = document.querySelector('#trend-chart .js-plotly-plot');"
        " return g && g.data && g.data.length && g.data[0].x.length === 30; }"
    )


def test_an_account_scoped_before_the_rezoning_reads_the_area_its_code_became(
    rezoned, as_person
) -> None:
    settings, url, _person = rezoned
    # An account made when 长庆街道 was 330103001000; the tree now says 330105014000.
    accounts.add_user(settings.app_db, "test-changqing", "viewer", "330103001000", PASSWORD)
    page = as_person(url, {"name": "test-changqing", "password": PASSWORD}).page
    page.goto(url + "/street/330105014000")
    page.wait_for_selector(".area-name:text-is('长庆街道')")
    page.goto(url + "/street/330105001000")  # 米市巷街道: never this account's
    page.wait_for_selector(".not-found, .area-missing, h1")
    assert "米市巷" not in page.inner_text("body")
