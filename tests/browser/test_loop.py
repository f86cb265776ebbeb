"""The whole 督办 loop in a browser, with three officials and a cockpit that refreshes:

1. an alert becomes a task (district);
2. the street signs for it and forwards it to a community;
3. the community marks it done;
4. a refresh whose new month is still red reopens it; done again, a refresh with a green
   month verifies it;
5. with the clock moved on, another task runs overdue and escalates to the street.

The group robots, on loopback, get each notification with a valid signature."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys

import duckdb
import pytest
from sqlalchemy import select

from cockpit import store
from cockpit.store import accounts, session
from cockpit.store.models import Task
from pipelines.publish.refresh import run_refresh
from pipelines.warehouse import current_version
from tests.helpers.browser import TrackedPage, browser_sign_in
from tests.helpers.cockpits import PASSWORD, REPO, make_settings, serve_cockpit, settings_env
from tests.helpers.robot import SECRET, Receiver, valid_signature

pytestmark = pytest.mark.browser

DISTRICT, STREET, COMMUNITY = "330103000000", "330103006000", "330103006056"  # 朝晖, 应家桥
LIFTS = "elevator_maintenance_on_time"


def _lift_month(settings, month: str, on_time: int) -> str:
    """The lift firm's extract for one more month: the first ``on_time`` of 应家桥's lifts
    maintained by the date (every other community's all on time). Returns 应家桥's share,
    as the verification reports it."""
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    lifts = con.execute(
        "SELECT DISTINCT device_id, area_code, lon, lat FROM stg.elevator_month "
        "WHERE period = '2019-12' ORDER BY device_id"
    ).fetchall()
    con.close()
    mine = [lift for lift in lifts if lift[1] == COMMUNITY]
    late = {lift[0] for lift in mine[on_time:]}
    lines = [
        "统计月份,设备注册代码,所在区域代码,经度,纬度,困人报警次数,故障次数,维保次数,维保是否按期"
    ]
    lines += [
        f"{month},{device},{area},{lon},{lat},0,0,1,{'否' if device in late else '是'}"
        for device, area, lon, lat in lifts
    ]
    path = settings.inbox / "elevators" / f"智慧电梯运行月报_{month.replace('-', '')}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return f"{100 * min(on_time, len(mine)) / len(mine):.4g}"


@pytest.fixture(scope="module")
def loop(tmp_path_factory, demo_extracts):
    root = tmp_path_factory.mktemp("loop")
    robot = Receiver()
    hooks = root / "notify.toml"
    hooks.write_text(
        f'[[webhook]]\nname = "朝晖街道工作群"\nurl = "{robot.url}"\n'
        f'secret_env = "COCKPIT_TEST_ROBOT"\nareas = ["{STREET}"]\n',
        encoding="utf-8",
    )
    settings = make_settings(root).with_overrides(
        notify_file=hooks, webhook_hosts="127.0.0.1", webhook_http=True
    )
    shutil.copytree(demo_extracts, settings.inbox)
    assert run_refresh(settings, echo=lambda _l: None).ok
    store.migrate(settings.app_db)
    people = {}
    for who, scope in (("district", DISTRICT), ("street", STREET), ("community", COMMUNITY)):
        accounts.add_user(settings.app_db, f"loop-{who}", "handler", scope, PASSWORD)
        people[who] = {"name": f"loop-{who}", "password": PASSWORD}
    env = {"COCKPIT_NOTIFY_FILE": str(hooks), "COCKPIT_TEST_ROBOT": SECRET,
           "COCKPIT_WEBHOOK_HOSTS": "127.0.0.1", "COCKPIT_WEBHOOK_HTTP": "true"}  # fmt: skip
    with serve_cockpit(settings, **env) as url:
        yield settings, url, people, robot, env
    robot.shutdown()
    robot.server_close()


def _open(browser, url: str, person: dict) -> TrackedPage:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    browser_sign_in(page, url, person)
    return TrackedPage(page)


def _state(page) -> str:
    return page.locator(".task-facts .task-state").inner_text()


def _cli(settings, env, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "commands.cli", *args], cwd=REPO,
        env={**os.environ, **settings_env(settings), **env}, capture_output=True, text=True,
        timeout=300, check=True,
    ).stdout  # fmt: skip


def test_the_whole_loop(loop, browser):
    settings, url, people, robot, env = loop
    district = _open(browser, url, people["district"])
    d = district.page
    # 1. 朝晖's lifts are its first alert (the street's and 应家桥社区's: one problem, led by
    # the street); the district dispatches it to the street.
    d.goto(f"{url}/street/{STREET}")
    street_row = re.compile(r"^朝晖街道( 及其 .+)?$")
    row = d.locator(".alert-row").filter(has=d.locator(".alert-area", has_text=street_row)).first
    assert "电梯" in row.locator(".alert-indicator").inner_text()
    row.locator(".dispatch-button").click()
    d.wait_for_url(re.compile(r".*/tasks/\d+.*"))
    task = int(re.search(r"/tasks/(\d+)", d.url).group(1))

    # 2. The street signs for it and forwards it to 应家桥.
    street = _open(browser, url, people["street"])
    s = street.page
    s.goto(f"{url}/tasks/{task}")
    s.click("#task-sign")
    s.wait_for_selector(".task-facts .task-state:text-is('已签收')")
    s.select_option("#task-forward-select", COMMUNITY)
    s.click("#task-forward")
    s.wait_for_selector(".task-facts .task-state:text-is('已转派')")
    with session(settings.app_db) as db:
        sub = db.scalars(select(Task.id).where(Task.parent_id == task)).one()

    # 3. The community marks it done.
    community = _open(browser, url, people["community"])
    c = community.page
    c.goto(f"{url}/tasks/{sub}")
    c.click("#task-sign")
    c.wait_for_selector(".task-facts .task-state:text-is('已签收')")
    c.click("#task-done")
    c.wait_for_selector(".task-facts .task-state:text-is('已办结，待数据核验')")

    # 4. January is still bad (half the lifts late): the refresh reopens it.
    share = _lift_month(settings, "2020-01", on_time=10)
    out = _cli(settings, env, "refresh", "elevators")
    assert f"task {sub}: reopened (2020-01: {share}, still red)" in out, out
    c.reload()
    c.wait_for_selector(".task-facts .task-state:text-is('核验未通过，已重开')")
    assert f"2020-01: {share}, still red" in c.locator("#task-history").inner_text()
    c.click("#task-sign")
    c.wait_for_selector(".task-facts .task-state:text-is('已签收')")
    c.click("#task-done")
    c.wait_for_selector(".task-facts .task-state:text-is('已办结，待数据核验')")
    # February: every lift on time. The next refresh verifies it.
    _lift_month(settings, "2020-02", on_time=99)
    out = _cli(settings, env, "refresh", "elevators")
    assert f"task {sub}: verified (2020-02: 100, back within its threshold)" in out, out
    c.reload()
    c.wait_for_selector(".task-facts .task-state:text-is('已核验结案')")

    # 5. A task sent straight to the community, left alone; the clock moves 8 days on.
    d.goto(f"{url}/tasks")
    d.click(".task-new summary")
    d.select_option("#task-new-area", COMMUNITY)
    d.select_option("#task-new-indicator", LIFTS)
    d.click("#task-new")
    d.wait_for_url(re.compile(r".*/tasks/\d+.*"))
    left = int(re.search(r"/tasks/(\d+)", d.url).group(1))
    with session(settings.app_db) as db:
        made = db.get(Task, left)
        # The lift layer gives red tasks three days (its sla_days), not the default seven.
        assert (made.severity, made.due - made.created) == ("red", dt.timedelta(days=3))
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%S")
    out = _cli(settings, env, "tasks", "escalate", "--now", later)
    assert f"task {left}: overdue, escalated to {STREET}" in out
    s.goto(f"{url}/tasks/{left}")
    s.wait_for_selector("#task-title")
    assert "逾期上报至" in s.locator(".task-facts").inner_text()

    # Lifts are the market regulator's indicator: its cockpit counts both tasks as open (the
    # street closes its own, forwarded task itself) and, by today's clock, none overdue.
    d.goto(f"{url}/dept/market_supervision")
    d.wait_for_selector("#dept-tasks-open")
    counts = {k: d.locator(f"#dept-tasks-{k} b").inner_text() for k in ("open", "overdue", "done")}
    assert counts == {"open": "2", "overdue": "0", "done": "0"}, counts

    # The street's group heard of each step, signed: two new tasks (the forwarded one and
    # the one left alone; the street's own was new too), the reopening, the overdue one.
    texts = [b["markdown"]["text"] for _q, b in robot.received]
    assert all(valid_signature(q) for q, _b in robot.received)
    assert sum("新派督办任务" in t for t in texts) == 3
    assert sum(f"核验未通过，已重开 #{sub}" in t for t in texts) == 1
    assert sum(f"督办任务逾期 #{left}" in t for t in texts) == 1
    for page in (district, street, community):
        assert page.external_requests() == []
