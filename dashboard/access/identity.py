"""What follows a sign-in at the unified identity service (统一身份认证), however it
spoke (OpenID Connect: ``oidc``; CAS: ``cas``): the identity mapped to a cockpit account
by its subject, a fresh session, the audit row saying which way it came, and the page the
person was going to.

An account is linked by an operator (``cockpit users link NAME --subject SUB``) or, with
``identity_provision``, made at the first sign-in with the viewer role and no scope: it
reads nothing until an administrator gives it an area. Roles and scopes stay the
cockpit's."""

from __future__ import annotations

import flask

from cockpit.store import accounts
from dashboard.access.auth import begin, login_page_refusal, record
from dashboard.reading import warehouse
from dashboard.urls import same_site_path

_NEXT = "identity_next"


def remember_next() -> None:
    """Where the person was going, kept across the trip to the identity service."""
    flask.session[_NEXT] = same_site_path(flask.request.args.get("next"))


def refused(via: str, reason: str, message_key: str = "login.identity_failed",
            status: int = 401) -> flask.Response:  # fmt: skip
    record("login_failed", detail={"via": via, "reason": reason[:300]})
    return login_page_refusal(message_key, status)


def signed_in(via: str, subject: str, wanted_name: str) -> flask.Response:
    """The person the identity service vouched for, signed in to their account."""
    settings = warehouse.settings()
    user = accounts.user_of_subject(settings.app_db, subject)
    if user is None:
        if not settings.identity_provision:
            return refused(via, f"subject {subject!r} not linked", "login.identity_unlinked", 403)
        user = accounts.provision(settings.app_db, subject, wanted_name or subject)
        record("user_change", actor=user.name,
               detail={"action": "provisioned", "via": via, "subject": subject})  # fmt: skip
    after = flask.session.pop(_NEXT, None) or "/"
    begin(user_id=user.id)  # a fresh session: nothing of the one before it survives
    record("login", detail={"via": via})
    return flask.redirect(after)


def callback_url(path: str) -> str:
    """Where the identity service sends people back. Behind a reverse proxy the cockpit's
    own view of its address is not the one people reach: public_url is."""
    settings = warehouse.settings()
    if settings.public_url:
        return settings.public_url.rstrip("/") + path
    return flask.request.host_url.rstrip("/") + path
