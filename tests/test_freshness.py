"""One freshness rule: calendar days in China time. `cockpit status`, the catalog and the
cockpit's freshness badge agree, tested where the copies used to disagree: across a day
boundary in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import requests

from cockpit.freshness import CHINA, age_days, china_time, freshness, utc_now
from tests.helpers.browser import serving_a_copy
from tests.helpers.client import Cockpit
from tests.helpers.cockpits import REPO, settings_env, sign_in

UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args)


def test_age_is_counted_in_china_calendar_days():
    # 23:30 on 1 January in Shanghai (15:30 UTC) against 00:30 on 4 January (16:30 UTC on
    # the 3rd): 49 hours, but three days by the calendar a department reads.
    last, now = utc(2020, 1, 1, 15, 30), utc(2020, 1, 3, 16, 30)
    assert (now - last).days == 2
    assert age_days(last, now) == 3
    assert freshness(last, 2, now) == "stale" and freshness(last, 3, now) == "fresh"
    # An hour earlier it is still the 3rd in Shanghai: two days.
    assert age_days(last, utc(2020, 1, 3, 15, 30)) == 2
    assert freshness(None, 2, now) == "never" and freshness(float("nan"), 2, now) == "never"
    assert china_time(utc(2020, 1, 1, 16, 0)) == utc(2020, 1, 2, 0, 0)


def test_status_catalog_and_badge_agree_across_the_day_boundary(demo, people, tmp_path):
    # The hotline (daily, at most 3 days old) last loaded one minute before midnight in
    # Shanghai, three days before today's: 3 days and a few hours have passed, so a
    # count of elapsed 24-hour spans says "fresh" (3 > 3 is false) while the calendar says
    # 4 days, "stale". A 49-hour source stays fresh in every view.
    midnight = dt.datetime.now(CHINA).replace(hour=0, minute=0, second=0, microsecond=0)
    last = (midnight - dt.timedelta(days=3, minutes=1)).astimezone(UTC).replace(tzinfo=None)
    now = utc_now()
    assert (now - last).days == 3 and age_days(last, now) == 4
    change = (
        f"UPDATE meta.source SET last_success = TIMESTAMP '{last:%Y-%m-%d %H:%M:%S}', "
        "max_age_days = 3 WHERE source = 'hotline'"
    )
    with serving_a_copy(demo, tmp_path, change) as (settings, url):
        status = subprocess.run(
            [sys.executable, "-m", "commands.cli", "status"], cwd=REPO, capture_output=True,
            text=True, env={**os.environ, **settings_env(settings)}, timeout=120,
        )  # fmt: skip
        hotline = next(line for line in status.stdout.splitlines() if line.startswith("hotline "))
        assert " stale " in hotline, hotline
        http = sign_in(url, people["district"])
        catalog = http.get(f"{url}/export/catalog.csv?lang=en", timeout=60)
        row = next(r for r in catalog.content.decode("utf-8-sig").splitlines()
                   if r.startswith("hotline,"))  # fmt: skip
        assert ",Stale," in row, row
        page = Cockpit(url, http).page("/", "?lang=en")
        assert "12345 hotline tickets" in page.text.split("Stale or never loaded")[1][:400]
        assert requests.get(f"{url}/api/health", timeout=30).status_code == 200
