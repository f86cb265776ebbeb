"""Sign-in at the unified identity service by CAS 3.0, against a real CAS server run here:
django-mama-cas in a minimal Django site (tests/cas), its sign-in form filled as a person
would. The cockpit validates each ticket with the server over HTTP; nothing is mocked."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
import requests

from cockpit import store
from cockpit.store import accounts, audit
from tests.helpers.cockpits import (
    REPO,
    STREET,
    copy_of_demo,
    free_port,
    path_of,
    run_cockpit,
    running,
)
from tests.helpers.inprocess import app_for

SERVICE = "http://localhost/login/cas/callback"
PEOPLE = {"wang.street": "wang's CAS password", "li.newcomer": "li's CAS password"}


@contextmanager
def cas_server(tmp_path) -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, str(REPO / "tests" / "cas" / "cas_server.py"), str(port),
            str(tmp_path / "cas.db"), *(f"{n}:{p}" for n, p in PEOPLE.items())]  # fmt: skip
    url = f"http://127.0.0.1:{port}/cas"
    with running(argv, url + "/login", "the CAS server"):
        yield url


def _ticket_for(login_url: str, name: str) -> str:
    """A person at the CAS server's sign-in form; where it sends them back."""
    browser = requests.Session()
    form = browser.get(login_url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = browser.post(login_url, data={"csrfmiddlewaretoken": token, "username": name,
                                           "password": PEOPLE[name]},
                          headers={"Referer": login_url}, allow_redirects=False, timeout=10)  # fmt: skip
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


@pytest.fixture
def cockpit(demo, tmp_path):
    settings = copy_of_demo(demo, tmp_path / "site").with_overrides(
        app_db=f"sqlite:///{tmp_path / 'site' / 'app.db'}", cache="memory",
    )  # fmt: skip
    store.migrate(settings.app_db)
    return settings


def _start(visitor) -> str:
    answer = visitor.get("http://localhost/login/cas?next=/wall", allow_redirects=False)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.endswith("/login?service=" + quote(SERVICE, safe=""))
    return location


def test_a_linked_official_signs_in_and_a_ticket_works_once(cockpit, tmp_path):
    accounts.add_user(cockpit.app_db, "街道王", "handler", STREET, "a long enough password 3")
    assert (
        run_cockpit(cockpit, "users", "link", "街道王", "--subject", "wang.street").returncode == 0
    )
    with cas_server(tmp_path) as cas, app_for(cockpit.with_overrides(cas_server_url=cas)) as site:
        visitor = site.visitor()
        assert 'href="/login/cas?' in visitor.get(f"{site.url}/login").text
        back = _ticket_for(_start(visitor), "wang.street")
        assert back.startswith(SERVICE + "?ticket=ST-")
        answer = visitor.get(f"{site.url}{path_of(back)}", allow_redirects=False)
        assert answer.status_code == 302 and answer.headers["Location"] == "/wall"
        assert visitor.get(f"{site.url}/export/alerts.csv?area={STREET}").status_code == 200
        assert visitor.get(f"{site.url}/export/alerts.csv?area=330103002000").status_code == 404
        # The same ticket again: the server validates a ticket once.
        replay = site.visitor().get(f"{site.url}{path_of(back)}", allow_redirects=False)
        assert replay.status_code == 401
        forged = site.visitor().get(f"{site.url}/login/cas/callback?ticket=ST-1-forged")
        assert forged.status_code == 401
    (login,) = audit.events(cockpit.app_db, kind="login")
    assert (login.actor, login.detail) == ("街道王", {"via": "cas"})
    failed = audit.events(cockpit.app_db, kind="login_failed")
    assert len(failed) == 2 and all(e.detail["via"] == "cas" for e in failed)


def test_a_ticket_issued_for_another_service_is_refused(cockpit, tmp_path):
    with cas_server(tmp_path) as cas, app_for(cockpit.with_overrides(cas_server_url=cas)) as site:
        other = cas + "/login?service=" + quote("http://localhost/another-app", safe="")
        back = _ticket_for(other, "wang.street")
        ticket = back.split("ticket=", 1)[1]
        answer = site.visitor().get(f"{site.url}/login/cas/callback?ticket={ticket}")
        assert answer.status_code == 401
    assert not audit.events(cockpit.app_db, kind="login")


def test_a_first_cas_sign_in_gets_an_account_with_no_scope(cockpit, tmp_path):
    with cas_server(tmp_path) as cas, app_for(cockpit.with_overrides(cas_server_url=cas)) as site:
        visitor = site.visitor()
        back = _ticket_for(_start(visitor), "li.newcomer")
        assert visitor.get(f"{site.url}{path_of(back)}").status_code == 403
        refused = visitor.get(f"{site.url}/export/alerts.csv?area={STREET}")
        assert refused.status_code == 403 and "尚未分配管辖范围" in refused.text
    (user,) = [u for u in accounts.list_users(cockpit.app_db) if u.subject == "li.newcomer"]
    assert (user.role, user.scope) == ("viewer", "")


def test_doctor_reaches_the_cas_server(cockpit, tmp_path):
    with cas_server(tmp_path) as cas:
        done = run_cockpit(cockpit.with_overrides(cas_server_url=cas), "doctor")
        assert f"ok    identity service: CAS 3.0 at {cas}" in done.stdout, done.stdout
    gone = run_cockpit(cockpit.with_overrides(cas_server_url=cas), "doctor")
    assert gone.returncode == 1 and "FAIL  identity service:" in gone.stdout
