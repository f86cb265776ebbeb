"""``/tasks`` and ``/tasks/<id>``: the 督办 tasks of the caller's area and below, and one
task with its history and the actions open to the caller."""

from __future__ import annotations

import dash
from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from cockpit.tasks.states import CLOSED_STATES, OPEN_STATES, PERSON_ACTIONS, Action, after
from dashboard import ids
from dashboard.access import auth
from dashboard.drawing import fmt
from dashboard.i18n import pick_lang, t
from dashboard.pages.admin import _shell, forbidden
from dashboard.reading import data, metadata, tasks
from dashboard.reading.tree import area_tree
from dashboard.urls import with_lang


def _names(code: str, lang: str) -> str:
    area = data.area(code)
    return area[f"name_{lang}"] if area else code


def _indicator(indicator_id: str, lang: str) -> str:
    row = data.indicator(indicator_id)
    return row[f"name_{lang}"] if row else indicator_id


def _state(state: str, lang: str) -> html.Span:
    return html.Span(t(f"task.state.{state}", lang), className=f"task-state {state}")


def _row(task, lang: str) -> html.Tr:
    overdue = f" · {t('task.overdue', lang)}" if task.escalated_to else ""
    return html.Tr(
        [
            html.Td(dcc.Link(f"#{task.id}", href=with_lang(f"/tasks/{task.id}", lang))),
            html.Td(_state(task.state, lang)),
            html.Td(_names(task.area_code, lang)),
            html.Td(_indicator(task.indicator_id, lang)),
            html.Td(fmt.period(task.period, lang)),
            html.Td(f"{task.due:%Y-%m-%d}{overdue}"),
        ],
        className="task-row",
    )


def _new_task_form(lang: str) -> html.Details | None:
    """督办 by hand: any area below the caller's, any indicator, for the latest month."""
    targets = tasks.dispatch_targets()
    if not targets:
        return None
    indicators = metadata.dictionary()
    period = data.as_of()["period"]
    fields = [
        html.Label([t("task.col.area", lang), html.Select(
            [html.Option(a[f"name_{lang}"], value=a["code"]) for a in targets],
            name="area_code", id=ids.TASK_NEW_AREA)]),
        html.Label([t("task.col.indicator", lang), html.Select(
            [html.Option(r[f"name_{lang}"], value=r["indicator_id"])
             for r in indicators.to_dict("records")],
            name="indicator_id", id=ids.TASK_NEW_INDICATOR)]),
        html.Label([t("task.col.severity", lang), html.Select(
            [html.Option(t(f"status.{s}", lang), value=s) for s in ("red", "amber")],
            name="severity", id=ids.TASK_NEW_SEVERITY)]),
        dcc.Input(type="hidden", name="period", value=period),
        dcc.Input(type="hidden", name="origin", value="manual"),
        dcc.Textarea(name="note", placeholder=t("task.note", lang), className="task-note"),
    ]  # fmt: skip
    return html.Details(
        [
            html.Summary(t("task.new", lang, period=fmt.period(period, lang))),
            _form("/tasks/new", fields, t("task.dispatch", lang), lang, "task-new"),
        ],
        className="task-new",
    )


def list_layout(lang: str | None = None, state: str | None = None, **_query: str):
    lang = pick_lang(lang)
    who = auth.principal()
    if who is None:
        return forbidden(lang)
    rows = tasks.visible_tasks(state if state in OPEN_STATES + CLOSED_STATES else None)
    body = [
        html.H1(t("task.list.title", lang)),
        _new_task_form(lang),
        html.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(t(f"task.col.{c}", lang))
                            for c in ("id", "state", "area", "indicator", "period", "due")
                        ]
                    )
                ),  # fmt: skip
                html.Tbody([_row(r, lang) for r in rows]),
            ],
            className="admin-table",
            id=ids.TASK_TABLE,
        )
        if rows
        else html.P(t("task.list.none", lang), className="muted"),
    ]
    return _shell(t("task.list.title", lang), lang, "/tasks", body)


