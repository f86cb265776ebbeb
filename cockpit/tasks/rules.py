"""The rules of the 督办 loop that the data and the clock apply: deadlines, the verdict
of the published months on a task marked done, and where an overdue task escalates.
Pure functions; ``store`` applies them to the saved tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from cockpit.areatree import AreaTree
from cockpit.tasks.states import State

# Days from creation to due date, by severity, unless the indicator sets its own.
DEFAULT_SLA_DAYS = {"red": 7, "amber": 14}

Month = tuple[str, str | None, float | None]  # (period, status, value)


def severity_of(status: str | None) -> str:
    """A task's severity from its alert: red when the area is red; amber otherwise, for
    an amber area and for an early warning of one not yet red (预计转红)."""
    return "red" if status == "red" else "amber"


def due_date(created: dt.datetime, severity: str, sla_days: Mapping[str, int]) -> dt.datetime:
    return created + dt.timedelta(days=sla_days[severity])


def verdict(task_period: str, months: Sequence[Month], need: int = 1) -> tuple[State, str] | None:
    """What the months published after a done task's own say of it: reopened, with the
    reason, when the newest is not green; verified when the newest ``need`` (at least 1)
    are all green; None while it waits for more data."""
    newer = [m for m in months if m[0] > task_period]
    if not newer:
        return None  # no newer month yet: wait for the data
    period, status, value = newer[-1]
    shown = "-" if value is None else f"{value:.4g}"
    need = max(1, need)
    greens = 0
    for _period, month_status, _value in reversed(newer):
        if month_status != "green":
            break
        greens += 1
    if status != "green":
        return State.REOPENED, f"{period}: {shown}, still {status or 'not judged'}"
    if greens >= need:
        months_text = f" for {need} months" if need > 1 else ""
        return State.VERIFIED, f"{period}: {shown}, back within its threshold{months_text}"
    return None  # green, but not yet for as many months as the layer asks


def escalation_target(tree: AreaTree, area_code: str) -> str | None:
    """An overdue task goes one level up, once."""
    return tree.parent(area_code)
