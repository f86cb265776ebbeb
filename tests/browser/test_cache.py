"""Answers are cached under the published version: a refresh that changes a figure shows
the new figure on the next page, and `cockpit refresh` warms the top of the tree. A page
opened cold comes with the app itself, without a callback round trip for its content."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from cockpit import store
from cockpit.store import accounts, audit
from pipelines.publish.refresh import run_refresh
from tests.helpers.cockpits import PASSWORD, make_settings, run_cockpit, serve_cockpit
from tests.helpers.map import unfold

pytestmark = pytest.mark.browser

COMMUNITY = "330103001051"
STREET = "330103001000"
ROUTER = "_pages_content.children"
CARD = '[id=\'{"indicator":"clinic_visits","type":"kpi-card"}\'] .kpi-value'


def _shown(page, url: str) -> str:
    page.goto(f"{url}/community/{COMMUNITY}")
    page.wait_for_selector("#react-entry-point .domain-summary")
    unfold(page)  # its domain may be folded, its cards drawn when opened
    page.wait_for_selector(CARD)
    return re.sub(r"[,\s]", "", page.text_content(CARD) or "")


def _entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_a_publish_is_never_answered_from_the_cache_of_the_last(
    tmp_path: Path, drop_demo, as_person
) -> None:
    settings = make_settings(tmp_path)
    drop_demo(settings)
    assert run_refresh(settings, echo=lambda _line: None).ok
    store.migrate(settings.app_db)
    accounts.add_user(settings.app_db, "test-cache", "admin", "330103000000", PASSWORD)
    with serve_cockpit(settings) as url:
        page = as_person(url, {"name": "test-cache", "password": PASSWORD}).page
        before = _shown(page, url)
        cached = _entries(settings.cache_dir)
        assert cached, "the page's answers are kept"
        assert _shown(page, url) == before
        assert _entries(settings.cache_dir) == cached, "the second visit read them back"

        # The health department re-sends its report with this community's December changed.
        archived = next((settings.archive / "health").glob("*.csv"))
        report = pd.read_csv(archived, dtype=str)
        row = (report["社区编码"] == COMMUNITY) & (report["统计期"] == "2019-12")
        assert before != "7777"
        report.loc[row, "门诊人次"] = "7777"
        (settings.inbox / "health").mkdir(exist_ok=True)
        report.to_csv(settings.inbox / "health" / "社区卫生服务月报_更正.csv", index=False)
        done = run_cockpit(settings, "refresh", "health")
        assert done.returncode == 0, done.stderr
        # The refresh warmed the new version's top page before anyone asked for it.
        assert "cache: warmed the top of the tree" in done.stdout
        warmed = _entries(settings.cache_dir) - cached
        assert len(warmed) >= 10
        assert _shown(page, url) == "7777"


def test_a_page_opened_cold_comes_with_the_app_and_a_link_goes_through_the_router(
    demo, server, tracked, people
) -> None:
    page = tracked.page
    bodies: list[str] = []
    page.on(
        "request",
        lambda r: bodies.append(r.post_data or "") if "_dash-update-component" in r.url else None,
    )
    path = f"/community/{COMMUNITY}"

    def views() -> int:
        rows = audit.events(demo.app_db, user=people["district"]["name"], kind="page_view")
        return sum(1 for e in rows if e.path == f"{path}?indicator=clinic_visits")

    before = views()
    page.goto(f"{server}{path}?indicator=clinic_visits")
    page.wait_for_selector(CARD, state="attached")
    page.wait_for_selector("#area-map .js-plotly-plot")
    page.wait_for_selector("#ranking-chart .main-svg")
    assert "长庆" in page.locator("#breadcrumb").inner_text()
    page.wait_for_function("document.title === '社区驾驶舱'")
    assert not [b for b in bodies if ROUTER in b], "the page's content asked for again"
    assert views() == before + 1, "one view of the page, as the usage page counts them"

    # A link is followed by the router, as before.
    page.locator("#breadcrumb a.crumb", has_text="长庆").click()
    page.wait_for_url(f"**/street/{STREET[:9]}*")
    page.wait_for_selector(".cockpit.level-street")
    assert [b for b in bodies if ROUTER in b]
    assert tracked.external_requests() == []
