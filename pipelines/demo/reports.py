"""Demo extracts: the departments' monthly reports, one row per community and month.

The government-services catalog reproduces the district's published figures: 358 service
items across 42 departments, every one "at most one trip", 342 of them (95.53%)
handleable online.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.demo.extracts import write_workbook
from pipelines.demo.problems import Drift, affected

ITEMS, ONLINE_ITEMS = 358, 342


PROVIDERS = [
    "区发改经信局", "区教育局", "区科技局", "公安{short}分局", "区民政局", "区司法局", "区财政局",
    "区人力社保局", "区规划资源分局", "区住建局", "区城管局", "区交通运输局", "区农业农村局",
    "区商务局", "区文广旅体局", "区卫健局", "区退役军人事务局", "区应急管理局", "区审计局",
    "区市场监管局", "区统计局", "区医保分局", "区林水局", "区生态环境分局", "区档案馆",
    "区人防办", "区城管执法局", "区消防救援大队", "区税务局", "区残联", "区红十字会",
    "区总工会", "团区委", "区妇联", "区科协", "区侨联", "区机关事务局", "区信访局",
    "区数据资源局", "区投资促进局", "区住房保障中心", "区公积金中心",
]  # fmt: skip


def months_of(panel: pd.DataFrame) -> list[str]:
    return sorted(panel["month"].unique())


def _planted(panel: pd.DataFrame, indicator: str) -> np.ndarray:
    """Which rows of the panel carry a planted problem of ``indicator``."""
    return np.array(
        [
            affected(panel.attrs["problems"], indicator, r.code, r.street, r.month)
            for r in panel[["code", "street", "month"]].itertuples()
        ]
    )


def write_civil_affairs(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(101)
    rows = [
        [
            dt.datetime.strptime(r.month, "%Y-%m"),
            r.code,
            r.name,
            int(r.aged_60 * rng.uniform(0.16, 0.2)),
            int(r.aged_60 * rng.uniform(0.05, 0.09)),
            int(r.aged_60 * rng.uniform(0.12, 0.15)),
            round(r.aged_60 * rng.uniform(0.12, 0.15) * 200, 2),
        ]
        for r in panel.itertuples()
    ]
    header = [
        "统计月份",
        "社区代码",
        "社区名称",
        "80岁以上老人数",
        "居家养老服务人次",
        "养老补贴发放人数",
        "补贴金额(元)",
    ]
    district = panel.attrs["district_name"]
    note = [f"填报单位：{district}民政局（养老服务科）"]
    write_workbook(path, f"{district}社区养老服务月报", note, header, rows, "养老服务")


def write_urban_management(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(102)
    n = len(panel)
    opened = np.round(panel["registered"] * rng.uniform(0.004, 0.012, n)).astype(int)
    # Most cases close on time (a few percent late); where a problem is planted, a quarter
    # to a third do not.
    slow = _planted(panel, "city_cases_closed_on_time")
    share = np.where(slow, rng.uniform(0.62, 0.75, n), 1 - rng.beta(1.0, 80.0, n))
    frame = pd.DataFrame(
        {
            "月份": panel["month"].str.replace("-", "/") + "/01",
            "社区代码": panel["code"],
            "社区": panel["name"],
            "立案数": opened,
            "按期结案数": np.floor(opened * share).astype(int),
            "平均处置时长(小时)": np.round(rng.lognormal(2.6, 0.35, n), 1),
        }
    )
    frame.to_csv(path, index=False, encoding="gb18030")


def write_market_supervision(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(103)
    n = len(panel)
    outlets = np.round(panel["registered"] / rng.uniform(90, 160, n)).astype(int)
    inspections = np.round(outlets * rng.uniform(0.2, 0.4, n)).astype(int)
    frame = pd.DataFrame(
        {
            "统计月份": panel["month"],
            "区域代码": panel["code"],
            "区域名称": panel["name"],
            "餐饮单位数": outlets,
            "阳光厨房接入数": np.floor(
                outlets
                * np.clip(
                    rng.uniform(0.45, 0.7, n)
                    + 0.012 * panel["month"].rank(method="dense").to_numpy(),
                    0,
                    1,
                )
            ).astype(int),
            "监督检查次数": inspections,
            # Where a problem is planted, kitchens fail inspection after inspection.
            "不合格次数": rng.binomial(
                inspections, np.where(_planted(panel, "kitchen_inspection_fail_rate"), 0.4, 0.04)
            ),
        }
    )
    months = months_of(panel)
    if panel.attrs["park_code"] is None:
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        return
    park_outlets = 120
    park = pd.DataFrame(
        {
            "统计月份": months,
            "区域代码": panel.attrs["park_code"],
            "区域名称": panel.attrs["park_name"],
            "餐饮单位数": park_outlets,
            "阳光厨房接入数": np.minimum(park_outlets, 70 + np.arange(len(months)) * 2),
            "监督检查次数": (park_checks := rng.integers(25, 40, len(months))),
            "不合格次数": rng.binomial(park_checks, 0.04),
        }
    )
    pd.concat([frame, park]).to_csv(path, index=False, encoding="utf-8-sig")


def write_gov_items(panel: pd.DataFrame, path: Path) -> None:
    """The catalog, one version a month: online handling grows to 342 of 358 items."""
    rng = np.random.default_rng(104)
    months = months_of(panel)
    provider = np.concatenate(
        [np.arange(len(PROVIDERS)), rng.integers(0, len(PROVIDERS), ITEMS - len(PROVIDERS))]
    )
    online_from = rng.permutation(ITEMS)  # the order in which items went online
    prefix = panel.attrs["district_code"][:6]
    short = panel.attrs["district_name"].removesuffix("区")
    providers = [p.format(short=short) for p in PROVIDERS]
    rows = []
    for m, month in enumerate(months):
        online_count = round(290 + (ONLINE_ITEMS - 290) * m / (len(months) - 1))
        one_trip_count = ITEMS if m >= 5 else ITEMS - (6 - m) * 2
        for i in range(ITEMS):
            rows.append(
                {
                    "目录版本": month,
                    "事项编码": f"{prefix}-{provider[i] + 1:02d}-{i + 1:04d}",
                    "事项名称": f"{providers[provider[i]]}政务服务事项{i + 1:03d}",
                    "实施部门": providers[provider[i]],
                    "是否最多跑一次": "是" if online_from[i] < one_trip_count else "否",
                    "是否可网办": "是" if online_from[i] < online_count else "否",
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False, encoding="gb18030")


def write_gov_cases(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(105)
    rows = []
    for r in panel.itertuples():
        cases = int(r.registered * rng.uniform(0.012, 0.025))
        rows.append(
            [
                dt.datetime.strptime(r.month, "%Y-%m"),
                r.code,
                r.name,
                cases,
                int(rng.poisson(cases * 0.004)),
                int(rng.poisson(cases * 0.002)),
            ]
        )
    header = ["统计月份", "社区代码", "社区", "办件量", "超期件数", "异常件数"]
    write_workbook(
        path,
        f"{panel.attrs['district_name']}政务服务办件月报",
        ["数据来源：区政务服务中心一窗受理平台"],
        header,
        rows,
        "办件",
    )


def write_environment(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(109)
    n = len(panel)
    people = panel["resident"].to_numpy()
    month_index = panel["month"].rank(method="dense").to_numpy()
    frame = pd.DataFrame(
        {
            "月份": [f"{m[:4]}年{int(m[5:])}月" for m in panel["month"]],
            "社区": panel["name"],
            "厨余垃圾(吨)": np.round(people * rng.uniform(0.009, 0.012, n), 2),
            "可回收物(吨)": np.round(people * rng.uniform(0.004, 0.006, n), 2),
            "有害垃圾(吨)": np.round(people * rng.uniform(0.00002, 0.00005, n), 3),
            "其他垃圾(吨)": np.round(people * rng.uniform(0.014, 0.018, n), 2),
            "分类准确率(%)": np.round(
                np.clip(rng.normal(82, 5, n) + month_index * 0.45, 50, 99.5), 1
            ),
        }
    )
    for drift in panel.attrs["drifts"]:
        if drift.indicator == "recyclable_share":
            _slide_recycling(frame, panel, drift)
    if panel.attrs["names_clash"]:
        frame.insert(1, "社区代码", panel["code"])
    frame.to_csv(path, index=False, encoding="gb18030")


def _slide_recycling(frame: pd.DataFrame, panel: pd.DataFrame, drift: Drift) -> None:
    """The planted drift of the recyclable share: a community whose share held steady
    (within a fifth of a point of its mean) until its recyclables start to fall against the rest."""
    rows = np.flatnonzero((panel["code"] == drift.area_code).to_numpy())
    months = panel["month"].to_numpy()[rows]
    others = frame.loc[rows, ["厨余垃圾(吨)", "有害垃圾(吨)", "其他垃圾(吨)"]].sum(axis=1)
    recyclable = frame.loc[rows, "可回收物(吨)"]
    share = recyclable / (recyclable + others)
    start = float(share[months < drift.since].mean())
    steady = start + 0.1 * (share - start)
    slid = [drift.value(100 * start, m) / 100 for m in months]
    target = np.where(months < drift.since, steady, slid)
    frame.loc[rows, "可回收物(吨)"] = np.round(others * target / (1 - target), 2)
