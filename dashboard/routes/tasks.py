"""督办 in the browser: the forms that create and work tasks, and what the task pages read.

Every change is a POST with the session's CSRF token to one of these endpoints. Who may do
what is decided here, on the server, from the signed-in principal and the published area
tree (``cockpit.tasks.store``): nothing the browser sends names the actor or widens a
scope. A refusal is a 403 with the reason; a kiosk session is read-only.
"""

from __future__ import annotations

from urllib.parse import urlencode

import flask
from flask_limiter import Limiter
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

from cockpit.settings import Settings
from cockpit.tasks import outbox
from cockpit.tasks import store as store
from cockpit.tasks.permissions import TaskError
from cockpit.tasks.states import PERSON_ACTIONS
from dashboard.access import auth
from dashboard.reading import data, insights, warehouse
from dashboard.reading.tasks import actor, app_db
from dashboard.reading.tree import area_tree

_CODE = Regexp(r"^[0-9]{9}[0-9P][0-9]{2}$", message="not an area code")


class NewTaskForm(FlaskForm):
    indicator_id = HiddenField(validators=[DataRequired(), Regexp(r"^[a-z][a-z0-9_]{0,63}$")])
    area_code = HiddenField(validators=[DataRequired(), _CODE])
    period = HiddenField(validators=[DataRequired(), Regexp(r"^\d{4}-\d{2}$")])
    severity = HiddenField(validators=[AnyOf(["red", "amber"])])
    origin = HiddenField(validators=[Optional(), AnyOf(["alert", "forecast", "manual"])])
    note = TextAreaField(validators=[Optional(), Length(max=2000)])
    lang = HiddenField(validators=[Optional(), AnyOf(["zh", "en"])])


class ActForm(FlaskForm):
    action = HiddenField(validators=[AnyOf([str(a) for a in PERSON_ACTIONS])])
    note = TextAreaField(validators=[Optional(), Length(max=2000)])
    lang = HiddenField(validators=[Optional(), AnyOf(["zh", "en"])])


class ForwardForm(FlaskForm):
    to = StringField(validators=[DataRequired(), _CODE])
    note = TextAreaField(validators=[Optional(), Length(max=2000)])
    lang = HiddenField(validators=[Optional(), AnyOf(["zh", "en"])])


def _notify_new(task_id: int, area_code: str, indicator_id: str) -> None:
    """Tell the responsible level's group, through the outbox: a webhook that is slow or
    down (it is retried) never holds up the official who dispatched the task."""
    area = data.area(area_code) or {}
    indicator = data.indicator(indicator_id) or {}
    names = {
        area_code: area.get("name_zh", area_code),
        indicator_id: indicator.get("name_zh", indicator_id),
    }
    outbox.post(warehouse.settings(), [(task_id, "new")], area_tree(), names)


def _task_page(task_id: int, lang: str | None) -> flask.Response:
    query = f"?{urlencode({'lang': lang})}" if lang else ""
    return flask.redirect(f"/tasks/{task_id}{query}", code=303)


def _checked(form: FlaskForm) -> None:
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            raise CSRFError("the form's CSRF token is missing or out of date")
        problems = "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items())
        flask.abort(400, f"the form is incomplete or out of date ({problems})")


def create_task() -> flask.Response:
    form = NewTaskForm()
    _checked(form)
    indicator = data.indicator(form.indicator_id.data)
    if indicator is None:
        flask.abort(400, "no such indicator")
    if form.period.data not in insights.periods():
        flask.abort(400, "no such period published")
    if data.area(form.area_code.data) is None:
        flask.abort(404)
    try:
        task_id = store.create(
            app_db(), actor(), area_tree(),
            indicator_id=form.indicator_id.data, area_code=form.area_code.data,
            period=form.period.data, severity=form.severity.data,
            department=indicator["department"], note=form.note.data,
            origin=form.origin.data or "alert",
            sla_days=data.task_deadlines(form.indicator_id.data),
        )  # fmt: skip
    except TaskError as exc:
        auth.record("denied", area=form.area_code.data, detail={"task": str(exc)})
        flask.abort(403, str(exc))
    auth.record("task_change", area=form.area_code.data, detail={"task": task_id, "do": "create"})
    _notify_new(task_id, form.area_code.data, form.indicator_id.data)
    return _task_page(task_id, form.lang.data)


def act_on_task(task_id: int) -> flask.Response:
    form = ActForm()
    _checked(form)
    try:
        store.act(app_db(), actor(), task_id, form.action.data, form.note.data)
    except TaskError as exc:
        auth.record("denied", detail={"task": task_id, "reason": str(exc)})
        flask.abort(403, str(exc))
    auth.record("task_change", detail={"task": task_id, "do": form.action.data})
    return _task_page(task_id, form.lang.data)


def forward_task(task_id: int) -> flask.Response:
    form = ForwardForm()
    _checked(form)
    try:
        child = store.forward(
            app_db(), actor(), area_tree(), task_id, form.to.data, form.note.data or ""
        )
    except TaskError as exc:
        auth.record("denied", detail={"task": task_id, "reason": str(exc)})
        flask.abort(403, str(exc))
    auth.record("task_change", detail={"task": task_id, "do": "forward", "sub_task": child})
    _notify_new(child, form.to.data, store.get(app_db(), child)[0].indicator_id)
    return _task_page(task_id, form.lang.data)


def _person() -> str:
    who = auth.principal()
    return f"user:{who.name}" if who is not None else flask.request.remote_addr or "-"


def register(server: flask.Flask, limiter: Limiter, settings: Settings) -> None:
    # Dispatches and forwards send notifications: so many an hour per person.
    per_person = limiter.limit(settings.dispatch_rate_limit, key_func=_person)
    server.add_url_rule("/tasks/new", "task_new", per_person(create_task), methods=["POST"])
    server.add_url_rule("/tasks/<int:task_id>/act", "task_act", act_on_task, methods=["POST"])
    server.add_url_rule(
        "/tasks/<int:task_id>/forward", "task_forward", per_person(forward_task),
        methods=["POST"],
    )  # fmt: skip
