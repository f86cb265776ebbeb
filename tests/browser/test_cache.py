"""Answers are cached under the published version: a refresh that changes a figure shows
the new figure on the next page, and `cockpit refresh` warms the top of the tree."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from cockpit import store
from cockpit.store import accounts
from pipelines.refresh import run_refresh
from tests.conftest import PASSWORD, make_settings, run_cockpit, serve_cockpit

pytestmark = pytest.mark.browser

COMMUNITY = "330103001051"
CARD = '[id=\'{"indicator":"clinic_visits","type":"kpi-card"}\'] .kpi-value'


def _shown(page, url: str) -> str:
    page.goto(f"{url}/community/{COMMUNITY}")
    page.wait_for_selector(CARD, state="attached")  # its domain may be folded
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
