"""Sign-in rate limits that hold across server processes: the counts live in the
application database (SQLite or PostgreSQL), so ten attempts a minute are ten for the
whole cockpit, not ten per gunicorn worker."""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from cockpit import store
from cockpit.store import accounts, audit, ratelimits
from tests.helpers.cockpits import csrf_token, serve_cockpit


def test_fifty_concurrent_counts_lose_none(db_url):
    store.migrate(db_url)
    storage = storage_from_string(f"{ratelimits.SCHEME}://", url=db_url)
    start = threading.Barrier(10)

    def count_five(_i: int) -> list[int]:
        start.wait()
        return [storage.incr("login/127.0.0.1", 60) for _ in range(5)]

    with ThreadPoolExecutor(10) as pool:
        seen = sorted(n for counts in pool.map(count_five, range(10)) for n in counts)
    assert seen == list(range(1, 51))  # every increment saw its own count
    assert storage.get("login/127.0.0.1") == 50
    assert 0 < storage.get_expiry("login/127.0.0.1") - time.time() <= 60


def test_a_window_that_has_ended_starts_again_and_limits_apply_per_key(db_url):
    store.migrate(db_url)
    storage = storage_from_string(f"{ratelimits.SCHEME}://", url=db_url)
    limiter = FixedWindowRateLimiter(storage)
    three = RateLimitItemPerMinute(3)
    assert [limiter.hit(three, "a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(three, "b")  # another address has its own count
    storage.incr("short", 1)
    time.sleep(1.1)
    assert storage.get("short") == 0 and storage.incr("short", 1) == 1
    limiter.clear(three, "a")
    assert limiter.hit(three, "a")
    assert storage.check()


@pytest.mark.soak
def test_sign_in_attempts_are_limited_across_two_workers(demo, tmp_path):
    """Two gunicorn workers, 30 wrong sign-ins at once: exactly the configured 10 are
    answered, every other one is refused with 429, whichever worker took it."""
    settings = demo.with_overrides(
        app_db=f"sqlite:///{tmp_path / 'app.db'}",
        secret_key_file=tmp_path / "secret.key",
        login_rate_limit="10 per minute",
    )
    store.migrate(settings.app_db)
    with serve_cockpit(settings, COCKPIT_WORKERS="2") as url:

        def attempt(i: int) -> int:
            # A name each, so that only the address's rate limit holds them up.
            http = requests.Session()
            form = http.get(f"{url}/login", timeout=30).text
            answer = http.post(f"{url}/login", data={"csrf_token": csrf_token(form),
                               "name": f"nobody-{i}", "password": "wrong"}, timeout=60)  # fmt: skip
            return answer.status_code

        with ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(attempt, range(30)))
    assert codes.count(429) == 20, codes
    assert 500 not in codes
    # Each refusal is in the audit log, as its own kind.
    assert len(audit.events(settings.app_db, kind="rate_limited", limit=1000)) == 20


@pytest.mark.soak
def test_fifty_concurrent_wrong_sign_ins_get_exactly_the_allowed_tries(demo, db_url, tmp_path):
    """Two workers, 50 wrong passwords for one account at once: exactly ``lockout_attempts``
    of them are judged, the other 45 held up, on SQLite and on PostgreSQL."""
    settings = demo.with_overrides(app_db=db_url, secret_key_file=tmp_path / "secret.key",
                                   lockout_attempts=5)  # fmt: skip
    store.migrate(db_url)
    accounts.add_user(db_url, "guessed", "viewer", "330103001000", "the right password")
    with serve_cockpit(settings, COCKPIT_WORKERS="2", COCKPIT_LOCKOUT_ATTEMPTS="5") as url:
        forms = []
        for _ in range(50):  # every attempt with its own session and CSRF token, first
            http = requests.Session()
            forms.append((http, csrf_token(http.get(f"{url}/login", timeout=30).text)))
        start = threading.Barrier(10)

        def attempt(form) -> int:
            http, token = form
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=5)
            answer = http.post(f"{url}/login", data={"csrf_token": token, "name": "guessed",
                               "password": "a guess"}, timeout=60)  # fmt: skip
            return answer.status_code

        with ThreadPoolExecutor(10) as pool:
            codes = list(pool.map(attempt, forms))
    assert codes.count(401) == 5, codes
    assert codes.count(429) == 45, codes
