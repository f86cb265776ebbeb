"""督办 in the browser: the forms that create and work tasks, and what the task pages read.

Every change is a POST with the session's CSRF token to one of these endpoints. Who may do
what is decided here, on the server, from the signed-in principal and the published area
tree (``cockpit.store.tasks``): nothing the browser sends names the actor or widens a
scope. A refusal is a 403 with the reason; a kiosk session is read-only.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from urllib.parse import urlencode

import flask
from dash import dcc, html
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

from cockpit import notify
from cockpit.store import tasks as store
from cockpit.store import utcnow
from cockpit.store.models import Task, TaskEvent
from dashboard import auth, data
from dashboard.i18n import t

log = logging.getLogger(__name__)
_CODE = Regexp(r"^[0-9]{9}[0-9P][0-9]{2}$", message="not an area code")


class NewTaskForm(FlaskForm):
    indicator_id = HiddenField(validators=[DataRequired(), Regexp(r"^[a-z][a-z0-9_]{0,63}$")])
    area_code = HiddenField(validators=[DataRequired(), _CODE])
    period = HiddenField(validators=[DataRequired(), Regexp(r"^\d{4}-\d{2}$")])
    severity = HiddenField(validators=[AnyOf(["red", "amber"])])
    origin = HiddenField(validators=[Optional(), AnyOf(["alert", "manual"])])
    note = TextAreaField(validators=[Optional(), Length(max=2000)])
    lang = HiddenField(validators=[Optional(), AnyOf(["zh", "en"])])


class ActForm(FlaskForm):
    action = HiddenField(validators=[AnyOf(["sign", "progress", "done"])])
    note = TextAreaField(validators=[Optional(), Length(max=2000)])
    lang = HiddenField(validators=[Optional(), AnyOf(["zh", "en"])])


class ForwardForm(FlaskForm):
    to = StringField(validators=[DataRequired(), _CODE])
    note = TextAreaField(validators=[Optional(), Length(max=2000)])
    lang = HiddenField(validators=[Optional(), AnyOf(["zh", "en"])])


def actor() -> store.Actor:
    who = auth.principal()
    if who is None:
        flask.abort(401, "sign in first")
    return store.Actor(who.name, who.scope, read_only=who.kiosk)


def _url() -> str:
    return data.settings().app_db


def _notify_new(task_id: int, area_code: str, indicator_id: str) -> None:
    """Tell the responsible level's group, in the background: a webhook that is slow or
    down (it is retried) never holds up the official who dispatched the task."""
    settings = data.settings()
    area = data.area(area_code) or {}
    indicator = data.indicator(indicator_id) or {}
    names = {
        area_code: area.get("name_zh", area_code),
        indicator_id: indicator.get("name_zh", indicator_id),
    }
    tree = data.area_tree()
    threading.Thread(
        target=_send_quietly, args=(settings, [(task_id, "new")], tree, names), daemon=True
    ).start()


def _send_quietly(settings, events, tree, names) -> None:
    try:
        notify.send(settings, events, tree, names)
    except Exception:  # noqa: BLE001 - a broken notifier must not touch the request
        log.exception("notifications about %s failed", events)


def _task_page(task_id: int, lang: str | None) -> flask.Response:
    query = f"?{urlencode({'lang': lang})}" if lang else ""
    return flask.redirect(f"/tasks/{task_id}{query}", code=303)


def _checked(form: FlaskForm) -> None:
    if not form.validate_on_submit():
        problems = "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items())
        flask.abort(400, f"the form is incomplete or out of date ({problems})")


def create_task() -> flask.Response:
    form = NewTaskForm()
    _checked(form)
    indicator = data.indicator(form.indicator_id.data)
    if indicator is None:
        flask.abort(400, "no such indicator")
    try:
        task_id = store.create(
            _url(), actor(), data.area_tree(),
            indicator_id=form.indicator_id.data, area_code=form.area_code.data,
            period=form.period.data, severity=form.severity.data,
            department=indicator["department"], note=form.note.data,
            origin=form.origin.data or "alert",
            sla_days=data.task_deadlines(form.indicator_id.data),
        )  # fmt: skip
    except store.TaskError as exc:
        auth.record("denied", area=form.area_code.data, detail={"task": str(exc)})
        flask.abort(403, str(exc))
    auth.record("task_change", area=form.area_code.data, detail={"task": task_id, "do": "create"})
    _notify_new(task_id, form.area_code.data, form.indicator_id.data)
    return _task_page(task_id, form.lang.data)


def act_on_task(task_id: int) -> flask.Response:
    form = ActForm()
    _checked(form)
    try:
        store.act(_url(), actor(), task_id, form.action.data, form.note.data)
    except store.TaskError as exc:
        auth.record("denied", detail={"task": task_id, "reason": str(exc)})
        flask.abort(403, str(exc))
    auth.record("task_change", detail={"task": task_id, "do": form.action.data})
    return _task_page(task_id, form.lang.data)


def forward_task(task_id: int) -> flask.Response:
    form = ForwardForm()
    _checked(form)
    try:
        child = store.forward(
            _url(), actor(), data.area_tree(), task_id, form.to.data, form.note.data or ""
        )
    except store.TaskError as exc:
        auth.record("denied", detail={"task": task_id, "reason": str(exc)})
        flask.abort(403, str(exc))
    auth.record("task_change", detail={"task": task_id, "do": "forward", "sub_task": child})
    _notify_new(child, form.to.data, store.get(_url(), child)[0].indicator_id)
    return _task_page(task_id, form.lang.data)


def may_dispatch(area_code: str) -> bool:
    """Whether the caller may create a task for ``area_code``: a person (not a wall) whose
    scope lies above it."""
    who = auth.principal()
    if who is None or who.kiosk:
        return False
    return who.scope in store.ancestors(data.area_tree(), area_code)


def dispatch_form(row: dict, period: str, lang: str, csrf: str | None = None) -> html.Form:
    """The 督办 button beside an alert: a POST that makes it a task, with ``csrf`` (the
    session's token unless given)."""
    fields = {"indicator_id": row["indicator_id"], "area_code": row["area_code"],
              "period": period, "severity": row["status"], "lang": lang}  # fmt: skip
    return html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=csrf or generate_csrf()),
            *[dcc.Input(type="hidden", name=k, value=v) for k, v in fields.items()],
            html.Button(t("task.dispatch", lang), type="submit", className="dispatch-button"),
        ],
        action="/tasks/new",
        method="POST",
        className="dispatch-form",
    )


