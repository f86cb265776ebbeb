"""督办 as the caller may read it: their tasks (their area's, everything below it, and
those escalated to them), the counts the wall and the department pages show, and the
areas they may dispatch to. Who may do what is ``cockpit.tasks.permissions``, decided
from the signed-in principal on the server and the published area tree."""

from __future__ import annotations

import datetime as dt

import flask

from cockpit.store import utcnow
from cockpit.store.models import Task, TaskEvent
from cockpit.tasks import permissions
from cockpit.tasks import store as store
from cockpit.tasks.states import CLOSED_STATES, OPEN_STATES
from dashboard.access import scope
from dashboard.reading import data, warehouse
from dashboard.reading.tree import area_tree


def actor() -> permissions.Actor:
    who = scope.principal()
    if who is None:
        flask.abort(401, "sign in first")
    return permissions.Actor(who.name, who.scope, read_only=who.kiosk, role=who.role)


def app_db() -> str:
    return warehouse.settings().app_db


def may_dispatch(area_code: str) -> bool:
    """Whether the caller may create a task for ``area_code``: a handler (not a wall)
    whose scope lies above it."""
    if scope.principal() is None:
        return False
    return permissions.may_dispatch(actor(), area_tree(), area_code)


def may_work(area_code: str) -> bool:
    """Whether the caller may work a task of ``area_code``: a handler of that area."""
    return scope.principal() is not None and permissions.may_work(actor(), area_code)


def dispatch_targets() -> list[dict]:
    """The areas below the caller's own, which it may send a task to by hand."""
    who = scope.principal()
    if who is None or not actor().may(permissions.DISPATCH):
        return []
    tree = area_tree()
    below = tree.descendants(who.scope)
    return [a for a in (data.area(code) for code in sorted(below)) if a is not None]


def _matters(seen: list[Task]) -> list[Task]:
    """One task per matter: a sub-task forwarded to a community is its parent's matter."""
    ids = {t.id for t in seen}
    return [t for t in seen if t.parent_id not in ids]


def _overdue(task: Task, now: dt.datetime) -> bool:
    return task.state in OPEN_STATES and task.due < now


def week_counts(now: dt.datetime | None = None) -> dict[str, int]:
    """The wall's 本周新派 / 办结 / 逾期: tasks of the caller's area and below dispatched in
    the last 7 days, marked done in them, and open past their due date now."""
    now = now or utcnow()
    week = now - dt.timedelta(days=7)
    seen = visible_tasks()
    done = store.done_since(app_db(), [t.id for t in seen], week)
    # A matter is done this week when it or its community's sub-task was.
    done |= {t.parent_id for t in seen if t.id in done and t.parent_id is not None}
    mine = _matters(seen)
    return {
        "new": sum(1 for t in mine if t.created >= week),
        "done": sum(1 for t in mine if t.id in done),
        "overdue": sum(1 for t in mine if _overdue(t, now)),
    }


def department_counts(department: str, now: dt.datetime | None = None) -> dict[str, int]:
    """督办 on a department's indicators, among the tasks the caller may read: open,
    overdue now, and done (verified or waiting for the data)."""
    now = now or utcnow()
    mine = [t for t in _matters(visible_tasks()) if t.department == department]
    return {
        "open": sum(1 for t in mine if t.state in OPEN_STATES),
        "overdue": sum(1 for t in mine if _overdue(t, now)),
        "done": sum(1 for t in mine if t.state in CLOSED_STATES),
    }


def visible_tasks(state: str | None = None) -> list[Task]:
    """The caller's tasks: their area's and everything below it, and those escalated to them."""
    return store.visible(app_db(), actor(), area_tree(), state)


def readable_task(task_id: int) -> tuple[Task, list[TaskEvent]] | None:
    """A task and its history, if the caller may read it (else None, as if it were not)."""
    with_history = store.get(app_db(), task_id)
    if with_history is None:
        return None
    task, events = with_history
    who = actor()
    if not permissions.may_read(who, area_tree(), task.area_code, task.escalated_to):
        return None
    return task, events
