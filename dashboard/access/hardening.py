"""What the server refuses before any page or callback runs: hosts it does not serve,
large bodies, callback requests that are not the shape Dash sends, and the security
headers every answer carries (flask-talisman, with a CSP that admits Dash's own inline
scripts by hash)."""

from __future__ import annotations

import json
import logging

import flask
from dash import Dash
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, SecurityError

from cockpit.settings import Settings
from dashboard.access import trail
from dashboard.urls import ASSETS, SUITES

MAX_BODY_BYTES = 1024 * 1024
DISPATCH = "/_dash-update-component"
# A malformed callback body surfaces inside Dash as one of these; the request is wrong,
# not the server, so the answer is 400.
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)
log = logging.getLogger(__name__)


def _fail(reason: str) -> None:
    raise BadRequest(f"malformed callback request: {reason}")


def _matches(sent_id: object, pattern: dict) -> bool:
    """A component id against a pattern-matching one: the same keys, and the same value
    wherever the pattern does not hold a wildcard (["ALL"], ["MATCH"], ["ALLSMALLER"])."""
    return (
        isinstance(sent_id, dict)
        and set(sent_id) == set(pattern)
        and all(isinstance(v, list) or sent_id[k] == v for k, v in pattern.items())
    )


def _same_ref(sent: object, declared: dict) -> bool:
    """One input or state as sent against its declaration; a pattern-matching one (its id
    a JSON object) may come as a list of the components it matched."""
    if declared["id"].startswith("{"):
        pattern = json.loads(declared["id"])
        refs = sent if isinstance(sent, list) else [sent]
        return all(
            isinstance(r, dict)
            and r.get("property") == declared["property"]
            and _matches(r.get("id"), pattern)
            for r in refs
        )
    return (
        isinstance(sent, dict)
        and sent.get("id") == declared["id"]
        and sent.get("property") == declared["property"]
    )


# No callback Dash sends nests deeper than this; a body that does is refused before it is
# walked (Python's parser gives up with a RecursionError near 1,000).
MAX_JSON_DEPTH = 32


