"""Consuming systems at ``/api/v1``: an API key in ``Authorization: Bearer <key>``, no
session and no cookie. A key is a principal like a person's or a wall's, read-only and
scoped, so every reader applies the same scope to it; ``indicators`` may narrow it to
some indicators."""

from __future__ import annotations

import flask

from cockpit.store import apikeys
from cockpit.store.models import ApiKey
from cockpit.store.sessions import Principal
from dashboard.reading import warehouse

API_PREFIX = "/api/v1/"
# Anyone may read what the interface is: its OpenAPI document and the page that shows it.
API_PUBLIC = ("/api/v1/openapi.json", "/api/v1/docs")


def key_of_request() -> ApiKey | None:
    """The usable key the request sends, if any."""
    header = flask.request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return apikeys.usable_api_key(warehouse.settings().app_db, key.strip())


def principal_of(key: ApiKey) -> Principal:
    return Principal(
        session_id=f"apikey:{key.id}", name=f"api:{key.consumer}", role="viewer",
        scope=key.scope, kiosk=True,
    )  # fmt: skip


def current_key() -> ApiKey | None:
    return flask.g.get("api_key")


def may_read(indicator_id: str) -> bool:
    """Whether the caller's key reads this indicator (every one, unless it names some)."""
    key = current_key()
    if key is None or not key.indicators:
        return True
    return indicator_id in key.indicators.split(",")
