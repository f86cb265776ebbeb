"""The 督办 loop's part that belongs to the data. Before the layers run, a snapshot of the
tasks goes into the warehouse, so that the loop's own measures are ordinary layers (综合
评价). After each publish, done tasks are verified or reopened by the newest month, and
overdue tasks escalate one level up."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
from sqlalchemy.exc import SQLAlchemyError

from cockpit.areatree import AreaTree
from cockpit.settings import Settings, SettingsError
from cockpit.store import migrate
from cockpit.tasks import notify
from cockpit.tasks.rows import task_rows
from cockpit.tasks.states import State
from cockpit.tasks.store import done_sub_tasks, escalate_overdue, verify
from pipelines.warehouse import DUCKDB_CONFIG, current_version

# The months a done task is judged by: those of its (indicator, area), oldest first.
_MONTHS = """
SELECT v.indicator_id, v.area_code, v.period, v.status, v.value
FROM ind.indicator_value v
JOIN (SELECT DISTINCT indicator_id, area_code, period FROM _done) d
  ON d.indicator_id = v.indicator_id AND d.area_code = v.area_code AND v.period > d.period
ORDER BY v.indicator_id, v.area_code, v.period
"""


SNAPSHOT_DDL = """
CREATE OR REPLACE TABLE stg.task_snapshot (
    task_id INTEGER, area_code VARCHAR, street_code VARCHAR, department VARCHAR,
    indicator_id VARCHAR, period VARCHAR, created_period VARCHAR, state VARCHAR,
    created TIMESTAMP, due TIMESTAMP, closed TIMESTAMP, overdue BOOLEAN
)
"""


def publish_task_snapshot(con: duckdb.DuckDBPyConnection, settings: Settings) -> str:
    """``stg.task_snapshot``: every task dispatched from above (a street's forwarding to
    its community is the same matter, counted once), with the street it belongs to, when
    it was first marked done and whether it ran late. Returns a line for the log."""
    try:
        migrate(settings.app_db)
        rows = task_rows(settings.app_db)
    except SQLAlchemyError as exc:
        return f"tasks: snapshot kept from the last refresh, the application database failed: {exc}"
    tree = _tree(con)
    con.execute(SNAPSHOT_DDL)
    frame = pd.DataFrame(
        [
            {**r, "street_code": tree.nearest(r["area_code"], "street")}
            for r in rows
        ],
        columns=["task_id", "area_code", "street_code", "department", "indicator_id", "period",
                 "created_period", "state", "created", "due", "closed", "overdue"],
    )  # fmt: skip
    con.register("_tasks", frame)
    try:
        con.execute("INSERT INTO stg.task_snapshot BY NAME SELECT * FROM _tasks")
    finally:
        con.unregister("_tasks")
    return f"tasks: {len(frame)} in the snapshot"


def _tree(con: duckdb.DuckDBPyConnection) -> AreaTree:
    return AreaTree.from_rows(
        con.execute("SELECT code, parent_code, level FROM ind.area").fetchall()
    )


def _months_of_done_tasks(served, settings: Settings) -> tuple[dict, dict]:
    """The published months after each done task's own, and each indicator's
    ``verify_months``: all verification needs, read once."""
    done = [
        {"indicator_id": r["indicator_id"], "area_code": r["area_code"], "period": r["period"]}
        for r in task_rows(settings.app_db)
        if r["state"] == State.DONE
    ] + done_sub_tasks(settings.app_db)
    con = duckdb.connect(str(served), read_only=True, config=DUCKDB_CONFIG)
    try:
        required = dict(
            con.execute("SELECT indicator_id, verify_months FROM ind.indicator").fetchall()
        )
        if not done:
            return {}, required
        con.register("_done", pd.DataFrame(done, columns=["indicator_id", "area_code", "period"]))
        months: dict[tuple[str, str], list] = {}
        for i, a, p, s, v in con.execute(_MONTHS).fetchall():
            months.setdefault((i, a), []).append((p, s, v))
        return months, required
    finally:
        con.close()


def close_the_loop(settings: Settings, now: dt.datetime | None = None) -> list[str]:
    """Verify, reopen and escalate against the served warehouse; lines saying what changed."""
    served = current_version(settings)
    if served is None:
        return []
    con = duckdb.connect(str(served), read_only=True, config=DUCKDB_CONFIG)
    try:
        tree = _tree(con)
        names = dict(con.execute(
            "SELECT code, name_zh FROM ind.area UNION ALL "
            "SELECT indicator_id, name_zh FROM ind.indicator"
        ).fetchall())  # fmt: skip
    finally:
        con.close()
    try:
        migrate(settings.app_db)
        months, required = _months_of_done_tasks(served, settings)
        changed = verify(settings.app_db, months, required)
        escalated = escalate_overdue(settings.app_db, tree, now)
    except SQLAlchemyError as exc:
        # The refresh has published; the tasks wait for the next one.
        return [f"tasks: not checked, the application database failed: {exc}"]
    lines = [f"task {t}: {state} ({why})" for t, state, why in changed]
    lines += [f"task {t}: overdue, escalated to {to}" for t, to in escalated]
    events = [(t, "reopened") for t, state, _ in changed if state == State.REOPENED]
    events += [(t, "overdue") for t, _ in escalated]
    try:
        sent = notify.send(settings, events, tree, names)
    except SettingsError as exc:
        return [*lines, f"notifications: not sent: {exc}"]
    return lines + [f"task {t}: notified {hook}: {outcome}" for t, hook, outcome in sent]
