"""区城管局: city-management cases (数字城管) reported and closed, per community."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="urban_management",
    department_id="urban_management",
    department_zh="区城管局",
    department_en="Urban Management Bureau",
    title_zh="数字城管案件月度统计",
    title_en="City-management cases, monthly",
    description_zh="各社区数字城管立案数、按期结案数和平均处置时长。",
    description_en="City-management cases opened, closed on time, and the average hours to "
    "resolve them, per community.",
    table="city_cases",
    key=("period", "area_code"),
    cadence="0 7 2 * *",
    max_age_days=45,
    fields=(
        Field("period", "month", ("月份", "统计月份")),
        Field("area_code", "area", ("社区代码",), name_aliases=("社区",)),
        Field("cases_opened", "count", ("立案数", "案件数")),
        Field("cases_closed_on_time", "count", ("按期结案数",)),
        Field("hours_to_close", "number", ("平均处置时长(小时)", "平均处置时长"), minimum=0),
    ),
)