def _depth(value: object) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _declared_outputs(output: str) -> list[dict]:
    """The outputs an ``output`` string names, as Dash writes them: ``id.prop``, or
    ``..id.prop...id.prop..`` for several (a property may carry ``@hash``)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        ident, _, prop = part.rpartition(".")
        out.append({"id": ident, "property": prop.split("@")[0]})
    return out


def _same_output(sent: object, declared: dict) -> bool:
    # The browser may send a duplicate output's property with its ``@hash``, as declared.
    if not isinstance(sent, dict) or not isinstance(sent.get("property"), str):
        return False
    if sent["property"].split("@")[0] != declared["property"]:
        return False
    if declared["id"].startswith("{"):
        return isinstance(sent.get("id"), dict)
    return sent.get("id") == declared["id"]


def check_dispatch(app: Dash) -> None:
    """The envelope of a callback request names a registered callback and carries its
    declared outputs, inputs and states, in order, and nothing else."""
    try:
        body = flask.request.get_json(silent=True)
    except RecursionError:
        _fail("nested too deeply")
    if not isinstance(body, dict):
        _fail("the body is not a JSON object")
    if _depth(body) > MAX_JSON_DEPTH:
        _fail("nested too deeply")
    output = body.get("output")
    if not isinstance(output, str) or output not in app.callback_map:
        _fail("unknown output")
    declared_outputs = _declared_outputs(output)
    outputs = body.get("outputs")
    if output.startswith(".."):
        if not isinstance(outputs, list) or len(outputs) != len(declared_outputs):
            _fail("outputs do not match the output")
        pairs = list(zip(outputs, declared_outputs, strict=True))
    else:
        pairs = [(outputs, declared_outputs[0])]
    if not all(_same_output(s, d) for s, d in pairs):
        _fail("outputs do not match the output")
    spec = app.callback_map[output]
    for key, declared in (("inputs", spec["inputs"]), ("state", spec["state"])):
        sent = body.get(key, [])
        if not isinstance(sent, list) or len(sent) != len(declared):
            _fail(f"{key} do not match the callback")
        if not all(_same_ref(s, d) for s, d in zip(sent, declared, strict=True)):
            _fail(f"{key} name other components than the callback's")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        _fail("changedPropIds is not a list of names")


def _errors(server: flask.Flask) -> None:
    @server.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        # A short plain-text answer. Our own messages never repeat the request; werkzeug's
        # for an untrusted host would, so that one says only what was wrong.
        text = "host not served here" if isinstance(exc, SecurityError) else exc.description
        trail.record_refusal(exc.code or 500, str(text), csrf=isinstance(exc, CSRFError))
        if flask.request.path.startswith("/api/v1/"):
            # The interface's consumers are programs: a JSON error they can read.
            answer = flask.jsonify({"error": str(text), "status": exc.code})
            answer.status_code = exc.code or 500
            return answer
        return flask.Response(f"{exc.code} {exc.name}: {text}\n", exc.code,
                              mimetype="text/plain")  # fmt: skip

    @server.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if flask.request.path == DISPATCH and isinstance(exc, _SHAPE_ERRORS):
            log.warning("malformed callback request refused: %r", exc)
            trail.record_refusal(400, f"malformed callback request: {type(exc).__name__}")
            return flask.Response("400 Bad Request: malformed callback request\n", 400,
                                  mimetype="text/plain")  # fmt: skip
        log.exception("unhandled error on %s", flask.request.path)
        return flask.Response("500 Internal Server Error\n", 500, mimetype="text/plain")


# Answers that carry data: callbacks and the shell with its page, exports, geometry,
# the health check, the task pages' posts.
PRIVATE_ANSWERS = (
    "/_dash-update-component",
    "/_dash-layout",
    "/_dash-dependencies",
    "/export/",
    "/geo/",
    "/api/",
    "/tasks/",
)


def harden(app: Dash, settings: Settings) -> None:
    server = app.server
    hosts = [h.strip() for h in settings.trusted_hosts.split(",") if h.strip()]
    server.config.update(
        TRUSTED_HOSTS=hosts,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_SSL_STRICT=settings.secure_cookies,
    )

    @server.before_request
    def _dispatch_shape():
        if flask.request.path == DISPATCH:
            check_dispatch(app)

    @server.before_request
    def _inside_the_suites():
        # Dash's component suites serve files of the installed packages: a path that
        # climbs out of them (``..``, however encoded; a backslash) names nothing.
        path = flask.request.path
        if path.startswith(SUITES) and (".." in path.split("/") or "\\" in path):
            flask.abort(404)

    @server.after_request
    def _not_kept(response: flask.Response) -> flask.Response:
        request = flask.request
        # Dash names each asset with its file's time (``?m=``), so a changed file comes
        # under a new address: a browser may keep what it has without asking again (at
        # Flask's no-cache, a warm load asked again for some 15 files, a round trip each
        # on a phone). Dash's component suites carry their version in the path already.
        if (
            request.path.startswith(ASSETS)
            and request.args.get("m")
            and response.status_code == 200
        ):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        # What the data says is for this caller and this moment: no browser cache, no
        # proxy keeps it (the geometry of a published version sets its own). A page's
        # HTML carries the page itself for a signed-in caller (shell/first_screen.py).
        elif "Cache-Control" not in response.headers and (
            request.path.startswith(PRIVATE_ANSWERS) or response.mimetype == "text/html"
        ):
            response.headers["Cache-Control"] = "private, no-store"
        return response

    _errors(server)
    csp = {
        "default-src": "'self'",
        "script-src": ["'self'"],
        # plotly and Dash set style attributes from script.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        # MapLibre draws in a worker it starts from a blob.
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    talisman = Talisman(
        server,
        force_https=False,  # HTTPS ends at the reverse proxy (docs/security.md)
        strict_transport_security=settings.secure_cookies,
        session_cookie_secure=settings.secure_cookies,
        session_cookie_http_only=True,
        content_security_policy=csp,
        frame_options="DENY",
        referrer_policy="same-origin",
        x_content_type_options=True,
    )

    @server.before_request
    def _script_hashes():
        # Dash adds its last inline scripts (the pages router's title script) on the first
        # request, after the app is built: the hashes are taken then, once per process,
        # and every answer after that carries them.
        policy = talisman.content_security_policy
        if len(policy["script-src"]) == 1:
            policy["script-src"] = ["'self'", *app.csp_hashes()]
