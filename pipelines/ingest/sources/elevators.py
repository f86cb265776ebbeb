"""区市场监管局 (特种设备): elevators, their alarms, faults and maintenance (智慧电梯)."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="elevators",
    department_id="market_supervision",
    department_zh="区市场监管局",
    department_en="Market Supervision Bureau",
    title_zh="智慧电梯运行月报",
    title_en="Smart elevators, monthly",
    description_zh="每台电梯的位置、困人报警次数、故障次数、维保次数以及维保是否按期。",
    description_en="Each elevator's location, entrapment alarms, faults, maintenance visits, "
    "and whether maintenance was on schedule.",
    table="elevator_month",
    key=("period", "device_id"),
    cadence="0 7 1 * *",
    max_age_days=45,
    fields=(
        Field("period", "month", ("统计月份", "月份")),
        Field("device_id", "text", ("设备注册代码", "设备编号")),
        Field(
            "area_code",
            "area",
            ("所在区域代码",),
            name_aliases=("所在社区",),
            levels=("community", "park"),
        ),
        Field("lon", "number", ("经度",), minimum=73, maximum=136),
        Field("lat", "number", ("纬度",), minimum=3, maximum=54),
        Field("entrapment_alarms", "count", ("困人报警次数",)),
        Field("faults", "count", ("故障次数",)),
        Field("maintenance_visits", "count", ("维保次数",)),
        Field("maintenance_on_time", "text", ("维保是否按期",), choices=("是", "否")),
    ),
)