def _form(action: str, fields: list, button: str, lang: str, button_id: str) -> html.Form:
    return html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
            dcc.Input(type="hidden", name="lang", value=lang),
            *fields,
            html.Button(button, type="submit", id=button_id),
        ],
        action=action,
        method="POST",
        className="task-form",
    )


def _actions(task, lang: str) -> list:
    """The forms the caller may use on this task now: only its own level works it."""
    who = auth.principal()
    if who is None or not tasks.may_work(task.area_code):
        return []
    note = dcc.Textarea(name="note", placeholder=t("task.note", lang), className="task-note",
                        id=ids.TASK_NOTE)  # fmt: skip
    out = []
    for action in PERSON_ACTIONS:
        if after(task.state, action) is not None:
            out.append(
                _form(
                    f"/tasks/{task.id}/act",
                    [dcc.Input(type="hidden", name="action", value=action), note],
                    t(f"task.do.{action}", lang),
                    lang,
                    f"task-{action}",
                )  # fmt: skip
            )
    if after(task.state, Action.FORWARD) is not None:
        below = [
            (code, _names(code, lang))
            for code in area_tree().children(task.area_code)
            if data.area(code)
        ]
        if below:
            out.append(
                _form(
                    f"/tasks/{task.id}/forward",
                    [
                        html.Select(
                            [html.Option(name, value=code) for code, name in below],
                            name="to",
                            id=ids.TASK_FORWARD_SELECT,
                        ),
                        note,
                    ],
                    t("task.do.forward", lang),
                    lang,
                    "task-forward",
                )  # fmt: skip
            )
    return out


def detail_layout(task_id: str = "", lang: str | None = None, **_query: str):
    lang = pick_lang(lang)
    found = tasks.readable_task(int(task_id)) if task_id.isdigit() else None
    if found is None:
        return html.Div(
            [html.H1(t("task.missing", lang))], className="not-found", id=ids.TASK_MISSING
        )
    task, events = found
    facts = [
        (t("task.col.state", lang), _state(task.state, lang)),
        (t("task.col.area", lang), _names(task.area_code, lang)),
        (t("task.col.indicator", lang), _indicator(task.indicator_id, lang)),
        (t("task.col.period", lang), fmt.period(task.period, lang)),
        (t("task.col.severity", lang), t(f"status.{task.severity}", lang)),
        (t("task.col.due", lang), f"{task.due:%Y-%m-%d}"),
    ]
    if task.escalated_to:
        facts.append((t("task.overdue", lang), _names(task.escalated_to, lang)))
    if task.parent_id:
        facts.append((t("task.parent", lang), dcc.Link(
            f"#{task.parent_id}", href=with_lang(f"/tasks/{task.parent_id}", lang))))  # fmt: skip
    body = [
        html.H1(f"{t('task.title', lang)} #{task.id}", id=ids.TASK_TITLE),
        html.Dl(
            [item for k, v in facts for item in (html.Dt(k), html.Dd(v))], className="task-facts"
        ),
        html.Div(_actions(task, lang), className="task-actions"),
        html.H2(t("task.history", lang)),
        html.Ol(
            [
                html.Li(
                    [
                        html.Span(f"{e.at:%Y-%m-%d %H:%M}", className="task-when"),
                        html.B(e.actor),
                        t(f"task.action.{e.action}", lang),
                        _state(e.to_state, lang),
                        html.Span(e.note or "", className="task-event-note"),
                    ],
                    className="task-event",
                )
                for e in events
            ],
            id=ids.TASK_HISTORY,
        ),
    ]
    return _shell(t("task.title", lang), lang, f"/tasks/{task.id}", body)


dash.register_page("dashboard.pages.tasks", path="/tasks", name="tasks", title="督办",
                   layout=list_layout)  # fmt: skip
dash.register_page("dashboard.pages.task", path_template="/tasks/<task_id>", name="task",
                   title="督办", layout=detail_layout)  # fmt: skip
