"""Sign-in at the unified identity service (统一身份认证) by OpenID Connect, against a real
OpenID provider run here: panva's certified ``oidc-provider`` (tests/idp), with its own
sign-in pages driven as a person would. The cockpit talks to it over HTTP for discovery,
keys and the code exchange; nothing is mocked."""

from __future__ import annotations

import html
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urljoin, urlsplit

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

IDP = REPO / "tests" / "idp"
CALLBACK = "http://localhost/login/oidc/callback"
OTHER_STREET = "330103002000"


@contextmanager
def provider(clients: dict[str, str], id_token_seconds: int = 600,
             clock: str | None = None) -> Iterator[str]:  # fmt: skip
    """The OpenID provider on a free port, its clock shifted by ``clock`` (faketime)."""
    if shutil.which("node") is None or not (IDP / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "the test identity provider needs node and `npm ci` in tests/idp (make test does)"
        )  # noqa: E501
    port = free_port()
    argv = ["node", str(IDP / "server.mjs"), str(port), CALLBACK, str(id_token_seconds),
            *(f"{cid}:{secret}" for cid, secret in clients.items())]  # fmt: skip
    if clock:
        if shutil.which("faketime") is None:
            pytest.fail("faketime is required: apt-get install faketime (.ci/run does)")
        argv = ["faketime", clock, *argv]
    issuer = f"http://127.0.0.1:{port}"
    with running(argv, issuer + "/.well-known/openid-configuration", "the identity provider"):
        yield issuer


def _sign_in_at_the_provider(start: str, login: str) -> str:
    """A person at the provider's own pages: from the authorization URL, through its
    sign-in and consent forms, to where it sends them back; that URL."""
    browser = requests.Session()
    url, method, data = start, "GET", None
    for _ in range(12):
        answer = browser.request(method, url, data=data, allow_redirects=False, timeout=10)
        if answer.is_redirect:
            url, method, data = urljoin(url, answer.headers["Location"]), "GET", None
            if url.startswith(CALLBACK):
                return url
            continue
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', answer.text)
        assert form, f"no form at {url}: {answer.status_code} {answer.text[:300]}"
        fields = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', answer.text)
        )
        if 'name="login"' in answer.text:
            fields.update(login=login, password="any password: the provider's test pages")
        url, method, data = html.unescape(form.group(1)), "POST", fields
    raise AssertionError("the provider never sent the person back")


@pytest.fixture
def cockpit(demo, tmp_path, monkeypatch):
    """A cockpit of its own whose sign-in goes to the unified identity service."""
    secret = secrets.token_urlsafe(24)
    monkeypatch.setenv("COCKPIT_OIDC_CLIENT_SECRET", secret)
    settings = copy_of_demo(demo, tmp_path / "site").with_overrides(
        app_db=f"sqlite:///{tmp_path / 'site' / 'app.db'}", cache="memory",
        oidc_client_id="cockpit",
    )  # fmt: skip
    store.migrate(settings.app_db)
    return settings, secret


def _start(visitor) -> str:
    answer = visitor.get("http://localhost/login/oidc?next=/wall", allow_redirects=False)
    assert answer.status_code == 302, answer.text[:300]
    location = answer.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    return location


def test_a_linked_official_signs_in_with_the_cockpit_s_role_and_scope(cockpit):
    settings, secret = cockpit
    accounts.add_user(settings.app_db, "街道王", "handler", STREET, "a long enough password 1")
    assert (
        run_cockpit(settings, "users", "link", "街道王", "--subject", "wang.street").returncode == 0
    )
    with (
        provider({"cockpit": secret}) as issuer,
        app_for(settings.with_overrides(oidc_issuer=issuer)) as site,
    ):
        visitor = site.visitor()
        page = visitor.get(f"{site.url}/login").text
        assert 'id="login-identity"' in page and "统一身份认证登录" in page
        back = _sign_in_at_the_provider(_start(visitor), "wang.street")
        answer = visitor.get(f"{site.url}{path_of(back)}", allow_redirects=False)
        assert answer.status_code == 302 and answer.headers["Location"] == "/wall"
        own = visitor.get(f"{site.url}/export/alerts.csv?area={STREET}")
        sibling = visitor.get(f"{site.url}/export/alerts.csv?area={OTHER_STREET}")
        assert own.status_code == 200 and sibling.status_code == 404
        # The same callback again (a replay): its state is spent.
        replay = site.visitor().get(f"{site.url}{path_of(back)}", allow_redirects=False)
        assert replay.status_code == 401
    logins = audit.events(settings.app_db, kind="login")
    assert [(e.actor, e.detail) for e in logins] == [("街道王", {"via": "oidc"})]
    failed = audit.events(settings.app_db, kind="login_failed")
    assert failed and failed[-1].detail["via"] == "oidc"


