"""12345 市民热线: one row per ticket, with when, what, where (community and point), and
when it was answered and closed. Callers' names and phone numbers are never stored."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

CATEGORIES = (
    "城市管理",
    "环境保护",
    "交通出行",
    "住房保障",
    "社会保障",
    "市场监管",
    "医疗卫生",
    "教育",
    "其他",
)

SOURCE = TabularSource(
    id="hotline",
    department_id="hotline",
    department_zh="区12345热线办",
    department_en="12345 Citizen Hotline Office",
    title_zh="12345热线工单明细",
    title_en="12345 hotline tickets",
    description_zh="市民来电、网络诉求工单：受理时间、诉求类别、所属社区、定位、响应和办结时间。",
    description_en="Citizens' calls and online requests: when accepted, category, community, "
    "location, and when answered and closed.",
    table="hotline_ticket",
    key=("ticket_id",),
    cadence="0 2 * * *",
    max_age_days=3,
    personal_headers=("诉求人", "联系电话", "来电号码", "身份证号"),
    period_field="accepted_at",
    fields=(
        Field("ticket_id", "text", ("工单编号", "工单号")),
        Field("accepted_at", "datetime", ("受理时间", "来电时间")),
        Field("category", "text", ("诉求类别", "问题类别"), choices=CATEGORIES),
        Field("area_code", "area", ("社区代码", "所属社区代码"), name_aliases=("所属社区", "社区")),
        Field("lon", "number", ("经度",), required=False, minimum=73, maximum=136),
        Field("lat", "number", ("纬度",), required=False, minimum=3, maximum=54),
        Field("responded_at", "datetime", ("响应时间", "签收时间"), required=False),
        Field("closed_at", "datetime", ("办结时间",), required=False),
    ),
)
