"""Four gunicorn workers writing the audit log at once lose no row and break no link of
its chain, on SQLite and on PostgreSQL, with the migrations applied from empty by
`cockpit serve` itself."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from cockpit import store
from cockpit.store import accounts, audit
from tests.helpers.cockpits import PASSWORD, serve_cockpit, sign_in

REQUESTS = 240


@pytest.mark.soak
def test_four_workers_appending_at_once_lose_no_row(demo, db_url):
    served = demo.with_overrides(app_db=db_url)
    with serve_cockpit(served, COCKPIT_WORKERS="4") as url:
        # `cockpit serve` migrated the empty database before starting its workers.
        accounts.add_user(db_url, "load-test", "admin", "330103000000", PASSWORD)
        http = sign_in(url, {"name": "load-test", "password": PASSWORD})
        cookies = http.cookies.get_dict()

        def export(n: int) -> int:
            import requests

            answer = requests.get(
                f"{url}/export/cards.csv?area=330103001000&n={n}", cookies=cookies, timeout=60
            )
            return answer.status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            codes = list(pool.map(export, range(REQUESTS)))
    assert codes == [200] * REQUESTS
    exports = audit.events(db_url, user="load-test", kind="export", limit=10_000)
    assert len(exports) == REQUESTS
    assert sorted(int(e.path.split("n=")[1]) for e in exports) == list(range(REQUESTS))
    with store.engine(db_url).connect() as con:
        pids = con.exec_driver_sql("SELECT count(*) FROM audit_event").scalar()
    assert pids >= REQUESTS + 1  # and the sign-in
    # Four processes appending at once still make one unbroken chain.
    held, broken = audit.verify(db_url)
    assert broken is None and held == pids
