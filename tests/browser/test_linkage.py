"""三级联动 in the browser: the district dispatches an alert to a street, the street signs
for it and forwards it to a community, the community works it and marks it done; each
level sees and acts on its own tasks only, and a forged request is refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from cockpit.store import accounts, session
from cockpit.store.models import Task
from cockpit.tasks.store import Actor
from cockpit.tasks.store import visible as store_visible
from tests.helpers.client import Cockpit
from tests.helpers.cockpits import COMMUNITY, PASSWORD, STREET, csrf_token, published_tree, sign_in

pytestmark = pytest.mark.browser


def _task_id(page) -> int:
    page.wait_for_url(re.compile(r".*/tasks/\d+.*"))
    return int(re.search(r"/tasks/(\d+)", page.url).group(1))


def _state(page) -> str:
    return page.locator(".task-facts .task-state").inner_text()


def test_an_alert_goes_down_the_tree_and_back_up(server, people, demo, as_person, wh):
    district = as_person(server, people["district"])
    page = district.page
    page.goto(f"{server}/street/{STREET}")
    # The street's page leads with its first problem (this month one of its communities'),
    # and the district hands the matter to the street itself, to work through its
    # communities (dispatching straight from an alert row: tests/browser/test_loop.py).
    first = page.locator(".alert-row .alert-item").first
    indicator = first.locator(".alert-indicator").inner_text()
    indicator_id = re.search(r"indicator=([a-z0-9_]+)", first.get_attribute("href")).group(1)
    page.goto(f"{server}/tasks")
    page.click(".task-new summary")
    page.select_option("#task-new-area", STREET)
    page.select_option("#task-new-indicator", indicator_id)
    page.select_option("#task-new-severity", "amber")
    page.click("#task-new")
    task = _task_id(page)
    assert _state(page) == "已派遣"
    assert indicator in page.locator(".task-facts").inner_text()

    street = as_person(server, people["street"])
    s = street.page
    s.goto(f"{server}/tasks")
    s.click(f"#task-table a:text-is('#{task}')")
    s.wait_for_selector("#task-sign")
    s.click("#task-sign")
    s.wait_for_selector(".task-facts .task-state:text-is('已签收')")
    s.select_option("#task-forward-select", COMMUNITY)
    s.click("#task-forward")
    s.wait_for_selector(".task-facts .task-state:text-is('已转派')")
    with session(demo.app_db) as db:
        sub = db.scalars(select(Task.id).where(Task.parent_id == task)).one()

    community = as_person(server, people["community"])
    c = community.page
    c.goto(f"{server}/tasks/{sub}")
    c.click("#task-sign")
    c.wait_for_selector(".task-facts .task-state:text-is('已签收')")
    c.locator("form:has(#task-done) textarea").fill("已约谈物业，完成整改")
    c.click("#task-done")
    c.wait_for_selector(".task-facts .task-state:text-is('已办结，待数据核验')")
    actors = c.locator("#task-history .task-event b").all_inner_texts()
    assert actors == ["test-street", "test-community", "test-community"]
    notes = c.locator("#task-history .task-event-note").all_inner_texts()
    assert notes[-1] == "已约谈物业，完成整改"
    # The community does not see the street's task, only its own.
    c.goto(f"{server}/tasks/{task}")
    c.wait_for_selector("#task-missing")
    # The district follows both from its own list, and can dispatch by hand.
    page.goto(f"{server}/tasks")
    listed = page.locator("#task-table").inner_text()
    assert f"#{task}" in listed and f"#{sub}" in listed
    page.click(".task-new summary")
    page.select_option("#task-new-area", COMMUNITY)
    page.select_option("#task-new-indicator", "elevator_maintenance_on_time")
    page.select_option("#task-new-severity", "amber")
    page.click("#task-new")
    manual = _task_id(page)
    assert _state(page) == "已派遣" and manual not in (task, sub)
    with session(demo.app_db) as db:
        made = db.get(Task, manual)
        assert (made.area_code, made.origin, made.severity) == (COMMUNITY, "manual", "amber")
    # The district's wall counts the week: the dispatched task once (its sub-task is the
    # same matter), done through its community, and the one dispatched by hand.
    page.goto(f"{server}/wall")
    page.wait_for_selector("#wall-tasks-new")
    with session(demo.app_db) as db:
        week = db.scalars(select(Task).where(Task.parent_id.is_(None))).all()
    assert page.locator("#wall-tasks-new b").inner_text() == str(len(week))
    assert int(page.locator("#wall-tasks-done b").inner_text()) >= 1
    for p in (district, street, community):
        assert p.external_requests() == []


def test_forged_and_out_of_scope_requests_are_refused(server, people, demo):
    http = sign_in(server, people["district"])
    # The session's CSRF token, as any form of the app carries it.
    token = csrf_token(http.get(f"{server}/login", timeout=30).text)
    made = http.post(f"{server}/tasks/new", data={
        "csrf_token": token, "indicator_id": "hotline_closed_48h", "area_code": STREET,
        "period": "2019-12", "severity": "red",
    }, timeout=30, allow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    task = int(made.headers["Location"].split("/tasks/")[1].split("?")[0])
    # Without the session's CSRF token: refused.
    assert http.post(f"{server}/tasks/{task}/act", data={"action": "sign"},
                     timeout=30).status_code == 400  # fmt: skip
    # The district may not work the street's task; the community may not either.
    refused = http.post(f"{server}/tasks/{task}/act", data={"csrf_token": token,
                        "action": "sign"}, timeout=30)  # fmt: skip
    assert refused.status_code == 403
    community = sign_in(server, people["community"])
    own = csrf_token(community.get(f"{server}/login", timeout=30).text)
    for path, data in ((f"/tasks/{task}/act", {"action": "sign"}),
                       (f"/tasks/{task}/forward", {"to": COMMUNITY}),
                       ("/tasks/new", {"indicator_id": "hotline_closed_48h", "area_code": STREET,
                                       "period": "2019-12", "severity": "red"})):  # fmt: skip
        answer = community.post(server + path, data={"csrf_token": own, **data}, timeout=30)
        assert answer.status_code == 403, path
    # Another street's handler neither reads nor works it.
    accounts.add_user(demo.app_db, "test-other-street", "handler", "330103002000", PASSWORD)
    other = sign_in(server, {"name": "test-other-street", "password": PASSWORD})
    theirs = csrf_token(other.get(f"{server}/login", timeout=30).text)
    for action in ("sign", "progress", "done"):
        answer = other.post(f"{server}/tasks/{task}/act",
                            data={"csrf_token": theirs, "action": action}, timeout=30)  # fmt: skip
        assert answer.status_code == 403, action
    with session(demo.app_db) as db:
        assert db.get(Task, task).area_code == STREET
    assert task not in [t.id for t in store_visible(demo.app_db, Actor(
        "test-other-street", "330103002000", role="handler"), published_tree(demo))]  # fmt: skip
    # A wall screen reads; it never acts.
    wall = sign_in(server, people["kiosk_street"])
    assert wall.post(f"{server}/tasks/{task}/act", data={"action": "sign"},
                     timeout=30).status_code in (400, 403)  # fmt: skip
    with session(demo.app_db) as db:
        assert db.get(Task, task).state == "dispatched"


def _form_fields(node: object, found: list[dict]) -> list[dict]:
    """The hidden fields of every form in a page's JSON, one dict per form."""
    if isinstance(node, dict):
        if node.get("type") == "Form":
            fields = []
            _inputs(node["props"].get("children"), fields)
            found.append({f["name"]: f["value"] for f in fields})
        else:  # a component's props, or the callback answer around them
            for value in (node.get("props") or node).values():
                _form_fields(value, found)
    elif isinstance(node, list):
        for item in node:
            _form_fields(item, found)
    return found


