"""团区委: volunteer service platform, monthly API dump (JSON)."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="youth",
    department_id="youth",
    department_zh="团区委",
    department_en="Youth League District Committee",
    title_zh="志愿服务平台月度数据",
    title_en="Volunteer service platform, monthly",
    description_zh="各社区注册志愿者人数、志愿活动场次和服务时长（平台接口导出）。",
    description_en="Registered volunteers, activities held and service hours per community "
    "(exported from the platform's API).",
    table="volunteering",
    key=("period", "area_code"),
    cadence="0 8 * * 1",
    max_age_days=40,
    fields=(
        Field("period", "month", ("month", "statMonth")),
        Field("area_code", "area", ("communityCode",), name_aliases=("communityName",)),
        Field("registered_volunteers", "count", ("registeredVolunteers",)),
        Field("activities", "count", ("activities", "activityCount")),
        Field("service_hours", "number", ("serviceHours",), minimum=0),
    ),
)
