"""``/admin/audit`` (administrators) and ``/admin/usage`` (administrators, and each
department's own users for their own cockpit)."""

from __future__ import annotations

import datetime as dt

import dash
from dash import html

from cockpit.store import audit, utcnow
from dashboard.access import auth
from dashboard.components.cockpit import no_data
from dashboard.components.header import page_header
from dashboard.i18n import pick_lang, t
from dashboard.reading import data, metadata, usage, warehouse
from dashboard.urls import with_lang

WEEKS = 8


def forbidden(lang: str) -> html.Div:
    """Reached by a link inside the app (the router, not a request the gate sees)."""
    return html.Div(
        [html.H1(t("admin.forbidden", lang)), html.P(t("admin.forbidden.text", lang))],
        className="not-found",
    )


def _table(rows: list[dict], columns: list[tuple[str, str]], table_id: str) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(label) for _, label in columns])),
            html.Tbody(
                [html.Tr([html.Td(str(r.get(k, "") or "")) for k, _ in columns]) for r in rows]
            ),
        ],
        className="admin-table",
        id=table_id,
    )


def _shell(title: str, lang: str, path: str, body: list) -> html.Div:
    as_of = data.as_of()
    other = "en" if lang == "zh" else "zh"
    header = page_header(
        [html.Span(title, className="area-name")], lang, as_of, with_lang(path, other)
    )
    return html.Div([header, html.Main(body, className="dict-main")], className="cockpit admin")


def audit_layout(
    lang: str | None = None, user: str | None = None, kind: str | None = None, **_query: str
):
    lang = pick_lang(lang)
    who = auth.principal()
    if who is None or who.kiosk or who.role != "admin":
        return forbidden(lang)
    kind = kind if kind in audit.KINDS else None
    rows = [
        {
            "at": f"{e.at:%Y-%m-%d %H:%M:%S}",
            "kind": e.kind,
            "actor": e.actor,
            "role": e.role,
            "scope": e.scope,
            "area": e.area,
            "path": e.path,
            "ip": e.ip,
            "detail": ", ".join(f"{k}={v}" for k, v in (e.detail or {}).items()),
        }
        for e in audit.events(warehouse.settings().app_db, user=user, kind=kind, limit=500)
    ]
    columns = [
        (c, t(f"audit.{c}", lang))
        for c in ("at", "kind", "actor", "role", "scope", "area", "path", "ip", "detail")
    ]
    try:
        return _shell(
            t("nav.audit", lang),
            lang,
            "/admin/audit",
            [html.P(t("audit.subtitle", lang)), _table(rows, columns, "audit-table")],
        )
    except warehouse.NoWarehouse:
        return no_data(lang)


def usage_layout(lang: str | None = None, **_query: str):
    lang = pick_lang(lang)
    who = auth.principal()
    if not auth.may_read_usage(who):
        return forbidden(lang)
    try:
        tree = warehouse.frame("SELECT code, parent_code, level, name_zh, name_en FROM ind.area")
        owners = metadata.departments()
        indicators = warehouse.frame(
            "SELECT indicator_id, name_zh, name_en, department FROM ind.indicator"
        )
    except warehouse.NoWarehouse:
        return no_data(lang)
    events = usage.events_frame(warehouse.settings().app_db, utcnow() - dt.timedelta(weeks=WEEKS))
    if who.role != "admin":
        # A department's users see how their own cockpit is used, nothing else.
        own = f"/dept/{who.department}"
        events = events[
            events["path"].str.startswith(own)
            | events["detail"].map(lambda d: d.get("department") == who.department)
        ]
        owners = owners[owners["department"] == who.department]
        indicators = indicators[indicators["department"] == who.department]
    week = usage.this_week()
    levels = dict(zip(tree["code"], tree["level"], strict=True))
    parents = dict(zip(tree["code"], tree["parent_code"], strict=True))
    by_week = usage.views_by_week(events, levels)
    name = f"name_{lang}"
    body = [
        html.P(t("usage.subtitle", lang, weeks=WEEKS)),
        html.H2(t("usage.views", lang)),
        _table(
            by_week.to_dict("records"),
            [
                ("week", t("usage.week", lang)),
                ("level", t("usage.level", lang)),
                ("page", t("usage.page", lang)),
                ("views", t("usage.count", lang)),
            ],
            "usage-views",
        ),
    ]
    if who.role == "admin":
        streets = tree[tree["level"] == "street"]
        silent = usage.silent_streets(events, streets, parents, week)
        body += [
            html.H2(t("usage.silent_streets", lang, week=week)),
            _table(
                silent.to_dict("records"),
                [("code", "code"), (name, t("col.area", lang))],
                "usage-silent-streets",
            ),
        ]
    if who.role == "admin":
        body += [
            html.H2(t("usage.api", lang)),
            _table(
                usage.api_use(events).to_dict("records"),
                [
                    ("week", t("usage.week", lang)),
                    ("consumer", t("usage.consumer", lang)),
                    ("calls", t("usage.count", lang)),
                    ("indicators", t("col.indicator_id", lang)),
                ],
                "usage-api",
            ),  # fmt: skip
        ]
    silent_depts = usage.silent_departments(events, owners, week)
    unseen = usage.unseen_indicators(events, indicators)
    body += [
        html.H2(t("usage.silent_departments", lang, week=week)),
        _table(
            silent_depts.to_dict("records"),
            [("department", t("col.department", lang))],
            "usage-silent-departments",
        ),
        html.H2(t("usage.unseen", lang)),
        _table(
            unseen.to_dict("records"),
            [("indicator_id", t("col.indicator_id", lang)), (name, t("col.indicator", lang))],
            "usage-unseen",
        ),
    ]
    return _shell(t("nav.usage", lang), lang, "/admin/usage", body)


dash.register_page(
    "dashboard.pages.admin_audit",
    path="/admin/audit",
    name="audit",
    title="审计日志",
    layout=audit_layout,
)
dash.register_page(
    "dashboard.pages.admin_usage",
    path="/admin/usage",
    name="usage",
    title="使用情况",
    layout=usage_layout,
)