def dispatch_targets() -> list[dict]:
    """The areas below the caller's own, which it may send a task to by hand."""
    who = auth.principal()
    if who is None or who.kiosk:
        return []
    tree = data.area_tree()
    below = [code for code in tree if who.scope in store.ancestors(tree, code)]
    return [a for a in (data.area(code) for code in sorted(below)) if a is not None]


def _matters(seen: list[Task]) -> list[Task]:
    """One task per matter: a sub-task forwarded to a community is its parent's matter."""
    ids = {t.id for t in seen}
    return [t for t in seen if t.parent_id not in ids]


def _overdue(task: Task, now: dt.datetime) -> bool:
    return task.state in store.OPEN_STATES and task.due < now


def week_counts(now: dt.datetime | None = None) -> dict[str, int]:
    """The wall's 本周新派 / 办结 / 逾期: tasks of the caller's area and below dispatched in
    the last 7 days, marked done in them, and open past their due date now."""
    now = now or utcnow()
    week = now - dt.timedelta(days=7)
    seen = visible_tasks()
    done = store.done_since(_url(), [t.id for t in seen], week)
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
        "open": sum(1 for t in mine if t.state in store.OPEN_STATES),
        "overdue": sum(1 for t in mine if _overdue(t, now)),
        "done": sum(1 for t in mine if t.state in ("done", "verified")),
    }


def visible_tasks(state: str | None = None) -> list[Task]:
    """The caller's tasks: their area's and everything below it, and those escalated to them."""
    return store.visible(_url(), actor(), data.area_tree(), state)


def readable_task(task_id: int) -> tuple[Task, list[TaskEvent]] | None:
    """A task and its history, if the caller may read it (else None, as if it were not)."""
    with_history = store.get(_url(), task_id)
    if with_history is None:
        return None
    task, events = with_history
    who = actor()
    if not (store.may_read(who, data.area_tree(), task) or task.escalated_to == who.scope):
        return None
    return task, events


def register(server: flask.Flask) -> None:
    server.add_url_rule("/tasks/new", "task_new", create_task, methods=["POST"])
    server.add_url_rule("/tasks/<int:task_id>/act", "task_act", act_on_task, methods=["POST"])
    server.add_url_rule(
        "/tasks/<int:task_id>/forward", "task_forward", forward_task, methods=["POST"]
    )
