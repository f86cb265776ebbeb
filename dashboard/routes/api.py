"""``/api/v1``: the cockpit's data for the systems that use it (共享), read-only.

Each answer names the data version it comes from and carries an ETag of it: a consumer
that sends ``If-None-Match`` gets 304 until the next refresh. JSON by default, CSV with
``?format=csv``; lists come in pages (``limit``, ``offset``). Parameters are checked
strictly: an unknown one, or one out of its form, is a 400 that says which and why. The
rules are the pages': the key's scope (its area, everything under it and its ancestors'
aggregates), small counts as "<k", every call audited and rate-limited per key."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable

import flask
import orjson
import pandas as pd
from flask_limiter import Limiter
from werkzeug.exceptions import HTTPException

from cockpit.settings import Settings
from dashboard.access import api_keys, auth
from dashboard.drawing import fmt
from dashboard.reading import data, exchange, insights, metadata, problems, warehouse
from dashboard.routes.api_params import (
    MAX_LIMIT,
    BadParameter,
    area_code,
    level,
    month,
    page,
    params,
)
from dashboard.routes.api_spec import docs_page, openapi

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _etag() -> str:
    seed = f"{warehouse.warehouse_version()}|{flask.request.full_path}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def _answer(rows: pd.DataFrame | dict, name: str) -> flask.Response:
    """The answer in its format, with the data version, its page and an ETag (a request
    that names it gets 304 before this is reached: ``_audited``)."""
    version = warehouse.warehouse_version()
    if isinstance(rows, dict):
        answer = _json({"version": version, "data": rows})
    else:
        limit, offset, form = page()
        total = len(rows)
        shown = rows.iloc[offset : offset + limit]
        if form == "csv":
            body = shown.to_csv(index=False).encode("utf-8-sig")
            answer = flask.Response(body, mimetype="text/csv")
            answer.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            answer.headers["X-Total-Count"] = str(total)
        else:
            records = shown.to_dict("records")
            more = offset + limit < total
            answer = _json({
                "version": version, "total": total, "limit": limit, "offset": offset,
                "next": _next_url(offset + limit, limit) if more else None, "data": records,
            })  # fmt: skip
    answer.headers["ETag"] = f'"{_etag()}"'
    answer.headers["X-Data-Version"] = version
    answer.headers["Cache-Control"] = "private, no-cache"
    return answer


def _plain(value: object) -> object:
    # What orjson does not write itself: pandas' missing values (NaN it writes as null).
    if value is pd.NA or value is pd.NaT:
        return None
    raise TypeError(f"{type(value).__name__} is not JSON")


def _json(payload: dict) -> flask.Response:
    """JSON written by orjson: a third of the time of making plain Python objects of a
    DataFrame's rows for the standard encoder, on every answer that is not yet kept."""
    body = orjson.dumps(payload, default=_plain, option=orjson.OPT_SORT_KEYS)
    return flask.Response(body, mimetype="application/json")


def _next_url(offset: int, limit: int) -> str:
    args = {**flask.request.args.to_dict(), "offset": str(offset), "limit": str(limit)}
    return flask.request.path + "?" + "&".join(f"{k}={v}" for k, v in args.items())


def _indicator(indicator_id: str) -> dict:
    if not _ID.match(indicator_id):
        raise BadParameter(f"indicator {indicator_id!r} is not an indicator id")
    found = data.indicator(indicator_id)
    if found is None or not api_keys.may_read(indicator_id):
        flask.abort(404, f"no indicator {indicator_id!r} for this key")
    return found


def _shown(rows: pd.DataFrame, k: int) -> pd.Series:
    """Values as the pages show them: "<k" for a small count, "hidden" for a value hidden
    to protect one."""
    labels = [
        ("hidden" if kind == "complementary" else f"<{k}") if hidden else value
        for value, hidden, kind in zip(rows["value"], rows["suppressed"], rows["suppressed_kind"],
                                       strict=True)
    ]  # fmt: skip
    return pd.Series(labels, index=rows.index, dtype=object)


def list_areas():
    chosen = params({"level": level, "parent": area_code})
    rows = exchange.areas(chosen.get("level"), chosen.get("parent"))
    return _answer(rows, "areas")


def one_area(code: str):
    full = area_code(code)
    found = data.area(full)
    if found is None:
        flask.abort(404, "no such area for this key")
    params({})
    shown = {k: found[k] for k in ("code", "level", "parent_code", "name_zh", "name_en")}
    return _answer({**shown, "children": exchange.children(full)}, "area")


def list_indicators():
    params({"domain": lambda s: s})
    rows = metadata.dictionary()
    domain = flask.request.args.get("domain")
    rows = rows[rows["indicator_id"].map(api_keys.may_read).astype(bool)]
    if domain is not None:
        rows = rows[rows["domain"] == domain]
    columns = ["indicator_id", "name_zh", "name_en", "description_zh", "description_en",
               "domain", "department", "unit_zh", "unit_en", "direction", "rollup",
               "decimals", "levels", "suppress_below", "first_period", "last_period"]  # fmt: skip
    out = rows[columns].copy()
    out["levels"] = out["levels"].map(lambda v: list(v) if v is not None else [])
    return _answer(out.reset_index(drop=True), "indicators")


