"""区统计局: monthly population by community (xlsx with title rows above the header)."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="statistics",
    department_id="statistics",
    department_zh="区统计局",
    department_en="District Statistics Bureau",
    title_zh="社区人口统计月报",
    title_en="Monthly population by community",
    description_zh="各社区户籍人口、常住人口、60岁及以上人口和户数，按月报送。",
    description_en="Registered and resident population, residents aged 60+ and households "
    "per community, reported monthly.",
    table="population",
    key=("period", "area_code"),
    cadence="0 6 3 * *",
    max_age_days=45,
    fields=(
        Field("period", "month", ("统计月份", "月份", "统计期", "报告期")),
        Field(
            "area_code",
            "area",
            ("社区代码", "社区编码", "区划代码", "统计用区划代码"),
            name_aliases=("社区名称", "社区"),
        ),
        Field("registered_population", "count", ("户籍人口", "户籍人口数", "户籍人口(人)")),
        Field("resident_population", "count", ("常住人口", "常住人口数", "常住人口(人)")),
        Field("aged_60_plus", "count", ("60岁及以上人口", "60岁以上人口", "老年人口")),
        Field("households", "count", ("户数", "户籍户数"), required=False),
    ),
)
