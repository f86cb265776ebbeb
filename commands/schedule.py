"""``cockpit schedule``: refresh each source on its own cron cadence; after each publish,
the same steps as ``cockpit refresh`` (``after_publish``: audit, the 督办 loop, the cache).

Jobs run one at a time (a refresh holds the warehouse lock anyway), each run is logged,
and a failing source is logged and retried at its next time; the scheduler goes on.
"""

from __future__ import annotations

import logging

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from cockpit.settings import Settings
from commands.after_publish import after_publish, audit
from pipelines.ingest.sources import SOURCES
from pipelines.layers.engine import ConsistencyError
from pipelines.publish.refresh import run_refresh
from pipelines.warehouse import RefreshBusy

TIMEZONE = "Asia/Shanghai"
log = logging.getLogger("cockpit.schedule")


def refresh_source(settings: Settings, source_id: str) -> bool:
    """One scheduled run; True when the source published. Never raises."""
    log.info("refresh %s: starting", source_id)
    try:
        report = run_refresh(settings, [source_id], echo=lambda line: log.info("  %s", line))
    except (RefreshBusy, ConsistencyError) as exc:
        log.error("refresh %s: nothing published: %s", source_id, exc)
        return False
    except Exception:
        log.exception("refresh %s: crashed; the last good warehouse stays served", source_id)
        return False
    files = [f for f in report.files if f.source == source_id]
    detail = {"source": source_id, "published": str(report.published)}
    if source_id in report.failed_sources:
        audit(settings, "failed", detail, log.error)
        reasons = "; ".join(f.message for f in files if f.status == "failed")
        log.error("refresh %s: FAILED: %s", source_id, reasons)
        return False
    after_publish(settings, "ok", detail, lambda line: log.info("  %s", line), log.error)
    loaded = sum(f.rows_loaded for f in files)
    rejected = sum(f.rows_rejected for f in files)
    log.info(
        "refresh %s: ok, %d file(s), %d rows loaded, %d rejected",
        source_id,
        len(files),
        loaded,
        rejected,
    )
    return True


def add_jobs(scheduler: BaseScheduler, settings: Settings) -> None:
    for source in SOURCES.values():
        scheduler.add_job(
            refresh_source,
            CronTrigger.from_crontab(source.cadence, timezone=TIMEZONE),
            args=[settings, source.id],
            id=source.id,
            name=f"refresh {source.id}",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )


def run_schedule(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    scheduler = BlockingScheduler(
        timezone=TIMEZONE, executors={"default": ThreadPoolExecutor(max_workers=1)}
    )
    add_jobs(scheduler, settings)
    for job in scheduler.get_jobs():
        log.info("%s: cron %s", job.name, SOURCES[job.id].cadence)
    scheduler.start()
