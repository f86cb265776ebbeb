"""The 督办 button beside an alert: a form that POSTs the alert to ``/tasks/new``."""

from __future__ import annotations

from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from cockpit.tasks.rules import severity_of
from dashboard.drawing import fmt
from dashboard.i18n import t
from dashboard.urls import TASK_NEW


def dispatch_form(row: dict, period: str, lang: str, csrf: str | None = None) -> html.Form:
    """The 督办 button beside an alert: a POST that makes it a task, with ``csrf`` (the
    session's token unless given)."""
    # An early warning's task is dispatched before the area turns red: its origin says so.
    origin = "alert" if fmt.missing(row.get("forecast_months")) else "forecast"
    fields = {"indicator_id": row["indicator_id"], "area_code": row["area_code"],
              "period": period, "severity": severity_of(row["status"]), "lang": lang,
              "origin": origin}  # fmt: skip
    return html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=csrf or generate_csrf()),
            *[dcc.Input(type="hidden", name=k, value=v) for k, v in fields.items()],
            html.Button(t("task.dispatch", lang), type="submit", className="dispatch-button"),
        ],
        action=TASK_NEW,
        method="POST",
        className="dispatch-form",
    )