def _inputs(node: object, out: list[dict]) -> None:
    if isinstance(node, dict):
        props = node.get("props") or {}
        if node.get("type") == "Input" and "name" in props:
            out.append(props)
        _inputs(props.get("children"), out)
    elif isinstance(node, list):
        for item in node:
            _inputs(item, out)


def test_a_cached_page_carries_each_sessions_own_token(server, people):
    """Two sessions of one scope are served a street's panels from one cache entry; each
    page's forms carry that session's CSRF token, which works in it and in no other."""
    path = f"/street/{STREET}"
    first, second = sign_in(server, people["district"]), sign_in(server, people["district"])
    pages = [Cockpit(server, http).page(path) for http in (first, second)]
    assert all(p.status_code == 200 and "csrf-slot" not in p.text for p in pages)
    forms = [_form_fields(p.json(), []) for p in pages]
    dispatch = [[f for f in page if "indicator_id" in f] for page in forms]
    assert dispatch[0] and dispatch[1], "the district may dispatch the street's alerts"
    tokens = [{f["csrf_token"] for f in page} for page in forms]
    # Every form of a page (the header's sign-out, each alert's 督办) has the same token,
    # and the two sessions' tokens differ.
    assert len(tokens[0]) == 1 and len(tokens[1]) == 1 and tokens[0] != tokens[1]
    fields = dict(dispatch[1][0])
    refused = second.post(f"{server}/tasks/new", data={**fields, "csrf_token": tokens[0].pop()},
                          timeout=30, allow_redirects=False)  # fmt: skip
    assert refused.status_code == 400
    made = second.post(f"{server}/tasks/new", data=fields, timeout=30, allow_redirects=False)
    assert made.status_code == 303 and "/tasks/" in made.headers["Location"]
