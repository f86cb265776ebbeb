"""督办 task states and actions, and every transition between them, in one table."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DISPATCHED = "dispatched"  # 立案, 派遣: sent to the street or community responsible
    SIGNED = "signed"  # 签收: the responsible level has taken it on
    FORWARDED = "forwarded"  # 派遣 down: a street has passed it to one of its communities
    DONE = "done"  # 处置, 反馈: marked done (办结), waiting for the data to confirm it
    VERIFIED = "verified"  # 核查结案: a later month's value is back within its threshold
    REOPENED = "reopened"  # the later value is not: back to the responsible level


class Action(StrEnum):
    CREATE = "create"
    SIGN = "sign"
    FORWARD = "forward"
    PROGRESS = "progress"
    DONE = "done"
    VERIFY = "verify"
    REOPEN = "reopen"
    ESCALATE = "escalate"


# Every transition: (state, action) → the state it leads to. People take the first seven
# on their own tasks; the refresh takes verify and reopen from the data. Escalation moves
# no state (it adds the level above as a reader), and creation has no state before it.
TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.DISPATCHED, Action.SIGN): State.SIGNED,
    (State.REOPENED, Action.SIGN): State.SIGNED,
    (State.SIGNED, Action.FORWARD): State.FORWARDED,
    (State.SIGNED, Action.PROGRESS): State.SIGNED,
    (State.FORWARDED, Action.PROGRESS): State.FORWARDED,
    (State.SIGNED, Action.DONE): State.DONE,
    (State.FORWARDED, Action.DONE): State.DONE,
    (State.DONE, Action.VERIFY): State.VERIFIED,
    (State.DONE, Action.REOPEN): State.REOPENED,
}
# What a person may do from the task page (the rest are the system's).
PERSON_ACTIONS = (Action.SIGN, Action.PROGRESS, Action.DONE)

TASK_STATES: tuple[str, ...] = tuple(State)
CLOSED_STATES: tuple[str, ...] = (State.DONE, State.VERIFIED)
OPEN_STATES: tuple[str, ...] = tuple(s for s in State if s not in CLOSED_STATES)


def after(state: str, action: str) -> State | None:
    """The state ``action`` leads to from ``state``; None when it is not allowed."""
    try:
        return TRANSITIONS.get((State(state), Action(action)))
    except ValueError:
        return None
