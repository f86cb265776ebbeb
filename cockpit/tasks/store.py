"""督办: tasks from alerts, dispatched down the area tree, worked there and closed back up
by the data.

The persistence of the loop: each change is one transaction that checks the actor
(``permissions``) and the state (``states.TRANSITIONS``) under a row lock and writes the
task and its ``TaskEvent``. Verification applies ``rules.verdict`` to the published
months; escalation ``rules.escalation_target``. The area tree is passed in: the store
does not read the warehouse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import select

from cockpit.areatree import AreaTree
from cockpit.store import session, utcnow
from cockpit.store.models import Task, TaskEvent
from cockpit.tasks.permissions import (
    SYSTEM,
    Actor,
    TaskError,
    check_act,
    check_dispatch,
    check_forward,
    may_read,
)
from cockpit.tasks.rules import DEFAULT_SLA_DAYS, Month, due_date, escalation_target, verdict
from cockpit.tasks.states import OPEN_STATES, PERSON_ACTIONS, Action, State, after


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
    tree: AreaTree,
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
    check_dispatch(actor, tree, area_code)
    if severity not in sla_days:
        raise TaskError(f"severity must be one of {', '.join(sla_days)}")
    now = now or utcnow()
    with session(url) as s:
        task = Task(
            indicator_id=indicator_id, area_code=area_code, department=department,
            period=period, severity=severity, origin=origin, state=State.DISPATCHED,
            due=due_date(now, severity, sla_days), created=now,
            created_by=actor.name, updated=now,
        )  # fmt: skip
        s.add(task)
        s.flush()
        _event(s, task, actor, Action.CREATE, None, note)
        return task.id


def act(url: str, actor: Actor, task_id: int, action: str, note: str | None = None) -> str:
    """Sign for, report progress on, or mark done the actor's own task; the new state."""
    with session(url) as s:
        task = s.get(Task, task_id, with_for_update=True)
        if task is None:
            raise TaskError(f"no task {task_id}")
        check_act(actor, task_id, task.area_code)
        if action not in PERSON_ACTIONS or (new := after(task.state, action)) is None:
            raise TaskError(f"task {task_id} is {task.state}: cannot {action}")
        before, task.state, task.updated = task.state, new, utcnow()
        _event(s, task, actor, action, before, note)
        return new


def forward(url: str, actor: Actor, tree: AreaTree, task_id: int, to: str, note: str) -> int:
    """A street passes its signed task to one of its communities, as a sub-task."""
    with session(url) as s:
        task = s.get(Task, task_id, with_for_update=True)
        if task is None:
            raise TaskError(f"no task {task_id}")
        check_act(actor, task_id, task.area_code)
        check_forward(tree, task.area_code, to)
        forwarded = after(task.state, Action.FORWARD)
        if forwarded is None:
            raise TaskError(f"task {task_id} is {task.state}: cannot forward")
        now = utcnow()
        child = Task(
            parent_id=task.id, indicator_id=task.indicator_id, area_code=to,
            department=task.department, period=task.period, severity=task.severity,
            origin=task.origin, state=State.DISPATCHED, due=task.due, created=now,
            created_by=actor.name, updated=now,
        )  # fmt: skip
        s.add(child)
        before, task.state, task.updated = task.state, forwarded, now
        s.flush()
        _event(s, task, actor, Action.FORWARD, before, f"→ {to}: {note}")
        _event(s, child, actor, Action.CREATE, None, note)
        return child.id


# (indicator, area) → its published months, oldest first: (period, status, value).
Judge = Mapping[tuple[str, str], Sequence[Month]]


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
        done = select(Task).where(Task.state == State.DONE).with_for_update()
        for task in s.scalars(done):
            months_after = months.get((task.indicator_id, task.area_code), ())
            judged = verdict(task.period, months_after, required.get(task.indicator_id, 1))
            if judged is None:
                continue
            new, reason = judged
            action = Action.VERIFY if new == State.VERIFIED else Action.REOPEN
            before, task.state, task.updated = task.state, after(task.state, action), utcnow()
            _event(s, task, SYSTEM, action, before, reason)
            changed.append((task.id, str(new), reason))
    return changed


def escalate_overdue(
    url: str, tree: AreaTree, now: dt.datetime | None = None
) -> list[tuple[int, str]]:
    """Open tasks past their due date go one level up (once). Returns (task, to)."""
    now = now or utcnow()
    escalated = []
    with session(url) as s:
        due = select(Task).where(
            Task.state.in_(OPEN_STATES), Task.due < now, Task.escalated_to.is_(None)
        )
        for task in s.scalars(due.with_for_update()):
            above = escalation_target(tree, task.area_code)
            if not above:
                continue
            task.escalated_to, task.updated = above, now
            _event(
                s,
                task,
                SYSTEM,
                Action.ESCALATE,
                task.state,
                f"overdue since {task.due:%Y-%m-%d}; → {above}",
            )
            escalated.append((task.id, above))
    return escalated


def visible(url: str, actor: Actor, tree: AreaTree, state: str | None = None) -> list[Task]:
    """The tasks the actor may read, newest first; escalated ones also to the level above."""
    with session(url) as s:
        query = select(Task).order_by(Task.created.desc(), Task.id.desc())
        if state:
            query = query.where(Task.state == state)
        return [
            t for t in s.scalars(query)
            if may_read(actor, tree, t.area_code, t.escalated_to)
        ]  # fmt: skip


def done_since(url: str, task_ids: list[int], since: dt.datetime) -> set[int]:
    """Which of these tasks were marked done at or after ``since``."""
    if not task_ids:
        return set()
    with session(url) as s:
        return set(
            s.scalars(
                select(TaskEvent.task_id).where(
                    TaskEvent.task_id.in_(task_ids), TaskEvent.action == Action.DONE,
                    TaskEvent.at >= since,
                )
            )
        )  # fmt: skip


def done_sub_tasks(url: str) -> list[dict]:
    """The (indicator, area, period) of every forwarded sub-task marked done."""
    with session(url) as s:
        rows = s.execute(
            select(Task.indicator_id, Task.area_code, Task.period).where(
                Task.parent_id.is_not(None), Task.state == State.DONE
            )
        ).all()
    return [{"indicator_id": i, "area_code": a, "period": p} for i, a, p in rows]


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
