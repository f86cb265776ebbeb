"""督办: tasks from alerts, dispatched down the area tree, worked there and closed back up
by the data.

A task belongs to the street or community responsible (``area_code``). Each level acts
only on its own tasks: a user whose scope *is* the task's area signs for it, forwards it
to one of its communities (a sub-task), reports progress and marks it done. Whoever's
scope lies above an area may create tasks for it and read them. Verification is the
data's: after a refresh, a done task whose indicator is back within its threshold in a
later month is verified, and otherwise reopened with the reason. A task past its due
date is escalated to the level above. Every transition is a ``TaskEvent``.

The area tree is passed in (``Tree``): the store does not read the warehouse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from cockpit.store import session, utcnow
from cockpit.store.models import TASK_STATES, Task, TaskEvent

# Days from creation to due date, by severity, unless the indicator sets its own.
DEFAULT_SLA_DAYS = {"red": 7, "amber": 14}
# Which actions each state allows, and the state they lead to.
ALLOWED = {
    ("dispatched", "sign"): "signed",
    ("reopened", "sign"): "signed",
    ("signed", "forward"): "forwarded",
    ("signed", "progress"): "signed",
    ("forwarded", "progress"): "forwarded",
    ("signed", "done"): "done",
    ("forwarded", "done"): "done",
}
OPEN_STATES = tuple(s for s in TASK_STATES if s not in ("done", "verified"))


class TaskError(ValueError):
    """An action the actor may not take, or one the task's state does not allow."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in person (name and scope) or the system (refresh, clock)."""

    name: str
    scope: str
    read_only: bool = False


SYSTEM = Actor("system", "")
Tree = Mapping[str, str | None]  # area code → parent code


def ancestors(tree: Tree, code: str) -> list[str]:
    out, parent = [], tree.get(code)
    while parent:
        out.append(parent)
        parent = tree.get(parent)
    return out


def may_read(actor: Actor, tree: Tree, task: Task) -> bool:
    return actor.scope == task.area_code or actor.scope in ancestors(tree, task.area_code)


def _may_act(actor: Actor, task: Task) -> None:
    if actor.read_only:
        raise TaskError("a read-only session cannot act on tasks")
    if actor.scope != task.area_code:
        raise TaskError(f"task {task.id} belongs to {task.area_code}, not to {actor.scope}")


def _event(s, task: Task, actor: Actor, action: str, before: str | None, note: str | None):
    s.add(
        TaskEvent(
            task_id=task.id, at=utcnow(), actor=actor.name, action=action, from_state=before,
            to_state=task.state, note=(note or "").strip()[:2000] or None,
        )
    )  # fmt: skip


def create(
    url: str,
    actor: Actor,
    tree: Tree,
    *,
    indicator_id: str,
    area_code: str,
    period: str,
    severity: str,
    department: str | None = None,
    origin: str = "alert",
    note: str | None = None,
    sla_days: Mapping[str, int] = DEFAULT_SLA_DAYS,
    now: dt.datetime | None = None,
) -> int:
    """A new task for ``area_code``, dispatched at once; only from a scope above it."""
    if actor.read_only:
        raise TaskError("a read-only session cannot create tasks")
    if area_code not in tree or actor.scope not in ancestors(tree, area_code):
        raise TaskError(f"{actor.scope} cannot dispatch a task to {area_code}")
    if severity not in sla_days:
        raise TaskError(f"severity must be one of {', '.join(sla_days)}")
    now = now or utcnow()
    with session(url) as s:
        task = Task(
            indicator_id=indicator_id, area_code=area_code, department=department,
            period=period, severity=severity, origin=origin, state="dispatched",
            due=now + dt.timedelta(days=sla_days[severity]), created=now,
            created_by=actor.name, updated=now,
        )  # fmt: skip
        s.add(task)
        s.flush()
        _event(s, task, actor, "create", None, note)
        return task.id


def act(url: str, actor: Actor, task_id: int, action: str, note: str | None = None) -> str:
    """Sign for, report progress on, or mark done the actor's own task; the new state."""
    with session(url) as s:
        task = s.get(Task, task_id, with_for_update=True)
        if task is None:
            raise TaskError(f"no task {task_id}")
        _may_act(actor, task)
        after = ALLOWED.get((task.state, action))
        if after is None:
            raise TaskError(f"task {task_id} is {task.state}: cannot {action}")
        before, task.state, task.updated = task.state, after, utcnow()
        _event(s, task, actor, action, before, note)
        return after


def forward(url: str, actor: Actor, tree: Tree, task_id: int, to: str, note: str) -> int:
    """A street passes its signed task to one of its communities, as a sub-task."""
    with session(url) as s:
        task = s.get(Task, task_id, with_for_update=True)
        if task is None:
            raise TaskError(f"no task {task_id}")
        _may_act(actor, task)
        if tree.get(to) != task.area_code:
            raise TaskError(f"{to} is not under {task.area_code}")
        if (task.state, "forward") not in ALLOWED:
            raise TaskError(f"task {task_id} is {task.state}: cannot forward")
        now = utcnow()
        child = Task(
            parent_id=task.id, indicator_id=task.indicator_id, area_code=to,
            department=task.department, period=task.period, severity=task.severity,
            origin=task.origin, state="dispatched", due=task.due, created=now,
            created_by=actor.name, updated=now,
        )  # fmt: skip
        s.add(child)
        before, task.state, task.updated = task.state, "forwarded", now
        s.flush()
        _event(s, task, actor, "forward", before, f"→ {to}: {note}")
        _event(s, child, actor, "create", None, note)
        return child.id


