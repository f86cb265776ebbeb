"""区住建局: old-community renovation and construction sites (GB18030 CSV, names not codes)."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="housing",
    department_id="housing",
    department_zh="区住建局",
    department_en="Housing & Construction Bureau",
    title_zh="老旧小区改造及在建工地月度台账",
    title_en="Old-community renovation and construction sites, monthly",
    description_zh="各社区老旧小区改造计划户数、累计完成户数和在建工地数。",
    description_en="Households planned and completed in old-community renovation, and active "
    "construction sites, per community.",
    table="renovation",
    key=("period", "area_code"),
    cadence="0 7 5 * *",
    max_age_days=45,
    personal_headers=("填报人", "联系电话"),
    fields=(
        Field("period", "month", ("月份", "统计月份", "填报月份")),
        Field("area_code", "area", ("社区代码", "社区编码"), name_aliases=("社区", "社区名称")),
        Field("renovation_planned", "count", ("计划改造户数", "改造计划户数")),
        Field("renovation_completed", "count", ("累计完成改造户数", "已完成改造户数")),
        Field("construction_sites", "count", ("在建工地数", "在建工地(个)")),
    ),
)
