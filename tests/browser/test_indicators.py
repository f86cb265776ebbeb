"""The indicator dictionary and the department cockpits, and an analyst's new indicator
reaching every screen it belongs on, in headless Chromium against a real server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from pipelines.publish.refresh import run_refresh
from tests.helpers.browser import TrackedPage
from tests.helpers.cockpits import REPO, make_settings, serve_cockpit
from tests.helpers.layers import GOOD_SQL, GOOD_YML
from tests.helpers.map import WULIN, unfold, wait_for_map

pytestmark = pytest.mark.browser

NEW = "people_per_household"
COMMUNITY = "330103002051"


def test_the_dictionary_defines_every_indicator_with_its_lineage(server, tracked: TrackedPage, wh):
    page = tracked.page
    page.goto(server + "/indicators")
    page.wait_for_selector(".dict-entry")
    published = wh.execute("SELECT count(*) FROM ind.indicator").fetchall()[0][0]
    assert page.locator(".dict-entry").count() == published
    entry = page.locator("#indicator-family_doctor_coverage")
    text = entry.inner_text()
    for expected in ("家庭医生签约率", "越高越好", "分子分母逐级求和后相除", "区卫健局", "每月"):
        assert expected in text, expected
    assert "≥ 35.0% 为绿" in text
    lineage = entry.locator(".lineage").inner_text()
    assert "stg.health_services" in lineage and "社区卫生服务月报" in lineage
    assert "layers/society/family_doctor_coverage.yml" in lineage
    # The owner link opens the department's cockpit.
    entry.locator(".lineage a", has_text="区卫健局").click()
    page.wait_for_url("**/dept/health")
    page.wait_for_selector(".dept-matrix")
    assert tracked.external_requests() == []


def test_the_dictionary_in_english(server, tracked: TrackedPage):
    page = tracked.page
    page.goto(server + "/indicators?lang=en")
    page.wait_for_selector(".dict-entry")
    entry = page.locator("#indicator-gov_online_rate").inner_text()
    assert "Service items available online" in entry
    assert "Thresholds are set as fractions of the target" in entry
    assert "District" in entry and "95.00%" in entry


def test_a_department_cockpit_shows_its_indicators_across_the_tree(server, tracked, wh):
    page = tracked.page
    page.goto(server + "/dept")
    page.wait_for_selector(".dept-card")
    page.locator(".dept-card", has_text="区数据资源管理局").click()
    page.wait_for_url("**/dept/data_resources")
    timeliness = page.locator(".dept-matrix tbody tr", has_text="部门数据按时报送率")
    district = wh.execute(
        "SELECT value FROM ind.indicator_value WHERE indicator_id = 'data_timeliness' "
        "AND level = 'district' AND period = '2019-12'"
    ).fetchall()[0][0]
    assert timeliness.locator("td").first.inner_text() == f"{district:.1f}"
    page.goto(server + "/dept/economy")
    late = page.locator(".delivery-table tbody tr", has_text="亲清在线")
    assert "逾期" in late.inner_text()
    streets = page.locator(".dept-matrix thead th.col-street")
    assert streets.count() == 8
    # A street's cell opens that street's cockpit on that indicator.
    page.locator(".dept-matrix tbody tr").first.locator("td.cell").nth(2).locator("a").click()
    page.wait_for_url(f"**/street/{WULIN}?indicator=*")
    wait_for_map(page, "武林街道")
    assert tracked.external_requests() == []


@pytest.fixture(scope="module")
def with_new_layer(tmp_path_factory, demo_extracts, demo) -> Iterator[str]:
    """A cockpit whose layers folder gained two files, refreshed and served."""
    root = tmp_path_factory.mktemp("new-layer")
    layers = root / "layers"
    shutil.copytree(REPO / "layers", layers)
    (layers / "society" / f"{NEW}.yml").write_text(GOOD_YML.format(id=NEW), encoding="utf-8")
    (layers / "society" / f"{NEW}.sql").write_text(GOOD_SQL, encoding="utf-8")
    # The demo's accounts and signing key: the page tests' sign-in serves here too.
    settings = make_settings(
        root, layers=layers, app_db=demo.app_db, secret_key_file=demo.secret_key_file
    )
    shutil.copytree(demo_extracts, settings.inbox)
    report = run_refresh(settings, echo=lambda _line: None)
    assert report.ok and report.layer_errors == []
    with serve_cockpit(settings) as url:
        yield url


def test_two_new_files_reach_the_dictionary_every_level_and_the_department(
    with_new_layer, tracked: TrackedPage
):
    page, url = tracked.page, with_new_layer
    page.goto(url + "/indicators")
    entry = page.locator(f"#indicator-{NEW}")
    entry.wait_for()
    assert "户均人口" in entry.inner_text() and f"layers/society/{NEW}.yml" in entry.inner_text()
    card = ".kpi-card:has-text('户均人口')"
    for path, name in (
        ("/", "下城区"),
        (f"/street/{WULIN}", "武林街道"),
        (f"/community/{COMMUNITY}", None),
    ):
        page.goto(url + path)
        wait_for_map(page, name)
        unfold(page)
        assert page.locator(card).count() == 1, path
        assert page.locator(card).locator(".kpi-value").inner_text() not in ("", "—")
    page.goto(url + "/dept/statistics")
    row = page.locator(".dept-matrix tbody tr", has_text="户均人口")
    row.wait_for()
    assert row.locator("td.cell").count() == 10  # the district, 8 streets, the park
    assert tracked.external_requests() == []