# (indicator, area) → its published months, oldest first: (period, status, value).
Judge = Mapping[tuple[str, str], Sequence[tuple[str, str | None, float | None]]]


def verify(
    url: str, months: Judge, required: Mapping[str, int] | None = None
) -> list[tuple[int, str, str]]:
    """After a refresh, each done task is judged by its (indicator, area)'s months after
    its own: reopened, with the reason, when the newest is not green; verified when the
    newest ``required[indicator]`` of them (1 unless the layer says more) are all green;
    otherwise it waits for more data. Returns (task, new state, reason)."""
    required = required or {}
    changed = []
    with session(url) as s:
        for task in s.scalars(select(Task).where(Task.state == "done").with_for_update()):
            newer = [m for m in months.get((task.indicator_id, task.area_code), ())
                     if m[0] > task.period]  # fmt: skip
            if not newer:
                continue  # no newer month yet: wait for the data
            period, status, value = newer[-1]
            shown = "-" if value is None else f"{value:.4g}"
            need = max(1, required.get(task.indicator_id, 1))
            greens = 0
            for _period, month_status, _value in reversed(newer):
                if month_status != "green":
                    break
                greens += 1
            if status != "green":
                after, reason = "reopened", f"{period}: {shown}, still {status or 'not judged'}"
            elif greens >= need:
                months_text = f" for {need} months" if need > 1 else ""
                after = "verified"
                reason = f"{period}: {shown}, back within its threshold{months_text}"
            else:
                continue  # green, but not yet for as many months as the layer asks
            before, task.state, task.updated = task.state, after, utcnow()
            _event(s, task, SYSTEM, "verify" if after == "verified" else "reopen", before, reason)
            changed.append((task.id, after, reason))
    return changed


def escalate_overdue(url: str, tree: Tree, now: dt.datetime | None = None) -> list[tuple[int, str]]:
    """Open tasks past their due date go one level up (once). Returns (task, to)."""
    now = now or utcnow()
    escalated = []
    with session(url) as s:
        due = select(Task).where(
            Task.state.in_(OPEN_STATES), Task.due < now, Task.escalated_to.is_(None)
        )
        for task in s.scalars(due.with_for_update()):
            above = tree.get(task.area_code)
            if not above:
                continue
            task.escalated_to, task.updated = above, now
            _event(
                s,
                task,
                SYSTEM,
                "escalate",
                task.state,
                f"overdue since {task.due:%Y-%m-%d}; → {above}",
            )
            escalated.append((task.id, above))
    return escalated


def visible(url: str, actor: Actor, tree: Tree, state: str | None = None) -> list[Task]:
    """The tasks the actor may read, newest first; escalated ones also to the level above."""
    with session(url) as s:
        query = select(Task).order_by(Task.created.desc(), Task.id.desc())
        if state:
            query = query.where(Task.state == state)
        return [
            t for t in s.scalars(query)
            if may_read(actor, tree, t) or t.escalated_to == actor.scope
        ]  # fmt: skip


def done_since(url: str, task_ids: list[int], since: dt.datetime) -> set[int]:
    """Which of these tasks were marked done at or after ``since``."""
    if not task_ids:
        return set()
    with session(url) as s:
        return set(
            s.scalars(
                select(TaskEvent.task_id).where(
                    TaskEvent.task_id.in_(task_ids), TaskEvent.action == "done",
                    TaskEvent.at >= since,
                )
            )
        )  # fmt: skip


def done_sub_tasks(url: str) -> list[dict]:
    """The (indicator, area, period) of every forwarded sub-task marked done."""
    with session(url) as s:
        rows = s.execute(
            select(Task.indicator_id, Task.area_code, Task.period).where(
                Task.parent_id.is_not(None), Task.state == "done"
            )
        ).all()
    return [{"indicator_id": i, "area_code": a, "period": p} for i, a, p in rows]


def task_rows(url: str, now: dt.datetime | None = None) -> list[dict]:
    """Every task dispatched from above (not a forwarded sub-task), as plain rows for the
    warehouse: when it was first marked done, and whether it was or is late."""
    now = now or utcnow()
    with session(url) as s:
        done = dict(
            s.execute(
                select(TaskEvent.task_id, func.min(TaskEvent.at))
                .where(TaskEvent.action == "done")
                .group_by(TaskEvent.task_id)
            ).all()
        )
        tasks = list(s.scalars(select(Task).where(Task.parent_id.is_(None)).order_by(Task.id)))
    # A forwarded task is done when its street marks it so, or when its sub-task is.
    with session(url) as s:
        for child_parent, at in s.execute(
            select(Task.parent_id, func.min(TaskEvent.at))
            .join(TaskEvent, TaskEvent.task_id == Task.id)
            .where(Task.parent_id.is_not(None), TaskEvent.action == "done")
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


def get(url: str, task_id: int) -> tuple[Task, list[TaskEvent]] | None:
    """A task and its history, without any check: callers decide who may read it."""
    with session(url) as s:
        task = s.get(Task, task_id)
    return None if task is None else (task, history(url, task_id))


def history(url: str, task_id: int) -> list[TaskEvent]:
    with session(url) as s:
        return list(
            s.scalars(select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id))
        )
