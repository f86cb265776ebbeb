"""Sign-in at the unified identity service by CAS 2.0 or 3.0 (python-cas): to the
server's login page and back with a service ticket, which the server validates for this
cockpit's service URL, once. What follows is ``identity``'s; the subject is the CAS
user name."""

from __future__ import annotations

import flask
from cas import CASClient
from requests.exceptions import RequestException

from cockpit.settings import Settings
from dashboard.access import identity
from dashboard.reading import warehouse
from dashboard.urls import CAS_CALLBACK, CAS_START

START, CALLBACK = CAS_START, CAS_CALLBACK


def _client() -> CASClient:
    settings = warehouse.settings()
    return CASClient(
        version=settings.cas_version, server_url=settings.cas_server_url.rstrip("/") + "/",
        service_url=identity.callback_url(CALLBACK),
    )  # fmt: skip


def start():
    identity.remember_next()
    return flask.redirect(_client().get_login_url())


def callback():
    ticket = flask.request.args.get("ticket", "")
    if not ticket:
        return identity.refused("cas", "no service ticket")
    try:
        user, attributes, _ = _client().verify_ticket(ticket)
    except (RequestException, ValueError) as exc:
        return identity.refused("cas", f"CAS server: {type(exc).__name__}: {exc}")
    if not user:
        # A replayed, forged or expired ticket, or one issued for another service.
        return identity.refused("cas", "the CAS server did not validate the ticket")
    wanted = (attributes or {}).get("displayName") or (attributes or {}).get("first_name") or user
    return identity.signed_in("cas", str(user), str(wanted))


def register(server: flask.Flask, settings: Settings) -> None:
    if not settings.cas_server_url:
        return
    server.add_url_rule(START, "cas_start", start)
    server.add_url_rule(CALLBACK, "cas_callback", callback)
