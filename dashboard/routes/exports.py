"""CSV downloads of every table and ranking the cockpits show: ``/export/<table>.csv``.

Each export is one read-only query from the data layer, the columns named in the page's
language, written as UTF-8 with a byte-order mark so that Excel opens Chinese text right.
Values are rounded as the page shows them, and area codes are written as text (a leading
tab), so that Excel keeps all 12 digits instead of showing 3.30103E+11.
The same URL with the same query string always gives the same table, so a download can
be shared like a view.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import flask
import pandas as pd

from dashboard.access import auth
from dashboard.components.alerts import reasons_text
from dashboard.drawing import fmt
from dashboard.i18n import pick_lang, t
from dashboard.reading import attention, data, insights, metadata, problems, warehouse
from dashboard.routes.export_columns import named, rounded, shown, status_names

Table = Callable[[flask.Request, str], tuple[pd.DataFrame, str]]


def _area(code: str) -> dict:
    area = data.area(code)
    if area is None:
        flask.abort(404, "no such area")
    return area


def _period(request: flask.Request) -> str:
    chosen = insights.which_period(request.args.get("period"))
    if chosen is None:
        flask.abort(503, "no warehouse published yet")
    return chosen.period


def _indicator(request: flask.Request) -> dict:
    indicator = data.indicator(request.args.get("indicator", ""))
    if indicator is None:
        flask.abort(404, "no such indicator")
    return indicator


def cards(request: flask.Request, lang: str) -> tuple[pd.DataFrame, str]:
    area, period = _area(request.args.get("area", "")), _period(request)
    rows = data.card_values(area["code"], period)
    rows = rounded(rows, ["value", "target", "prev_value", "yoy_value"], rows["decimals"])
    rows["domain_name"] = rows["domain"].map(lambda d: t(f"domain.{d}", lang))
    rows["name"], rows["unit"] = rows[f"name_{lang}"], rows[f"unit_{lang}"]
    rows["status_name"] = status_names(rows, lang)
    rows["period"], rows["shown"] = period, shown(rows, lang)
    table = named(
        rows,
        lang,
        {
            "domain": "domain_name", "indicator": "name", "indicator_id": "indicator_id",
            "period": "period", "value": "shown", "unit": "unit", "status": "status_name",
            "target": "target", "prev_value": "prev_value", "yoy_value": "yoy_value",
            "rank": "rank", "rank_of": "rank_of",
        },
    )  # fmt: skip
    return table, f"{area['name_' + lang]}-{period}"


def ranking(request: flask.Request, lang: str) -> tuple[pd.DataFrame, str]:
    area, period = _area(request.args.get("area", "")), _period(request)
    indicator = _indicator(request)
    parent, level = data.map_areas(area)
    rows = data.map_values(parent, level, indicator["indicator_id"], period)
    rows = rounded(rows, ["value"], indicator["decimals"])
    rows = rows.sort_values(["rank", "code"], na_position="last", kind="stable")
    rows["name"], rows["status_name"] = rows[f"name_{lang}"], status_names(rows, lang)
    rows["unit"], rows["shown"] = (
        indicator[f"unit_{lang}"],
        shown(rows, lang, indicator["suppress_below"]),
    )
    table = named(
        rows,
        lang,
        {"rank": "rank", "area": "name", "code": "code", "value": "shown", "unit": "unit",
         "status": "status_name"},
    )  # fmt: skip
    return table, f"{indicator['name_' + lang]}-{area['name_' + lang]}-{period}"


def alerts(request: flask.Request, lang: str) -> tuple[pd.DataFrame, str]:
    area, period = _area(request.args.get("area", "")), _period(request)
    # One line per area; the problem it belongs to in ``group`` (the area the problem's
    # row leads with on the page).
    rows = problems.alerts(area["code"], period, limit=10_000, grouped=False)
    rows = rounded(rows, ["value", "prev_value", "target"], rows["decimals"])
    rows["status_name"] = status_names(rows, lang)
    rows["street"] = rows[f"street_{lang}"]
    rows["department_name"] = rows[f"department_{lang}"]
    rows["area"], rows["name"] = rows[f"area_{lang}"], rows[f"name_{lang}"]
    rows["unit"] = rows[f"unit_{lang}"]
    rows["parent"] = rows[f"parent_{lang}"]
    rows["reasons"] = [reasons_text(r, lang) for r in rows.to_dict("records")]
    rows["priority"] = rows["priority"].round(1)
    table = named(
        rows,
        lang,
        {"priority": "priority", "status": "status_name", "area": "area", "parent": "parent",
         "street": "street", "code": "area_code", "indicator": "name",
         "department": "department_name", "value": "value", "prev_value": "prev_value",
         "unit": "unit", "target": "target", "reasons": "reasons", "since": "since",
         "group": "group_root"},
    )  # fmt: skip
    return table, f"{t('alerts.title', lang)}-{area['name_' + lang]}-{period}"


def trend(request: flask.Request, lang: str) -> tuple[pd.DataFrame, str]:
    """The months published, then the months forecast (marked as such, with their
    intervals, model and chance of red)."""
    area, indicator = _area(request.args.get("area", "")), _indicator(request)
    code, iid, decimals = area["code"], indicator["indicator_id"], indicator["decimals"]
    rows = rounded(insights.trend(code, iid), ["value", "target"], decimals)
    rows["status_name"] = status_names(rows, lang)
    rows["shown"] = shown(rows, lang, indicator["suppress_below"])
    ahead = rounded(
        insights.forecast(code, iid), ["value", "lo80", "hi80", "lo95", "hi95"], decimals
    )
    ahead["shown"], ahead["p_red"] = ahead["value"], (100 * ahead["p_red"]).round().astype("Int64")
    both = pd.concat(
        [
            rows.assign(kind=t("trend.actual", lang)),
            ahead.assign(kind=t("trend.forecast_row", lang)),
        ],
        ignore_index=True,
    )
    both["unit"] = indicator[f"unit_{lang}"]
    table = named(
        both,
        lang,
        {"period": "period", "kind": "kind", "value": "shown", "unit": "unit",
         "status": "status_name", "target": "target", "lo80": "lo80", "hi80": "hi80",
         "lo95": "lo95", "hi95": "hi95", "method": "method", "p_red": "p_red"},
    )  # fmt: skip
    return table, f"{indicator['name_' + lang]}-{area['name_' + lang]}"


def catalog(request: flask.Request, lang: str) -> tuple[pd.DataFrame, str]:
    rows = metadata.catalog(fmt.utc_now())
    rows["title"], rows["owner"] = rows[f"title_{lang}"], rows[f"department_{lang}"]
    rows["freshness_name"] = rows["freshness"].map(lambda f: t(f"fresh.{f}", lang))
    table = named(
        rows,
        lang,
        {"source": "source", "title": "title", "department": "owner", "table": "table_name",
         "cadence": "cadence", "last_success": "last_success", "freshness": "freshness_name",
         "rows_in": "rows_in", "rows_rejected": "rows_rejected"},
    )  # fmt: skip
    return table, t("nav.catalog", lang)


def dictionary(request: flask.Request, lang: str) -> tuple[pd.DataFrame, str]:
    rows = metadata.dictionary()
    rows["name"], rows["unit"] = rows[f"name_{lang}"], rows[f"unit_{lang}"]
    rows["description"] = rows[f"description_{lang}"]
    rows["domain_name"] = rows["domain"].map(lambda d: t(f"domain.{d}", lang))
    rows["levels_text"] = rows["levels"].map(lambda ls: "/".join(t(f"level.{x}", lang) for x in ls))
    table = named(
        rows,
        lang,
        {"indicator_id": "indicator_id", "indicator": "name", "domain": "domain_name",
         "description": "description", "unit": "unit", "department": "department",
         "levels": "levels_text", "target": "target", "layer_file": "layer_file"},
    )  # fmt: skip
    return table, t("nav.indicators", lang)


def department(request: flask.Request, lang: str) -> tuple[pd.DataFrame, str]:
    department_id, period = request.args.get("department", ""), _period(request)
    if metadata.department(department_id) is None:
        flask.abort(404, "no such department")
    rows = metadata.department_matrix(department_id, period)
    rows = rounded(rows, ["value"], rows["decimals"])
    rows["name"], rows["unit"] = rows[f"name_{lang}"], rows[f"unit_{lang}"]
    rows["area"], rows["status_name"] = rows[f"area_{lang}"], status_names(rows, lang)
    rows["period"], rows["shown"] = period, shown(rows, lang)
    table = named(
        rows,
        lang,
        {"indicator": "name", "indicator_id": "indicator_id", "area": "area", "code": "code",
         "period": "period", "value": "shown", "unit": "unit", "status": "status_name"},
    )  # fmt: skip
    return table, f"{department_id}-{period}"


def deliveries(request: flask.Request, lang: str) -> tuple[pd.DataFrame, str]:
    department_id = request.args.get("department", "")
    if metadata.department(department_id) is None:
        flask.abort(404, "no such department")
    rows = metadata.department_deliveries(department_id, fmt.utc_now())
    rows["title"] = rows[f"title_{lang}"]
    rows["freshness_name"] = rows["freshness"].map(lambda f: t(f"fresh.{f}", lang))
    table = named(
        rows,
        lang,
        {"source": "source", "title": "title", "freshness": "freshness_name",
         "last_success": "last_success", "period": "period", "received": "received",
         "due": "due", "on_time": "on_time", "rows_in": "rows_in",
         "rows_rejected": "rows_rejected"},
    )  # fmt: skip
    return table, f"{department_id}-{t('dept.deliveries', lang)}"


def scorecard(request: flask.Request, lang: str) -> tuple[pd.DataFrame, str]:
    area, period = _area(request.args.get("area", "")), _period(request)
    rows = attention.scorecard(area["code"], period)
    rows["name"] = rows[f"name_{lang}"]
    rows["score"] = rows["score"].round(1)
    rows["change"] = [
        fmt.place_change(p, b)[0]
        for p, b in zip(rows["position"], rows["prev_position"], strict=True)
    ]
    table = named(
        rows,
        lang,
        {"position": "position", "area": "name", "code": "code", "score": "score",
         "position_change": "change", "assessed": "counted", "red": "red"},
    )  # fmt: skip
    return table, f"{t('scorecard.title', lang)}-{area['name_' + lang]}-{period}"


TABLES: dict[str, Table] = {
    "scorecard": scorecard,
    "cards": cards,
    "ranking": ranking,
    "alerts": alerts,
    "trend": trend,
    "catalog": catalog,
    "indicators": dictionary,
    "department": department,
    "deliveries": deliveries,
}


def serve(table: str) -> flask.Response:
    build = TABLES.get(table)
    if build is None:
        flask.abort(404, "no such export")
    lang = pick_lang(flask.request.args.get("lang"))
    try:
        frame, stem = build(flask.request, lang)
    except warehouse.NoWarehouse:
        flask.abort(503, "no warehouse published yet")
    auth.record("export", area=flask.request.args.get("area"),
                detail={"table": table, "rows": len(frame)})  # fmt: skip
    body = fmt.excel_csv(frame)
    filename = f"{stem}.csv".replace("/", "-")
    response = flask.Response(body.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"export.csv\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def register(server: flask.Flask) -> None:
    server.add_url_rule("/export/<table>.csv", "export", serve)