def indicator_values(indicator_id: str):
    indicator = _indicator(indicator_id)
    chosen = params({"area": area_code, "from": month, "to": month, "level": level})
    if "area" not in chosen:
        raise BadParameter("parameter 'area' is required (an area code)")
    first, last = chosen.get("from"), chosen.get("to")
    if first and last and first > last:
        raise BadParameter(f"from {first} is after to {last}")
    if data.area(str(chosen["area"])) is None:
        flask.abort(404, "no such area for this key")
    rows = exchange.values(indicator_id, str(chosen["area"]), chosen.get("level"), first, last)
    rows["value"] = _shown(rows, int(indicator["suppress_below"] or 0))
    return _answer(rows.drop(columns=["suppressed_kind"]), f"{indicator_id}-values")


def list_alerts():
    chosen = params({"area": area_code, "period": month})
    if "area" not in chosen:
        raise BadParameter("parameter 'area' is required (an area code)")
    code = str(chosen["area"])
    if data.area(code) is None:
        flask.abort(404, "no such area for this key")
    period = insights.which_period(chosen.get("period"))
    if period is None:
        flask.abort(503, "no warehouse published yet")
    rows = problems.alerts(code, period.period, limit=MAX_LIMIT, grouped=False)
    # A boolean Series, not a list: an empty list would select columns, not rows.
    rows = rows[rows["indicator_id"].map(api_keys.may_read).astype(bool)]
    rows = rows.assign(period=period.period)
    columns = ["period", "indicator_id", "area_code", "level", "area_zh", "area_en", "value",
               "status", "priority", "reasons_zh", "reasons_en", "since", "group_root",
               "forecast_months", "forecast_probability"]  # fmt: skip
    out = rows[columns].copy()
    for col in ("reasons_zh", "reasons_en"):
        out[col] = out[col].map(lambda v: list(v) if v is not None else [])
    return _answer(out.reset_index(drop=True), "alerts")


def catalog():
    params({})
    rows = metadata.catalog(fmt.utc_now())
    columns = ["source", "department", "department_zh", "department_en", "title_zh", "title_en",
               "table_name", "cadence", "max_age_days", "last_success", "last_status",
               "freshness"]  # fmt: skip
    out = rows[[c for c in columns if c in rows.columns]].copy()
    out["last_success"] = out["last_success"].map(
        lambda v: v.isoformat() if isinstance(v, dt.datetime | pd.Timestamp) else None
    )
    return _answer(out, "catalog")


def _who(indicator_id: str | None = None) -> dict:
    key = api_keys.current_key()
    return {"consumer": key.consumer if key else None, "indicator": indicator_id,
            "path": flask.request.path}  # fmt: skip


def _stored(view: Callable, args: tuple, kwargs: dict) -> flask.Response:
    """The answer as stored bytes, kept with the data version for this path, query and
    key's reach (its scope and indicators): a consumer asking what another with the same
    reach asked gets the bytes without a query or a serialisation. Refusals are not kept."""
    key = api_keys.current_key()
    reach = [key.scope, key.indicators] if key else []

    def build() -> tuple[int, bytes, dict]:
        try:
            answer = view(*args, **kwargs)
        except HTTPException as exc:
            return (-1, str(exc.description).encode(), {"code": exc.code})
        return (answer.status_code, answer.get_data(), dict(answer.headers))

    status, body, headers = warehouse.remembered(
        "api-answer", [flask.request.full_path, *reach], build
    )
    if status == -1:
        flask.abort(headers["code"], body.decode())
    return flask.Response(body, status=status, headers=headers)


def _audited(view: Callable) -> Callable:
    """Every call is audited (the values' with their area), and a bad parameter is a 400
    with its reason."""

    def call(*args, **kwargs):
        tag = _etag()
        if tag in flask.request.if_none_match:
            answer = flask.Response(status=304, headers={"ETag": f'"{tag}"'})
            auth.record("api_call", area=flask.request.args.get("area"), detail=_who())
            return answer
        try:
            answer = _stored(view, args, kwargs)
        except BadParameter as exc:
            auth.record("malformed", detail={**_who(), "reason": str(exc)})
            out = flask.jsonify({"error": str(exc), "status": 400})
            out.status_code = 400
            return out
        area = flask.request.args.get("area") or kwargs.get("code")
        auth.record("api_call", area=area, detail=_who(kwargs.get("indicator_id")))
        return answer

    call.__name__ = f"api_{view.__name__}"
    return call


def register(server: flask.Flask, limiter: Limiter, settings: Settings) -> None:
    per_key = limiter.limit(
        settings.api_rate_limit,
        key_func=lambda: f"apikey:{k.id}" if (k := api_keys.current_key()) else "anonymous",
    )
    routes = [
        ("/api/v1/areas", list_areas), ("/api/v1/areas/<code>", one_area),
        ("/api/v1/indicators", list_indicators),
        ("/api/v1/indicators/<indicator_id>/values", indicator_values),
        ("/api/v1/alerts", list_alerts), ("/api/v1/catalog", catalog),
    ]  # fmt: skip
    for path, view in routes:
        wrapped = _audited(view)
        server.add_url_rule(path, wrapped.__name__, per_key(wrapped))
    server.add_url_rule("/api/v1/openapi.json", "api_openapi", lambda: flask.jsonify(openapi()))
    server.add_url_rule("/api/v1/docs", "api_docs", docs_page)
