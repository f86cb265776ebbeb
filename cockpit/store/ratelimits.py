"""Rate-limit counters in the application database, so that every server process (each
gunicorn worker, each machine behind one balancer) counts the same attempts: a limit of
10 sign-ins a minute is 10, not 10 per worker.

A storage for the ``limits`` library (which Flask-Limiter uses), registered under the
scheme ``cockpit-appdb://`` and given the database URL as ``url``. Flask-Limiter's
fixed-window strategy needs only a counter with an expiry per key: each increment is one
SQL statement (an upsert that starts a new window when the old one has ended), atomic on
SQLite and on PostgreSQL alike, so concurrent attempts never lose a count. Where the
answer cache is Redis, the dashboard points the limiter at Redis instead.
"""

from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from cockpit.store import engine

SCHEME = "cockpit-appdb"

_INCR = text(
    """
    INSERT INTO rate_limit (key, count, expires) VALUES (:key, :amount, :expires)
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN rate_limit.expires <= :now THEN :amount
                     ELSE rate_limit.count + :amount END,
        expires = CASE WHEN rate_limit.expires <= :now THEN :expires
                       ELSE rate_limit.expires END
    RETURNING count
    """
)


class AppDatabaseStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(
        self, uri: str | None = None, wrap_exceptions: bool = False, url: str = "", **options
    ) -> None:
        if not url:
            raise ValueError(f"{SCHEME}:// needs the application database's url")
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.url = url

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with engine(self.url).begin() as con:
            params = {"key": key, "amount": amount, "expires": now + expiry, "now": now}
            return int(con.execute(_INCR, params).scalar_one())

    def get(self, key: str) -> int:
        with engine(self.url).connect() as con:
            found = con.execute(
                text("SELECT count FROM rate_limit WHERE key = :key AND expires > :now"),
                {"key": key, "now": time.time()},
            ).scalar()
        return int(found or 0)

    def get_expiry(self, key: str) -> float:
        with engine(self.url).connect() as con:
            found = con.execute(
                text("SELECT expires FROM rate_limit WHERE key = :key"), {"key": key}
            ).scalar()
        return float(found) if found is not None else time.time()

    def check(self) -> bool:
        try:
            with engine(self.url).connect() as con:
                con.execute(text("SELECT 1 FROM rate_limit LIMIT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with engine(self.url).begin() as con:
            return con.execute(text("DELETE FROM rate_limit")).rowcount

    def clear(self, key: str) -> None:
        with engine(self.url).begin() as con:
            con.execute(text("DELETE FROM rate_limit WHERE key = :key"), {"key": key})

    def sweep(self) -> int:
        """Forget the windows that have ended."""
        with engine(self.url).begin() as con:
            gone = con.execute(
                text("DELETE FROM rate_limit WHERE expires <= :now"), {"now": time.time()}
            )
            return gone.rowcount
