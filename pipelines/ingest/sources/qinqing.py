"""亲清在线: policy-subsidy applications by firms, and when and how much was paid."""

from pipelines.ingest.contract import TabularSource
from pipelines.ingest.fields import Field

SOURCE = TabularSource(
    id="qinqing",
    department_id="economy",
    department_zh="区发改经信局",
    department_en="Development, Reform & Economy Bureau",
    title_zh="亲清在线政策兑付明细",
    title_en="Qinqing Online policy payments",
    description_zh="企业在“亲清在线”申请政策补助的明细：所属社区、政策、申请和兑付日期、兑付金额。",
    description_en="Firms' applications for policy subsidies on the Qinqing Online platform: "
    "community, policy, dates applied and paid, and amount paid.",
    table="policy_payments",
    key=("application_id",),
    cadence="0 6 * * 1",
    max_age_days=10,
    period_field="applied_on",
    personal_headers=("联系人", "联系电话", "法定代表人身份证号"),
    fields=(
        Field("application_id", "text", ("申请编号",)),
        Field("credit_code", "text", ("统一社会信用代码",)),
        Field("area_code", "area", ("所属社区代码",), name_aliases=("所属社区",)),
        Field("policy", "text", ("政策名称",)),
        Field("applied_on", "datetime", ("申请日期",)),
        Field("paid_on", "datetime", ("兑付日期",), required=False),
        Field("amount_yuan", "number", ("兑付金额(元)", "兑付金额"), required=False, minimum=0),
    ),
)
