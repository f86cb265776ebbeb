"""区政务服务中心: the service-item catalog of the internal "at most one trip" platform, and
the cases handled each month per community."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

ITEMS = TabularSource(
    id="gov_items",
    department_id="gov_services",
    department_zh="区政务服务中心",
    department_en="Government Services Center",
    title_zh="最多跑一次事项目录",
    title_en="'At most one trip' service items",
    description_zh="区级政务服务事项目录：实施部门、是否“最多跑一次”、是否可网上办理。",
    description_en="The district's government service items: the department that provides "
    "each, whether it takes at most one trip, and whether it can be handled online.",
    table="service_items",
    key=("period", "item_code"),
    cadence="0 6 1 * *",
    max_age_days=45,
    fields=(
        Field("period", "month", ("目录版本", "统计月份")),
        Field("item_code", "text", ("事项编码",)),
        Field("item_name", "text", ("事项名称",)),
        Field("provider", "text", ("实施部门",)),
        Field("at_most_one_trip", "text", ("是否最多跑一次",), choices=("是", "否")),
        Field("online", "text", ("是否可网办",), choices=("是", "否")),
    ),
)

CASES = TabularSource(
    id="gov_cases",
    department_id="gov_services",
    department_zh="区政务服务中心",
    department_en="Government Services Center",
    title_zh="政务服务办件月报",
    title_en="Government service cases, monthly",
    description_zh="各社区（便民服务中心）受理的办件量、超期件数和异常件数。",
    description_en="Cases accepted, overdue cases and abnormal cases per community service "
    "point, monthly.",
    table="service_cases",
    key=("period", "area_code"),
    cadence="0 6 2 * *",
    max_age_days=45,
    fields=(
        Field("period", "month", ("统计月份", "月份")),
        Field("area_code", "area", ("社区代码",), name_aliases=("社区",)),
        Field("cases", "count", ("办件量", "受理件数")),
        Field("overdue", "count", ("超期件数",)),
        Field("abnormal", "count", ("异常件数",)),
    ),
)
