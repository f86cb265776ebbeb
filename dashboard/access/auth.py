"""Who is asking. Sign-in (Flask-Login, a CSRF-protected form, flask-limiter and account
lockout), sign-out, idle expiry, kiosk tokens for wall screens, and the gate every request
passes: no signed-in principal, no data.

The session cookie carries only a random session id; the session's row in the
application database says who it is, so logging out, changing an account or revoking a
token ends it on the server at once.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import logging
import os
from urllib.parse import urlencode

import flask
import flask_login
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from cockpit.settings import Settings
from cockpit.store import accounts, audit, ratelimits, sessions
from dashboard.access import api_keys, scope
from dashboard.access.login_page import LOGIN_TEMPLATE
from dashboard.i18n import pick_lang, t
from dashboard.reading import brand, warehouse
from dashboard.urls import (
    ASSETS,
    CAS_START,
    HEAD_LINKS,
    HEALTH,
    LOGIN,
    MANIFEST,
    OIDC_START,
    SUITES,
    same_site_path,
)

# Paths anyone may fetch: the sign-in page, the front-end's code and styles, the health
# check (which tells an anonymous caller only that the server is up).
# The web app manifest too: a browser fetches it without the session cookie.
PUBLIC_PREFIXES = (LOGIN, ASSETS, SUITES, "/_favicon.ico", MANIFEST)
# Requests a browser makes for data, as opposed to a page it navigates to.
DATA_PREFIXES = ("/_dash-", "/export/", "/geo/", "/_reload-hash")
ADMIN_PREFIX = "/admin/"
# Prometheus's scrape: from this machine, or with the scrape token (docs/operators.md).
METRICS = "/metrics"
METRICS_TOKEN_ENV = "COCKPIT_METRICS_TOKEN"
# Headers a reverse proxy adds (security.md's nginx sets X-Forwarded-Proto).
FORWARDED = ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "X-Real-IP")

log = logging.getLogger(__name__)
login_manager = flask_login.LoginManager()


def limit_storage(settings: Settings) -> tuple[str, dict]:
    """The limiter's storage: Redis where the answer cache is Redis, else the application
    database; both are shared by every worker (``cockpit.store.ratelimits``)."""
    if settings.cache.startswith(("redis://", "rediss://", "unix://")):
        return settings.cache, {}
    return f"{ratelimits.SCHEME}://", {"url": settings.app_db}


class Caller(flask_login.UserMixin):
    def __init__(self, principal: sessions.Principal) -> None:
        self.principal = principal

    def get_id(self) -> str:
        return self.principal.session_id


class LoginForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(validators=[DataRequired(), Length(max=256)])


class LogoutForm(FlaskForm):
    pass


def _url() -> str:
    return warehouse.settings().app_db


@login_manager.user_loader
def _load(session_id: str) -> Caller | None:
    idle = dt.timedelta(minutes=warehouse.settings().session_idle_minutes)
    principal = sessions.resume(_url(), session_id, idle)
    return Caller(principal) if principal else None


def principal() -> sessions.Principal | None:
    return scope.principal()


def record(kind: str, *, area: str | None = None, detail: dict | None = None,
           actor: str | None = None, path: str | None = None) -> None:  # fmt: skip
    """Append to the audit log, as the current caller."""
    who = principal()
    if path is None and flask.has_request_context():
        path = flask.request.full_path.rstrip("?")
    audit.record(
        _url(), kind, actor or (who.name if who else None),
        role=who.role if who else None, scope=who.scope if who else None, area=area,
        path=path,
        detail=detail, ip=flask.request.remote_addr if flask.has_request_context() else None,
    )  # fmt: skip


def begin(user_id: int | None = None, token_id: int | None = None) -> sessions.Principal:
    flask.session.clear()  # a fresh session: no fixation of an id set before sign-in
    session_id = sessions.start_session(_url(), user_id=user_id, token_id=token_id)
    principal = sessions.resume(_url(), session_id, dt.timedelta(minutes=1))
    flask_login.login_user(Caller(principal))
    flask.g.principal = principal
    return principal


def _login_page(form: LoginForm, lang: str, message: str | None, status: int = 200):
    settings = warehouse.settings()
    identity = None
    if settings.oidc_issuer and settings.oidc_client_id:
        identity = OIDC_START
    elif settings.cas_server_url:
        identity = CAS_START
    label = settings.identity_label_zh if lang == "zh" else settings.identity_label_en
    html = flask.render_template_string(
        LOGIN_TEMPLATE, form=form, lang=lang, message=message, t=t, brand=brand.title(lang),
        next=same_site_path(flask.request.args.get("next")), identity=identity, label=label,
        passwords=settings.local_passwords, head_links=HEAD_LINKS,
    )  # fmt: skip
    return flask.Response(html, status=status, mimetype="text/html")


def login_page_refusal(message_key: str, status: int) -> flask.Response:
    """The sign-in page again, saying why (in the caller's language), with ``status``."""
    lang = pick_lang(flask.request.args.get("lang"))
    return _login_page(LoginForm(), lang, t(message_key, lang), status)


def login():
    lang = pick_lang(flask.request.args.get("lang"))
    form = LoginForm()
    if flask.request.method == "GET":
        return _login_page(form, lang, None)
    if not warehouse.settings().local_passwords:
        record("login_failed", detail={"reason": "cockpit passwords are switched off"})
        return _login_page(form, lang, t("login.passwords_off", lang), 403)
    if not form.validate_on_submit():
        kind = "csrf_failed" if "csrf_token" in form.errors else "malformed"
        record(kind, detail={"status": 400, "reason": "sign-in form incomplete"})
        return _login_page(form, lang, t("login.invalid_form", lang), 400)
    settings = warehouse.settings()
    name = form.name.data.strip()
    result = accounts.check_login(
        _url(), name, form.password.data, settings.lockout_attempts, settings.lockout_minutes,
        flask.request.remote_addr or "-",
    )  # fmt: skip
    if result.outcome == "throttled":
        record("login_failed", actor=name, detail={"reason": "throttled"})
        return _login_page(form, lang, t("login.throttled", lang), 429)
    if result.outcome != "ok":
        # The same answer whether the name exists or not.
        record("login_failed", actor=name, detail={"reason": result.outcome})
        return _login_page(form, lang, t("login.failed", lang), 401)
    begin(user_id=result.user.id)
    record("login")
    return flask.redirect(same_site_path(flask.request.args.get("next")))


def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        raise CSRFError("the sign-out form is out of date; reload the page")
    who = principal()
    if who is not None:
        sessions.end_session(_url(), who.session_id)
        record("logout")
    flask_login.logout_user()
    flask.session.clear()
    return flask.redirect(LOGIN)


def _kiosk_redirect():
    """``<path>?token=T``: a wall screen signs in with its kiosk token, and the token
    leaves the address bar at once."""
    args = flask.request.args.to_dict(flat=True)
    token = accounts.usable_token(_url(), args.pop("token", ""))
    if token is None:
        record("denied", detail={"reason": "kiosk token unknown, revoked or expired"})
        flask.abort(403, "this kiosk token is unknown, revoked or expired")
    begin(token_id=token.id)
    record("token_use", detail={"token": token.id})
    query = urlencode(args)
    return flask.redirect(flask.request.path + (f"?{query}" if query else ""))


def _wants_page() -> bool:
    return flask.request.method == "GET" and not flask.request.path.startswith(DATA_PREFIXES)


def gate():
    """Runs before every request: who is asking, and may they ask this."""
    path = flask.request.path
    if path.startswith(PUBLIC_PREFIXES) or path in api_keys.API_PUBLIC:
        return None
    if path.startswith(api_keys.API_PREFIX):
        return _api_gate()
    if path == METRICS:
        return _metrics_gate()

    if "token" in flask.request.args and _wants_page():
        return _kiosk_redirect()
    user = flask_login.current_user
    flask.g.principal = user.principal if user.is_authenticated else None
    if flask.g.principal is None:
        if "_user_id" in flask.session:
            flask.session.pop("_user_id")  # an ended session: stop looking it up
        if path == HEALTH:
            return None
        if _wants_page():
            return flask.redirect(
                "/login?" + urlencode({"next": flask.request.full_path.rstrip("?")})
            )
        flask.abort(401, "sign in first")
    if flask.g.principal.scope == accounts.NO_SCOPE and path != "/logout":
        # Signed in at the identity service, and given no area yet: nothing to read.
        record("denied", detail={"reason": "account has no scope yet"})
        return login_page_refusal("login.no_scope", 403)
    if path.startswith(ADMIN_PREFIX) and not may_read_usage(flask.g.principal):
        flask.abort(403, "for administrators")
    return None


def _metrics_gate() -> None:
    """The scrape: with the scrape token, or from this machine directly. A request that a
    reverse proxy forwards comes from this machine too, so one naming a forwarded client
    is not local."""
    flask.g.principal = None
    token = os.environ.get(METRICS_TOKEN_ENV, "")
    sent = flask.request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return None
    forwarded = any(h in flask.request.headers for h in FORWARDED)
    try:
        local = ipaddress.ip_address(flask.request.remote_addr or "").is_loopback
    except ValueError:
        local = False
    if local and not forwarded:
        return None
    record("denied", detail={"reason": "metrics: not from this machine, no scrape token"})
    flask.abort(403, "metrics are served to this machine, or with the scrape token")


def _api_gate() -> flask.Response | None:
    """A consuming system: its API key, or 401 (a missing, unknown, revoked or expired
    key alike), audited, with no session made."""
    key = api_keys.key_of_request()
    if key is None:
        flask.g.principal = None
        record("unauthenticated", detail={"api": "no usable API key"})
        answer = flask.jsonify({"error": "an API key is needed: Authorization: Bearer <key>"})
        answer.status_code = 401
        answer.headers["WWW-Authenticate"] = 'Bearer realm="cockpit"'
        return answer
    flask.g.api_key = key
    flask.g.principal = api_keys.principal_of(key)
    return None


def may_read_usage(who: sessions.Principal | None) -> bool:
    """Admins read the audit log and all usage; a department's users read their own."""
    if who is None or who.kiosk:
        return False
    return who.role == "admin" or bool(who.department)


def register(server: flask.Flask, settings: Settings) -> Limiter:
    login_manager.init_app(server)
    # A limiter per app, its counts where every worker shares them (``limit_storage``).
    uri, options = limit_storage(settings)
    limiter = Limiter(get_remote_address, app=server, storage_uri=uri, storage_options=options)
    rate = settings.login_rate_limit
    server.add_url_rule(
        LOGIN, "login", limiter.limit(rate, methods=["POST"])(login), methods=["GET", "POST"]
    )
    server.add_url_rule("/logout", "logout", logout, methods=["POST"])
    server.before_request(gate)
    return limiter
