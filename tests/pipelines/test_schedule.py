"""`cockpit schedule`: each source on its own cadence; a failing source is logged and the
scheduler goes on."""

from __future__ import annotations

import datetime as dt
import logging

import duckdb
from apscheduler.schedulers.background import BackgroundScheduler

from cockpit.store import accounts
from commands.schedule import TIMEZONE, add_jobs, refresh_source
from pipelines.ingest.sources import SOURCES
from pipelines.warehouse import current_version
from tests.helpers.cockpits import PASSWORD, make_settings
from tests.helpers.inprocess import app_for


def test_every_source_runs_on_its_own_cron_cadence(tmp_path):
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    add_jobs(scheduler, make_settings(tmp_path))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(SOURCES)
    start = dt.datetime(2026, 3, 2, 0, 0, tzinfo=jobs["hotline"].trigger.timezone)
    # The hotline refreshes daily at 02:00; statistics monthly on the 3rd at 06:00.
    assert (
        jobs["hotline"].trigger.get_next_fire_time(None, start).strftime("%d %H:%M") == "02 02:00"
    )
    assert (
        jobs["statistics"].trigger.get_next_fire_time(None, start).strftime("%d %H:%M")
        == "03 06:00"
    )


def test_a_failing_source_is_logged_and_the_next_one_still_publishes(tmp_path, caplog, drop_demo):
    settings = make_settings(tmp_path)
    drop_demo(settings)
    (settings.inbox / "health" / "损坏.csv").write_bytes(bytes(range(256)) * 4)
    with caplog.at_level(logging.INFO, logger="cockpit.schedule"):
        assert refresh_source(settings, "boundaries") is True
        assert refresh_source(settings, "health") is False
        assert refresh_source(settings, "statistics") is True
    messages = [r.getMessage() for r in caplog.records]
    assert any("refresh health: FAILED" in m and "损坏.csv" in m for m in messages)
    assert any(
        m.startswith("refresh statistics: ok, 1 file(s), 1800 rows loaded") for m in messages
    )
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    statuses = dict(con.execute("SELECT source, last_status FROM meta.source").fetchall())
    con.close()
    assert statuses["health"] == "failed" and statuses["statistics"] == "ok"


def test_a_scheduled_refresh_warms_the_cache_as_cockpit_refresh_does(tmp_path, caplog, drop_demo):
    """The scheduler runs the same steps after a publish as ``cockpit refresh``: the first
    official of the morning opens the top page from the cache, not from the warehouse."""
    settings = make_settings(tmp_path)
    drop_demo(settings)
    with caplog.at_level(logging.INFO, logger="cockpit.schedule"):
        assert refresh_source(settings, "boundaries") is True
        assert refresh_source(settings, "statistics") is True
    messages = [r.getMessage() for r in caplog.records]
    assert any("cache: warmed the top of the tree" in m for m in messages), messages
    kept = set(settings.cache_dir.iterdir())
    assert kept, "the answer cache is empty after a scheduled publish"

    top = duckdb.connect(str(current_version(settings)), read_only=True)
    district = top.execute("SELECT code FROM ind.area WHERE parent_code IS NULL").fetchone()[0]
    top.close()
    accounts.add_user(settings.app_db, "morning", "viewer", district, PASSWORD)
    with app_for(settings) as site:
        official = site.visitor({"name": "morning", "password": PASSWORD})
        signed_in = set(settings.cache_dir.iterdir())
        page = official.get(f"{site.url}/_dash-layout", headers={"Referer": f"{site.url}/"})
        assert page.status_code == 200 and "下城区" in page.text
        # Every answer the top page needed was there already: nothing new was kept.
        assert set(settings.cache_dir.iterdir()) == signed_in
