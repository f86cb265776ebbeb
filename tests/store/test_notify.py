"""督办 notifications in the DingTalk group-robot format, to a receiver on loopback: the
right groups get new, overdue and reopened tasks, signed; a failing robot is retried with
backoff; every delivery is recorded, sent or failed."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from cockpit.settings import SettingsError
from cockpit.store import migrate, session
from cockpit.store.models import Notification
from cockpit.tasks import notify, outbox
from cockpit.tasks.store import Actor, act, create
from pipelines.publish.linkage import close_the_loop
from tests.helpers.cockpits import COMMUNITY, STREET, published_tree
from tests.helpers.robot import SECRET, Receiver, valid_signature


@pytest.fixture
def wired(demo, tmp_path, monkeypatch):
    """The demo's warehouse, an application database of its own, and two robots: the
    street's group (its area and below) and the health department's."""
    street, health = Receiver(), Receiver()
    hooks = tmp_path / "notify.toml"
    hooks.write_text(
        f'[[webhook]]\nname = "长庆街道工作群"\nurl = "{street.url}"\nsecret_env = "TEST_ROBOT"\n'
        f'areas = ["{STREET}"]\n\n'
        f'[[webhook]]\nname = "区卫健局"\nurl = "{health.url}"\ndepartments = ["health"]\n'
        'events = ["overdue"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TEST_ROBOT", SECRET)
    settings = demo.with_overrides(
        app_db=f"sqlite:///{tmp_path / 'app.db'}", notify_file=hooks,
        # The test's robots listen on this machine, over plain http.
        webhook_hosts="127.0.0.1", webhook_http=True,
        public_url="https://cockpit.example.gov.cn",
    )  # fmt: skip
    migrate(settings.app_db)
    yield settings, street, health
    for robot in (street, health):
        robot.shutdown()
        robot.server_close()


def _records(settings) -> list[tuple]:
    with session(settings.app_db) as s:
        rows = s.scalars(select(Notification).order_by(Notification.id))
        return [(n.task_id, n.event, n.hook, n.attempts, n.outcome) for n in rows]


def test_a_new_task_reaches_its_group_signed_and_readable(wired, demo):
    settings, street, health = wired
    tree = published_tree(demo)
    district = Actor("qu", "330103000000", role="handler")
    task = create(settings.app_db, district, tree, indicator_id="clinic_visits",
                  area_code=COMMUNITY, period="2019-12", severity="red",
                  department="health")  # fmt: skip
    sent = notify.send(settings, [(task, "new")], tree, {COMMUNITY: "浙大御跸社区",
                                                       "clinic_visits": "社区门诊人次"})  # fmt: skip
    # The street's group (its area holds the community); the department wants overdue only.
    assert sent == [(task, "长庆街道工作群", "sent")]
    [(query, body)] = street.received
    assert health.received == []
    assert valid_signature(query)
    assert body["msgtype"] == "markdown"
    text = body["markdown"]["text"]
    assert f"新派督办任务 #{task}" in text and "浙大御跸社区" in text and "社区门诊人次" in text
    assert f"https://cockpit.example.gov.cn/tasks/{task}" in text
    assert _records(settings) == [(task, "new", "长庆街道工作群", 1, "sent")]


def test_overdue_and_reopened_tasks_notify_after_a_refresh(wired, demo):
    settings, street, health = wired
    tree = published_tree(demo)
    district = Actor("qu", "330103000000", role="handler")
    old = dt.datetime(2019, 1, 1)
    late = create(settings.app_db, district, tree, indicator_id="clinic_visits",
                  area_code=COMMUNITY, period="2019-11", severity="red", department="health",
                  now=old)  # fmt: skip
    worked = create(settings.app_db, district, tree, indicator_id="hotline_closed_48h",
                    area_code=STREET, period="2019-11", severity="red", department="hotline",
                    now=old)  # fmt: skip
    street_user = Actor("jiedao", STREET, role="handler")
    act(settings.app_db, street_user, worked, "sign")
    act(settings.app_db, street_user, worked, "done")
    lines = close_the_loop(settings)
    # The street's rate for 2019-12 decides: verified or reopened; either way a line says so.
    assert any(line.startswith(f"task {worked}: ") for line in lines), lines
    assert f"task {late}: overdue, escalated to {STREET}" in lines
    overdue = [b for _q, b in health.received]
    assert len(overdue) == 1 and "督办任务逾期" in overdue[0]["markdown"]["text"]
    assert any("督办任务逾期" in b["markdown"]["text"] for _q, b in street.received)
    assert all(valid_signature(q) for q, _b in street.received)
    assert (late, "overdue", "区卫健局", 1, "sent") in _records(settings)


def test_a_failing_robot_is_retried_and_a_dead_one_recorded(wired, demo):
    settings, street, _health = wired
    tree = published_tree(demo)
    district = Actor("qu", "330103000000", role="handler")
    task = create(settings.app_db, district, tree, indicator_id="clinic_visits",
                  area_code=STREET, period="2019-12", severity="amber")  # fmt: skip
    street.answers = [502, 503]
    assert notify.send(settings, [(task, "new")], tree, {}) == [(task, "长庆街道工作群", "sent")]
    assert len(street.received) == 3
    street.answers = [500] * notify.ATTEMPTS
    assert notify.send(settings, [(task, "new")], tree, {})[0][2] == "failed"
    assert _records(settings)[-2:] == [
        (task, "new", "长庆街道工作群", 3, "sent"),
        (task, "new", "长庆街道工作群", notify.ATTEMPTS, "failed"),
    ]


def test_a_slow_robot_holds_up_no_dispatch_and_no_thread_per_task(wired, demo):
    """Dispatches hand their notifications to the outbox and return; the outbox sends them
    with a few workers, however many are queued, and every one arrives in the end."""
    settings, street, _health = wired
    tree = published_tree(demo)
    district = Actor("qu", "330103000000", role="handler")
    street.hold.clear()  # the robot takes every message and answers nothing, for now
    tasks = [
        create(
            settings.app_db,
            district,
            tree,
            indicator_id="clinic_visits",
            area_code=STREET,
            period="2019-12",
            severity="amber",
        )  # fmt: skip
        for _ in range(12)
    ]
    for task in tasks:
        outbox.post(settings, [(task, "new")], tree, {})
    # Every dispatch has returned while the robot still holds its first message.
    assert street.arrived.wait(timeout=30) and street.received == []
    senders = [t for t in threading.enumerate() if t.name.startswith("notify")]
    assert 0 < len(senders) <= outbox.WORKERS
    street.hold.set()
    assert outbox.drain(timeout=120)
    assert len(street.received) == len(tasks)
    assert {r[0] for r in _records(settings)} >= set(tasks)


def test_webhooks_go_only_to_listed_hosts_over_https(wired, tmp_path):
    settings, _street, _health = wired
    hooks = tmp_path / "more.toml"
    cases = {
        "https://127.0.0.1:9/robot": "not in webhook_hosts",
        "https://10.0.0.5/robot": "not in webhook_hosts",
        "https://169.254.169.254/latest": "not in webhook_hosts",
        "https://localhost/robot": "not in webhook_hosts",
        "https://example.com/robot": "not in webhook_hosts",
        "http://oapi.dingtalk.com/robot/send": "go over https",
    }
    shipped = settings.with_overrides(notify_file=hooks, webhook_hosts="oapi.dingtalk.com",
                                      webhook_http=False)  # fmt: skip
    for url, reason in cases.items():
        hooks.write_text(f'[[webhook]]\nname = "群"\nurl = "{url}"\nareas = ["{STREET}"]\n')
        with pytest.raises(SettingsError, match=reason):
            notify.webhooks(shipped)
    hooks.write_text(
        '[[webhook]]\nname = "群"\nurl = "https://oapi.dingtalk.com/robot/send?access_token=x"\n'
    )
    assert [h.name for h in notify.webhooks(shipped)] == ["群"]
