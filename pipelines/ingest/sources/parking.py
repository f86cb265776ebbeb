"""区停车管理中心: public car parks, their spaces and monthly occupancy (便捷泊车)."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="parking",
    department_id="parking",
    department_zh="区停车管理中心",
    department_en="Parking Management Center",
    title_zh="公共停车场泊位及占用率",
    title_en="Public car parks and occupancy",
    description_zh="每个公共停车场的位置、泊位数和月平均、高峰占用率（接口导出）。",
    description_en="Each public car park's location, spaces, and average and peak occupancy "
    "per month (exported from the parking platform's API).",
    table="car_parks",
    key=("period", "lot_id"),
    cadence="0 3 * * *",
    max_age_days=3,
    fields=(
        Field("period", "month", ("month",)),
        Field("lot_id", "text", ("lotId",)),
        Field("lot_name", "text", ("lotName",)),
        Field("area_code", "area", ("areaCode",), levels=("community", "park")),
        Field("lon", "number", ("lng", "lon"), minimum=73, maximum=136),
        Field("lat", "number", ("lat",), minimum=3, maximum=54),
        Field("spaces", "count", ("spaces", "berths")),
        Field("occupancy_pct", "number", ("avgOccupancy",), minimum=0, maximum=100),
        Field("peak_occupancy_pct", "number", ("peakOccupancy",), minimum=0, maximum=100),
    ),
)
