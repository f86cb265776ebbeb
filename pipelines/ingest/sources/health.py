"""区卫健局: community health centre monthly report (UTF-8 CSV with BOM)."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="health",
    department_id="health",
    department_zh="区卫健局",
    department_en="Health Commission",
    title_zh="社区卫生服务月报",
    title_en="Community health services, monthly",
    description_zh="各社区门诊人次、家庭医生签约人数和疫苗接种剂次。",
    description_en="Clinic visits, family-doctor contracts and vaccine doses per community.",
    table="health_services",
    key=("period", "area_code"),
    cadence="0 7 4 * *",
    max_age_days=45,
    fields=(
        Field("period", "month", ("统计期", "统计月份", "月份")),
        Field("area_code", "area", ("社区编码", "社区代码"), name_aliases=("社区名称",)),
        Field("clinic_visits", "count", ("门诊人次", "门急诊人次")),
        Field("family_doctor_contracts", "count", ("家庭医生签约人数", "签约人数")),
        Field("vaccine_doses", "count", ("疫苗接种剂次", "接种剂次")),
    ),
)
