"""What the audit log is told of requests: the pages opened (recorded once rendered, so
that a page refused while it was rendered is a refusal of the page it named, never a
view) and every refusal, as its own kind, with the caller."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

import flask

from dashboard.access.auth import principal, record
from dashboard.urls import area_in_path

log = logging.getLogger(__name__)


def audit_page_view() -> None:
    """A page view is the pages router's callback for a path (a click on a link, or a
    full load the shell did not render; ``shell.layout`` records those it does). It is
    recorded once the page is rendered (``record_page_outcome``): a page the caller may
    not open is a refusal of the page it named, not a view."""
    if flask.request.path != "/_dash-update-component" or principal() is None:
        return
    body = flask.request.get_json(silent=True) or {}
    if "_pages_content.children" not in str(body.get("output", "")):
        return
    values = {i.get("property"): i.get("value") for i in body.get("inputs", [])}
    path, search = values.get("pathname"), values.get("search") or ""
    if isinstance(path, str) and isinstance(search, str):
        flask.g.page_request = (path, search)


def refuse_page(reason: str) -> None:
    """The page being rendered is refused (an area that does not exist, or is not the
    caller's): its audit row says so."""
    if flask.has_request_context():
        flask.g.page_refused = reason


def record_page_outcome(response: flask.Response) -> flask.Response:
    asked = flask.g.pop("page_request", None)
    if asked is not None and response.status_code < 400:
        page_view(*asked)
    return response


def page_view(path: str, search: str) -> None:
    """One page opened, as the audit log and the usage page count it; or, for a page
    refused while it was rendered, the refusal of the page the request named."""
    refused = flask.g.pop("page_refused", None)
    if refused is not None:
        record("not_found", area=area_in_path(path), detail={"reason": refused},
               path=(path + search)[:2000])  # fmt: skip
        return
    query = parse_qs(search.lstrip("?"))
    parts = path.strip("/").split("/")
    area = area_in_path(path)
    detail = {k: query[k][0] for k in ("indicator", "period") if k in query}
    if parts[0] == "dept" and len(parts) == 2:
        detail["department"] = parts[1]
    record("page_view", area=area, detail=detail or None, path=(path + search)[:2000])


# Refusals recorded in the audit log, by the status they are answered with.
REFUSALS = {400: "malformed", 401: "unauthenticated", 403: "denied", 404: "not_found",
            405: "malformed", 413: "malformed", 429: "rate_limited"}  # fmt: skip


def record_refusal(code: int, reason: str, csrf: bool = False) -> None:
    """A request refused, as its own kind, with the caller and the path it named."""
    kind = "csrf_failed" if csrf else REFUSALS.get(code)
    if kind is None or not flask.has_request_context():
        return
    try:
        record(kind, detail={"status": code, "reason": reason[:200]})
    except Exception:  # noqa: BLE001 - an audit database that fails must not turn a 4xx into a 500
        log.exception("could not record a refusal")
