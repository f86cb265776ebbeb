"""督办 tasks in the application database (SQLite and PostgreSQL): each level acts only on
its own tasks, a street forwards to its communities, the data verifies or reopens, an
overdue task escalates, and every transition is kept, unchangeably."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from cockpit.areatree import AreaTree
from cockpit.store import engine, migrate
from cockpit.tasks.store import (
    Actor,
    TaskError,
    act,
    create,
    escalate_overdue,
    forward,
    history,
    verify,
    visible,
)
from tests.helpers.cockpits import run_cockpit

DISTRICT, STREET, OTHER_STREET = "330103000000", "330103001000", "330103002000"
COMMUNITY = "330103001051"
TREE = AreaTree({
    DISTRICT: None, STREET: DISTRICT, OTHER_STREET: DISTRICT,
    COMMUNITY: STREET, "330103002051": OTHER_STREET,
})  # fmt: skip
DISTRICT_USER = Actor("qu", DISTRICT, role="handler")
STREET_USER = Actor("jiedao", STREET, role="handler")
COMMUNITY_USER = Actor("shequ", COMMUNITY, role="handler")
INTRUDER = Actor("other", OTHER_STREET, role="handler")
KEY = ("hotline_closed_48h", COMMUNITY)


@pytest.fixture
def url(db_url):
    migrate(db_url)
    return db_url


def _task(url, area=STREET, severity="red", now=None) -> int:
    return create(
        url, DISTRICT_USER, TREE, indicator_id=KEY[0], area_code=area, period="2019-12",
        severity=severity, department="hotline", note="请核查", now=now,
    )  # fmt: skip


def test_the_whole_loop_down_the_tree_and_back_by_the_data(url):
    task = _task(url)
    assert act(url, STREET_USER, task, "sign", "已签收") == "signed"
    sub = forward(url, STREET_USER, TREE, task, COMMUNITY, "请社区处置")
    assert act(url, COMMUNITY_USER, sub, "sign") == "signed"
    assert act(url, COMMUNITY_USER, sub, "progress", "已约谈物业") == "signed"
    assert act(url, COMMUNITY_USER, sub, "done", "已整改") == "done"
    # No newer month yet: verification waits.
    december = ("2019-12", "red", 60.0)
    assert verify(url, {KEY: [december]}) == []
    # January is still red: reopened, with the reason.
    [(tid, state, why)] = verify(url, {KEY: [december, ("2020-01", "red", 61.0)]})
    assert (tid, state) == (sub, "reopened") and "still red" in why and "2020-01" in why
    act(url, COMMUNITY_USER, sub, "sign")
    act(url, COMMUNITY_USER, sub, "done", "再次整改")
    [(tid, state, why)] = verify(
        url, {KEY: [december, ("2020-01", "red", 61.0), ("2020-02", "green", 75.0)]}
    )
    assert (tid, state) == (sub, "verified") and "back within its threshold" in why
    steps = [(e.actor, e.action, e.from_state, e.to_state) for e in history(url, sub)]
    assert steps == [
        ("jiedao", "create", None, "dispatched"),
        ("shequ", "sign", "dispatched", "signed"),
        ("shequ", "progress", "signed", "signed"),
        ("shequ", "done", "signed", "done"),
        ("system", "reopen", "done", "reopened"),
        ("shequ", "sign", "reopened", "signed"),
        ("shequ", "done", "signed", "done"),
        ("system", "verify", "done", "verified"),
    ]
    assert [e.action for e in history(url, task)] == ["create", "sign", "forward"]


def test_a_layer_may_ask_for_more_green_months_before_it_verifies(url):
    task = _task(url, area=COMMUNITY)
    act(url, COMMUNITY_USER, task, "sign")
    act(url, COMMUNITY_USER, task, "done")
    need = {KEY[0]: 2}
    one = [("2020-01", "green", 72.0)]
    assert verify(url, {KEY: one}, need) == []  # one green month: not yet
    [(_, state, why)] = verify(url, {KEY: [*one, ("2020-02", "green", 74.0)]}, need)
    assert state == "verified" and why.endswith("for 2 months")
    # Another: green, then red again before the second month: reopened.
    again = _task(url, area=COMMUNITY)
    act(url, COMMUNITY_USER, again, "sign")
    act(url, COMMUNITY_USER, again, "done")
    [(_, state, why)] = verify(url, {KEY: [*one, ("2020-02", "red", 50.0)]}, need)
    assert (state, why) == ("reopened", "2020-02: 50, still red")


def test_each_level_acts_only_on_its_own_tasks(url):
    task = _task(url)
    for who, action in ((INTRUDER, "sign"), (DISTRICT_USER, "sign"), (COMMUNITY_USER, "sign")):
        with pytest.raises(TaskError):
            act(url, who, task, action)
    with pytest.raises(TaskError, match="read-only"):
        act(url, Actor("wall", STREET, read_only=True), task, "sign")
    with pytest.raises(TaskError, match="cannot dispatch"):
        create(url, STREET_USER, TREE, indicator_id=KEY[0], area_code=OTHER_STREET,
               period="2019-12", severity="red")  # fmt: skip
    act(url, STREET_USER, task, "sign")
    with pytest.raises(TaskError, match="not under"):
        forward(url, STREET_USER, TREE, task, "330103002051", "not mine")
    with pytest.raises(TaskError, match="cannot done"):
        act(url, STREET_USER, _task(url), "done")  # not signed for yet
    # Who may read: the area itself and everything above it; not a sibling street.
    assert [t.id for t in visible(url, INTRUDER, TREE)] == []
    assert {t.id for t in visible(url, STREET_USER, TREE)} == {t.id for t in visible(
        url, DISTRICT_USER, TREE)}  # fmt: skip


def test_an_overdue_task_escalates_once_to_the_level_above(url):
    created = dt.datetime(2020, 1, 2, 9)
    late = _task(url, area=COMMUNITY, severity="red", now=created)
    fine = _task(url, area=COMMUNITY, severity="amber", now=created)
    assert escalate_overdue(url, TREE, created + dt.timedelta(days=6)) == []
    assert escalate_overdue(url, TREE, created + dt.timedelta(days=8)) == [(late, STREET)]
    assert escalate_overdue(url, TREE, created + dt.timedelta(days=9)) == []  # once
    # The street now sees it among its own; the amber one is within its 14 days.
    assert late in {t.id for t in visible(url, STREET_USER, TREE)}
    assert [e.action for e in history(url, late)][-1] == "escalate"
    assert [e.action for e in history(url, fine)] == ["create"]


def test_a_tasks_history_cannot_be_changed(url):
    _task(url)
    with engine(url).connect() as con, pytest.raises(Exception, match="append-only"):
        con.execute(text("UPDATE task_event SET note = 'rewritten'"))
    with engine(url).connect() as con, pytest.raises(Exception, match="append-only"):
        con.execute(text("DELETE FROM task_event"))


def test_cli_lists_shows_and_escalates(demo, tmp_path):
    settings = demo.with_overrides(app_db=f"sqlite:///{tmp_path / 'tasks.db'}")
    migrate(settings.app_db)
    task = create(
        settings.app_db, DISTRICT_USER, TREE, indicator_id=KEY[0], area_code=COMMUNITY,
        period="2019-11", severity="red", now=dt.datetime(2020, 1, 2),
    )  # fmt: skip

    def cockpit(*args: str) -> str:
        done = run_cockpit(settings, "tasks", *args)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert f"{task:>5} dispatched {COMMUNITY}" in cockpit("list")
    out = cockpit("escalate", "--now", "2020-01-20T00:00:00")
    assert f"task {task}: overdue, escalated to {STREET}" in out
    assert "OVERDUE" in cockpit("list", "--state", "dispatched")
    shown = cockpit("show", str(task))
    assert "escalate" in shown and f"escalated to {STREET}" in shown
