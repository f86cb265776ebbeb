"""区民政局: elderly residents, home-care services and elderly subsidies, per community."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="civil_affairs",
    department_id="civil_affairs",
    department_zh="区民政局",
    department_en="Civil Affairs Bureau",
    title_zh="社区养老服务月报",
    title_en="Elderly care by community, monthly",
    description_zh="各社区80岁以上老人数、居家养老服务人次、养老服务补贴发放人数和金额。",
    description_en="Residents aged 80+, home-care visits, and people and amounts of elderly-care "
    "subsidies paid, per community.",
    table="elderly_care",
    key=("period", "area_code"),
    cadence="0 6 6 * *",
    max_age_days=45,
    fields=(
        Field("period", "month", ("统计月份", "月份")),
        Field("area_code", "area", ("社区代码", "社区编码"), name_aliases=("社区名称", "社区")),
        Field("aged_80_plus", "count", ("80岁以上老人数", "高龄老人数")),
        Field("home_care_visits", "count", ("居家养老服务人次",)),
        Field("subsidy_recipients", "count", ("养老补贴发放人数", "补贴发放人数")),
        Field("subsidy_yuan", "number", ("补贴金额(元)", "补贴金额"), minimum=0),
    ),
)
