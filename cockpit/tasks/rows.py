"""督办 tasks as plain rows for the warehouse (``stg.task_snapshot``), so that the loop's
measures (tasks done on time, overdue) are ordinary layers: one row per matter dispatched
from above, with when it was first marked done and whether it was or is late."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select

from cockpit.store import session, utcnow
from cockpit.store.models import Task, TaskEvent
from cockpit.tasks.states import OPEN_STATES, Action


def task_rows(url: str, now: dt.datetime | None = None) -> list[dict]:
    """Every task dispatched from above (not a forwarded sub-task), as plain rows for the
    warehouse: when it was first marked done, and whether it was or is late."""
    now = now or utcnow()
    with session(url) as s:
        done = dict(
            s.execute(
                select(TaskEvent.task_id, func.min(TaskEvent.at))
                .where(TaskEvent.action == Action.DONE)
                .group_by(TaskEvent.task_id)
            ).all()
        )
        tasks = list(s.scalars(select(Task).where(Task.parent_id.is_(None)).order_by(Task.id)))
    # A forwarded task is done when its street marks it so, or when its sub-task is.
    with session(url) as s:
        for child_parent, at in s.execute(
            select(Task.parent_id, func.min(TaskEvent.at))
            .join(TaskEvent, TaskEvent.task_id == Task.id)
            .where(Task.parent_id.is_not(None), TaskEvent.action == Action.DONE)
            .group_by(Task.parent_id)
        ).all():
            done[child_parent] = min(done.get(child_parent, at), at)
    return [
        {
            "task_id": t.id, "area_code": t.area_code, "department": t.department,
            "indicator_id": t.indicator_id, "period": t.period,
            "created_period": f"{t.created:%Y-%m}", "state": t.state, "created": t.created,
            "due": t.due, "closed": done.get(t.id),
            "overdue": (done.get(t.id) or now) > t.due,
        }
        for t in tasks
    ]  # fmt: skip


def open_counts(url: str, now: dt.datetime | None = None) -> dict[str, tuple[int, int]]:
    """Tasks not yet closed, by severity: (open, of them past their due date)."""
    now = now or utcnow()
    with session(url) as s:
        rows = s.execute(
            select(Task.severity, func.count(), func.sum(case((Task.due < now, 1), else_=0)))
            .where(Task.state.in_(OPEN_STATES))
            .group_by(Task.severity)
        ).all()
    return {severity: (int(n), int(late or 0)) for severity, n, late in rows}
