"""督办's states and actions in one table (``cockpit.tasks.states``): what a person may do
from each state, what only the data may do, and nothing else."""

from __future__ import annotations

from cockpit.tasks.states import (
    CLOSED_STATES,
    OPEN_STATES,
    PERSON_ACTIONS,
    TRANSITIONS,
    Action,
    State,
    after,
)


def test_the_loop_goes_down_the_tree_and_back_up_through_the_data():
    state = State.DISPATCHED
    for action in (Action.SIGN, Action.FORWARD, Action.PROGRESS, Action.DONE):
        state = after(state, action)
    assert state == State.DONE
    assert after(State.DONE, Action.REOPEN) == State.REOPENED
    assert after(State.REOPENED, Action.SIGN) == State.SIGNED
    assert after(State.DONE, Action.VERIFY) == State.VERIFIED


def test_nothing_leaves_a_verified_task_and_people_cannot_verify():
    assert [key for key in TRANSITIONS if key[0] == State.VERIFIED] == []
    assert Action.VERIFY not in PERSON_ACTIONS and Action.REOPEN not in PERSON_ACTIONS
    assert after(State.DISPATCHED, Action.DONE) is None
    assert after("dispatched", "sign") == State.SIGNED  # as stored and as posted
    assert after("nonsense", "sign") is None and after("signed", "nonsense") is None


def test_every_state_is_open_or_closed_and_reachable():
    assert set(OPEN_STATES) | set(CLOSED_STATES) == set(State)
    assert not set(OPEN_STATES) & set(CLOSED_STATES)
    reached = {State.DISPATCHED} | set(TRANSITIONS.values())
    assert reached == set(State)
