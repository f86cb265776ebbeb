"""After each publish, the 督办 loop's part that belongs to the data: done tasks are
verified or reopened by the newest month, and overdue tasks escalate one level up."""

from __future__ import annotations

import datetime as dt

import duckdb
from sqlalchemy.exc import SQLAlchemyError

from cockpit import notify
from cockpit.settings import Settings, SettingsError
from cockpit.store import migrate
from cockpit.store.tasks import escalate_overdue, verify
from pipelines.warehouse import DUCKDB_CONFIG, current_version

_LATEST = """
SELECT indicator_id, area_code, period, status, value FROM ind.indicator_value
QUALIFY row_number() OVER (PARTITION BY indicator_id, area_code ORDER BY period DESC) = 1
"""


def close_the_loop(settings: Settings, now: dt.datetime | None = None) -> list[str]:
    """Verify, reopen and escalate against the served warehouse; lines saying what changed."""
    served = current_version(settings)
    if served is None:
        return []
    con = duckdb.connect(str(served), read_only=True, config=DUCKDB_CONFIG)
    try:
        latest = {(i, a): (p, s, v) for i, a, p, s, v in con.execute(_LATEST).fetchall()}
        tree = dict(con.execute("SELECT code, parent_code FROM ind.area").fetchall())
        names = dict(con.execute(
            "SELECT code, name_zh FROM ind.area UNION ALL "
            "SELECT indicator_id, name_zh FROM ind.indicator"
        ).fetchall())  # fmt: skip
    finally:
        con.close()
    try:
        migrate(settings.app_db)
        changed = verify(settings.app_db, latest)
        escalated = escalate_overdue(settings.app_db, tree, now)
    except SQLAlchemyError as exc:
        # The refresh has published; the tasks wait for the next one.
        return [f"tasks: not checked, the application database failed: {exc}"]
    lines = [f"task {t}: {state} ({why})" for t, state, why in changed]
    lines += [f"task {t}: overdue, escalated to {to}" for t, to in escalated]
    events = [(t, "reopened") for t, state, _ in changed if state == "reopened"]
    events += [(t, "overdue") for t, _ in escalated]
    try:
        sent = notify.send(settings, events, tree, names)
    except SettingsError as exc:
        return [*lines, f"notifications: not sent: {exc}"]
    return lines + [f"task {t}: notified {hook}: {outcome}" for t, hook, outcome in sent]
