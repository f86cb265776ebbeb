"""Sign-in rate limits that hold across server processes: the counts live in the
application database (SQLite or PostgreSQL), so ten attempts a minute are ten for the
whole cockpit, not ten per gunicorn worker."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from cockpit import store
from cockpit.store import ratelimits
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

        def attempt(_i: int) -> int:
            http = requests.Session()
            form = http.get(f"{url}/login", timeout=30).text
            answer = http.post(f"{url}/login", data={"csrf_token": csrf_token(form),
                               "name": "nobody", "password": "wrong"}, timeout=60)  # fmt: skip
            return answer.status_code

        with ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(attempt, range(30)))
    assert codes.count(429) == 20, codes
    assert 500 not in codes
