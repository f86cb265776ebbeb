"""园区管委会: daily footfall of the park, by section (吃、住、行、游、娱、购)."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SECTIONS = ("吃", "住", "行", "游", "娱", "购")

SOURCE = TabularSource(
    id="tourism",
    department_id="park",
    department_zh="杭州新天地园区管委会",
    department_en="Hangzhou New World Park Office",
    title_zh="园区客流日报",
    title_en="Park footfall, daily",
    description_zh="园区各板块（吃、住、行、游、娱、购）每日客流人次，来自园区客流监测。",
    description_en="Daily visitors to each section of the park (eat, stay, travel, sights, "
    "fun, shop), from the park's footfall sensors.",
    table="park_footfall",
    key=("day", "area_code", "section"),
    cadence="0 1 * * *",
    max_age_days=2,
    period_field="day",
    fields=(
        Field("day", "datetime", ("日期",)),
        Field("area_code", "area", ("园区代码",), name_aliases=("园区",), levels=("park",)),
        Field("section", "text", ("板块",), choices=SECTIONS),
        Field("visitors", "count", ("客流人次", "客流量")),
    ),
)
