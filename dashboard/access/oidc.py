"""Sign-in through the government's unified identity service (统一身份认证) by OpenID
Connect, with Authlib: the authorization code flow with PKCE, its state, nonce, ID token
signature, issuer, audience and expiry checked by Authlib against the provider's own
discovery document and keys.

The identity maps to a cockpit account by its subject (``sub``): one an operator linked
(``cockpit users link NAME --subject SUB``), or, with ``oidc_provision``, one made at the
first sign-in with the viewer role and no scope, which reads nothing until an
administrator gives it an area. Roles and scopes stay the cockpit's; the audit log says
which way each sign-in came."""

from __future__ import annotations

import os

import flask
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from joserfc.errors import JoseError
from requests.exceptions import RequestException

from cockpit.settings import Settings
from cockpit.store import accounts
from dashboard.access.auth import begin, login_page_refusal, record
from dashboard.reading import warehouse
from dashboard.urls import same_site_path

START = "/login/oidc"
CALLBACK = "/login/oidc/callback"
_NEXT = "oidc_next"


def enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def _client():  # noqa: ANN202 - Authlib's client class
    return flask.current_app.extensions["authlib.integrations.flask_client"].idp


def _redirect_uri(settings: Settings) -> str:
    # Behind a reverse proxy the cockpit's own view of its address is not the one the
    # identity service must send people back to: public_url is.
    if settings.public_url:
        return settings.public_url.rstrip("/") + CALLBACK
    return flask.url_for("oidc_callback", _external=True)


def start():
    settings = warehouse.settings()
    flask.session[_NEXT] = same_site_path(flask.request.args.get("next"))
    try:
        return _client().authorize_redirect(_redirect_uri(settings))
    except (RequestException, AuthlibBaseError, ValueError) as exc:
        record("login_failed", detail={"via": "oidc", "reason": f"identity service: {exc}"[:300]})
        flask.abort(502, "the unified identity service cannot be reached")


def callback():
    settings = warehouse.settings()
    try:
        token = _client().authorize_access_token()
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as exc:
        # A replayed or forged callback, a code for another application, an ID token
        # expired, for another audience or badly signed: no session, a clear refusal.
        reason = getattr(exc, "description", None) or getattr(exc, "error", None) or str(exc)
        record("login_failed", detail={"via": "oidc", "reason": str(reason)[:300]})
        return login_page_refusal("login.oidc_failed", 401)
    claims = token.get("userinfo") or {}
    subject = str(claims.get("sub") or "")
    if not subject:
        record("login_failed", detail={"via": "oidc", "reason": "no subject in the ID token"})
        return login_page_refusal("login.oidc_failed", 401)
    user = accounts.user_of_subject(settings.app_db, subject)
    if user is None:
        if not settings.oidc_provision:
            record("login_failed", detail={"via": "oidc", "reason": "subject not linked",
                                           "subject": subject})  # fmt: skip
            return login_page_refusal("login.oidc_unlinked", 403)
        wanted = str(claims.get("preferred_username") or claims.get("name") or subject)
        user = accounts.provision(settings.app_db, subject, wanted)
        record("user_change", actor=user.name, detail={"action": "provisioned", "via": "oidc",
                                                       "subject": subject})  # fmt: skip
    after = flask.session.pop(_NEXT, None) or "/"
    begin(user_id=user.id)  # a fresh session: nothing of the one before it survives
    record("login", detail={"via": "oidc"})
    return flask.redirect(after)


def register(server: flask.Flask, settings: Settings) -> None:
    if not enabled(settings):
        return
    oauth = OAuth(server)
    oauth.register(
        "idp",
        client_id=settings.oidc_client_id,
        client_secret=os.environ.get(settings.oidc_client_secret_env, ""),
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": settings.oidc_scopes,
            "code_challenge_method": "S256",
            "timeout": 10,
        },  # fmt: skip
    )
    server.add_url_rule(START, "oidc_start", start)
    server.add_url_rule(CALLBACK, "oidc_callback", callback)
