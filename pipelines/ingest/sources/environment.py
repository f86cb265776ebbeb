"""区生态环境分局 / 区城管局 (垃圾分类): household waste sorted and collected, per community."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="environment",
    department_id="environment",
    department_zh="区生态环境分局",
    department_en="Ecology & Environment Bureau",
    title_zh="生活垃圾分类月报",
    title_en="Household waste sorting, monthly",
    description_zh="各社区厨余垃圾、可回收物、有害垃圾和其他垃圾清运量（吨）及分类准确率。",
    description_en="Kitchen waste, recyclables, hazardous and other waste collected (tonnes) "
    "and the sorting accuracy found at inspection, per community.",
    table="waste",
    key=("period", "area_code"),
    cadence="0 8 4 * *",
    max_age_days=45,
    fields=(
        Field("period", "month", ("月份", "统计月份")),
        Field("area_code", "area", ("社区代码",), name_aliases=("社区",)),
        Field("kitchen_t", "number", ("厨余垃圾(吨)",), minimum=0),
        Field("recyclable_t", "number", ("可回收物(吨)",), minimum=0),
        Field("hazardous_t", "number", ("有害垃圾(吨)",), minimum=0),
        Field("other_t", "number", ("其他垃圾(吨)",), minimum=0),
        Field("sorting_accuracy_pct", "number", ("分类准确率(%)",), minimum=0, maximum=100),
    ),
)

# The district's automatic air-quality stations publish one daily report each; the
# published time matters, because the cockpit shows the latest reading.
AIR = TabularSource(
    id="air_quality",
    department_id="environment",
    department_zh="区生态环境分局",
    department_en="Ecology & Environment Bureau",
    title_zh="空气质量自动监测站日报",
    title_en="Air-quality monitoring stations, daily",
    description_zh="辖区空气质量自动监测站每日空气质量指数（AQI）和 PM2.5 浓度日均值及发布时间。",
    description_en="Each automatic air-quality station's daily air-quality index (AQI) and "
    "mean PM2.5 concentration, with the time the reading was published.",
    table="air_quality",
    key=("day", "station_id"),
    cadence="0 10 * * *",
    max_age_days=2,
    period_field="day",
    fields=(
        Field("day", "datetime", ("监测日期", "日期")),
        Field("station_id", "text", ("站点编码",)),
        Field("station_name", "text", ("站点名称",), required=False),
        Field("area_code", "area", ("社区代码",), name_aliases=("所在社区",)),
        Field("aqi", "number", ("AQI", "空气质量指数"), minimum=0, maximum=500),
        Field("pm25", "number", ("PM2.5(μg/m³)", "PM2.5"), minimum=0, maximum=1000),
        Field("published_at", "datetime", ("发布时间",)),
    ),
)
