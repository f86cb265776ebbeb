"""区市场监管局: food-service kitchens and the 阳光厨房 (open kitchen) programme."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="market_supervision",
    department_id="market_supervision",
    department_zh="区市场监管局",
    department_en="Market Supervision Bureau",
    title_zh="阳光厨房及餐饮监督检查月报",
    title_en="Open kitchens and food-service inspections, monthly",
    description_zh="各社区和园区餐饮单位数、接入阳光厨房的单位数、监督检查次数和不合格次数。",
    description_en="Food-service outlets, outlets with an open (live-streamed) kitchen, "
    "inspections and failed inspections, per community and park.",
    table="kitchens",
    key=("period", "area_code"),
    cadence="0 7 3 * *",
    max_age_days=45,
    fields=(
        Field("period", "month", ("统计月份", "月份")),
        Field(
            "area_code",
            "area",
            ("区域代码", "社区代码"),
            name_aliases=("区域名称", "社区"),
            levels=("community", "park"),
        ),
        Field("outlets", "count", ("餐饮单位数",)),
        Field("open_kitchens", "count", ("阳光厨房接入数", "阳光厨房数")),
        Field("inspections", "count", ("监督检查次数", "检查次数")),
        Field("failed_inspections", "count", ("不合格次数",)),
    ),
)
