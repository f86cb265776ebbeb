"""API keys for the systems that consume the cockpit's data (``/api/v1``): made, listed
and revoked by an operator; random, and kept only as their SHA-256."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlalchemy import select

from cockpit.store import session, utcnow
from cockpit.store.accounts import AccountError, token_digest
from cockpit.store.models import ApiKey

# A key says what it is: "ck_" and 43 random URL-safe characters.
PREFIX = "ck_"
_CONSUMER = re.compile(r"^[\w.\-\u4e00-\u9fff ]{1,128}$")
_INDICATOR = re.compile(r"^[a-z][a-z0-9_]*$")


def add_api_key(
    url: str, consumer: str, scope: str, indicators: list[str] | None = None,
    days: int | None = None,
) -> str:  # fmt: skip
    """A new key for ``consumer``, reading ``scope`` and below (and only ``indicators``
    when given); the plain key is returned once and never stored."""
    if not _CONSUMER.match(consumer):
        raise AccountError("--consumer: a name of up to 128 letters, digits, . _ - or spaces")
    if days is not None and days < 1:
        raise AccountError("--days must be at least 1")
    bad = [i for i in indicators or [] if not _INDICATOR.match(i)]
    if bad:
        raise AccountError(f"--indicators: not indicator ids: {', '.join(bad)}")
    key = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with session(url) as s:
        s.add(
            ApiKey(
                key_hash=token_digest(key), consumer=consumer, scope=scope,
                indicators=",".join(indicators) if indicators else None, created=now,
                expires=now + dt.timedelta(days=days) if days else None,
            )
        )  # fmt: skip
    return key


def list_api_keys(url: str) -> list[ApiKey]:
    with session(url) as s:
        return list(s.scalars(select(ApiKey).order_by(ApiKey.id)))


def revoke_api_key(url: str, key_id: int) -> ApiKey:
    with session(url) as s:
        key = s.get(ApiKey, key_id)
        if key is None:
            raise AccountError(f"no API key {key_id}")
        key.revoked = key.revoked or utcnow()
        return key


def usable_api_key(url: str, key: str) -> ApiKey | None:
    """The key ``key`` names, if it is neither revoked nor expired; its use is noted."""
    if not key.startswith(PREFIX) or len(key) > 128:
        return None
    now = utcnow()
    with session(url) as s:
        row = s.scalar(select(ApiKey).where(ApiKey.key_hash == token_digest(key)))
        if row is None or row.revoked is not None or (row.expires and row.expires <= now):
            return None
        # At most once a minute: a key is used on every call, and the write is not free.
        if row.last_used is None or now - row.last_used > dt.timedelta(minutes=1):
            row.last_used = now
            s.flush()
        s.expunge(row)
        return row
