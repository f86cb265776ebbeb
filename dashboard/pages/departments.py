"""``/dept`` and ``/dept/<id>``: the department cockpits (部门驾驶舱)."""

import dash
from dash import dcc, html

from dashboard.components.cards import count_tiles
from dashboard.components.cockpit import no_data
from dashboard.components.department import (
    delivery_table,
    department_index,
    department_name,
    indicator_matrix,
)
from dashboard.components.downloads import export_link
from dashboard.components.header import page_header
from dashboard.drawing import fmt
from dashboard.i18n import pick_lang, t
from dashboard.reading import data, metadata, tasks, warehouse
from dashboard.urls import dept_href, with_lang


def _shell(title: list, lang: str, as_of: dict, switch: str, body: list) -> html.Div:
    return html.Div(
        [page_header(title, lang, as_of, switch), *body],
        className="cockpit department",
        lang="zh-CN" if lang == "zh" else "en",
    )


def index_layout(lang: str | None = None, **_query: str):
    lang = pick_lang(lang)
    try:
        as_of, owners = data.as_of(), metadata.departments()
    except warehouse.NoWarehouse:
        return no_data(lang)
    other = "en" if lang == "zh" else "zh"
    title = [html.Span(t("dept.index_title", lang), className="area-name")]
    body = [
        html.P(t("dept.index_subtitle", lang), className="page-subtitle"),
        html.Main(department_index(owners, lang), className="dept-main"),
    ]
    return _shell(title, lang, as_of, with_lang("/dept", other), body)


def _task_panel(department_id: str, lang: str) -> html.Section:
    """督办 on the department's indicators: open, overdue, done; the list is at /tasks."""
    return html.Section(
        [
            html.Div(
                [
                    html.H2(t("dept.tasks", lang), className="domain-title"),
                    dcc.Link(t("nav.tasks", lang), href=with_lang("/tasks", lang)),
                ],
                className="panel-head",
            ),
            count_tiles(
                tasks.department_counts(department_id),
                ("open", "overdue", "done"),
                "dept.tasks",
                lang,
                id_prefix="dept-tasks",
                tile_class="task-count",
                row_class="task-counts",
            ),  # fmt: skip
        ],
        className="domain",
    )


def layout(department_id: str = "", lang: str | None = None, **_query: str):
    lang = pick_lang(lang)
    try:
        as_of = data.as_of()
        owner = metadata.department(department_id)
        if owner is None:
            return html.Div(
                [html.H1(t("notfound.title", lang)), html.P(t("dept.unknown", lang))],
                className="not-found",
            )
        matrix = metadata.department_matrix(department_id, as_of["period"])
        deliveries = metadata.department_deliveries(department_id, fmt.utc_now())
    except warehouse.NoWarehouse:
        return no_data(lang)
    other = "en" if lang == "zh" else "zh"
    title = [
        html.Span(department_name(owner, lang), className="area-name"),
        html.Span(t("dept.cockpit", lang), className="area-level"),
    ]
    body = [
        html.Main(
            [
                html.Section(
                    [
                        html.Div(
                            [
                                html.H2(t("dept.indicators", lang), className="domain-title"),
                                export_link(
                                    "department",
                                    lang,
                                    department=department_id,
                                    period=as_of["period"],
                                ),
                            ],
                            className="panel-head",
                        ),
                        html.Div(indicator_matrix(matrix, lang), className="table-scroll"),
                    ],
                    className="domain",
                ),
                _task_panel(department_id, lang),
                html.Section(
                    [
                        html.Div(
                            [
                                html.H2(t("dept.deliveries", lang), className="domain-title"),
                                export_link("deliveries", lang, department=department_id),
                            ],
                            className="panel-head",
                        ),
                        html.Div(delivery_table(deliveries, lang), className="table-scroll"),
                    ],
                    className="domain",
                ),
            ],
            className="dept-main",
        )
    ]
    return _shell(title, lang, as_of, dept_href(department_id, other), body)


dash.register_page(
    "dashboard.pages.departments_index",
    path="/dept",
    name="departments",
    title="部门驾驶舱",
    layout=index_layout,
)
dash.register_page(
    __name__,
    path_template="/dept/<department_id>",
    name="department",
    title="部门驾驶舱",
    layout=layout,
)