def test_a_first_sign_in_gets_an_account_with_no_scope_until_an_admin_gives_one(cockpit):
    settings, secret = cockpit
    with (
        provider({"cockpit": secret}) as issuer,
        app_for(settings.with_overrides(oidc_issuer=issuer)) as site,
    ):
        visitor = site.visitor()
        back = _sign_in_at_the_provider(_start(visitor), "li.newcomer")
        assert visitor.get(f"{site.url}{path_of(back)}").status_code == 403
        (user,) = [u for u in accounts.list_users(settings.app_db) if u.subject == "li.newcomer"]
        assert (user.name, user.role, user.scope) == ("li.newcomer", "viewer", "")
        refused = visitor.get(f"{site.url}/export/alerts.csv?area={STREET}")
        assert refused.status_code == 403 and "尚未分配管辖范围" in refused.text
        assert run_cockpit(settings, "users", "set-scope", "li.newcomer", STREET).returncode == 0
        # A new scope ends the sessions: the next sign-in reads the street.
        again = site.visitor()
        back = _sign_in_at_the_provider(_start(again), "li.newcomer")
        assert again.get(f"{site.url}{path_of(back)}").status_code == 200
        assert again.get(f"{site.url}/export/alerts.csv?area={STREET}").status_code == 200
    provisioned = audit.events(settings.app_db, kind="user_change")
    assert any(e.detail.get("action") == "provisioned" for e in provisioned)


def test_without_provisioning_an_unlinked_identity_is_refused(cockpit):
    settings, secret = cockpit
    with provider({"cockpit": secret}) as issuer:
        chosen = settings.with_overrides(oidc_issuer=issuer, identity_provision=False)
        with app_for(chosen) as site:
            visitor = site.visitor()
            back = _sign_in_at_the_provider(_start(visitor), "stranger")
            answer = visitor.get(f"{site.url}{path_of(back)}")
            assert answer.status_code == 403 and "尚未关联" in answer.text
    assert not any(u.subject == "stranger" for u in accounts.list_users(settings.app_db))


def test_a_code_issued_to_another_application_is_refused(cockpit):
    """The ID token the provider would give for it is another audience's: the exchange
    with the cockpit's own credentials fails, and no session is made."""
    settings, secret = cockpit
    with (
        provider({"cockpit": secret, "other-app": "other-secret"}) as issuer,
        app_for(settings.with_overrides(oidc_issuer=issuer)) as site,
    ):
        visitor = site.visitor()
        ours = _start(visitor)
        theirs = ours.replace("client_id=cockpit", "client_id=other-app")
        back = _sign_in_at_the_provider(theirs, "wang.street")
        answer = visitor.get(f"{site.url}{path_of(back)}", allow_redirects=False)
        assert answer.status_code == 401
        assert visitor.get(f"{site.url}/export/alerts.csv?area={STREET}").status_code == 401
    assert not audit.events(settings.app_db, kind="login")


def test_an_expired_id_token_is_refused(cockpit):
    """A provider whose clock is ten minutes slow issues ID tokens for one minute: they
    have expired when they arrive, beyond any leeway."""
    settings, secret = cockpit
    with (
        provider({"cockpit": secret}, id_token_seconds=60, clock="-10 minutes") as issuer,
        app_for(settings.with_overrides(oidc_issuer=issuer)) as site,
    ):
        visitor = site.visitor()
        back = _sign_in_at_the_provider(_start(visitor), "wang.street")
        answer = visitor.get(f"{site.url}{path_of(back)}", allow_redirects=False)
        assert answer.status_code == 401
    (failed,) = audit.events(settings.app_db, kind="login_failed")
    assert "expired" in failed.detail["reason"].lower()
    assert not audit.events(settings.app_db, kind="login")


def test_cockpit_passwords_can_be_switched_off(cockpit):
    settings, secret = cockpit
    accounts.add_user(settings.app_db, "区管理员", "admin", STREET, "a long enough password 2")
    with (
        provider({"cockpit": secret}) as issuer,
        app_for(settings.with_overrides(oidc_issuer=issuer, local_passwords=False)) as site,
    ):
        visitor = site.visitor()
        page = visitor.get(f"{site.url}/login").text
        assert 'id="login-identity"' in page and 'id="login-password"' not in page
        answer = visitor.post(f"{site.url}/login", data={
            "name": "区管理员", "password": "a long enough password 2"})  # fmt: skip
        assert answer.status_code == 403 and "已关闭密码登录" in answer.text
    assert not audit.events(settings.app_db, kind="login")


def test_doctor_reaches_the_identity_service(cockpit):
    settings, secret = cockpit
    with provider({"cockpit": secret}) as issuer:
        done = run_cockpit(settings.with_overrides(oidc_issuer=issuer), "doctor")
        assert "ok    identity service:" in done.stdout, done.stdout
    gone = run_cockpit(settings.with_overrides(oidc_issuer=issuer), "doctor")
    assert gone.returncode == 1 and "FAIL  identity service:" in gone.stdout
    assert secret not in gone.stdout + done.stdout
