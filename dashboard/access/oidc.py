"""Sign-in at the unified identity service by OpenID Connect, with Authlib: the
authorization code flow with PKCE, its state, nonce, ID token signature, issuer, audience
and expiry checked by Authlib against the provider's own discovery document and keys.
What follows is ``identity``'s."""

from __future__ import annotations

import os

import flask
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from joserfc.errors import JoseError
from requests.exceptions import RequestException

from cockpit.settings import Settings
from dashboard.access import identity
from dashboard.urls import OIDC_CALLBACK, OIDC_START

START, CALLBACK = OIDC_START, OIDC_CALLBACK


def enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def _client():  # noqa: ANN202 - Authlib's client class
    return flask.current_app.extensions["authlib.integrations.flask_client"].idp


def start():
    identity.remember_next()
    try:
        return _client().authorize_redirect(identity.callback_url(CALLBACK))
    except (RequestException, AuthlibBaseError, ValueError) as exc:
        identity.refused("oidc", f"identity service: {exc}")
        flask.abort(502, "the unified identity service cannot be reached")


def callback():
    try:
        token = _client().authorize_access_token()
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as exc:
        # A replayed or forged callback, a code for another application, an ID token
        # expired, for another audience or badly signed: no session, a clear refusal.
        reason = getattr(exc, "description", None) or getattr(exc, "error", None) or str(exc)
        return identity.refused("oidc", str(reason))
    claims = token.get("userinfo") or {}
    subject = str(claims.get("sub") or "")
    if not subject:
        return identity.refused("oidc", "no subject in the ID token")
    wanted = str(claims.get("preferred_username") or claims.get("name") or subject)
    return identity.signed_in("oidc", subject, wanted)


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
