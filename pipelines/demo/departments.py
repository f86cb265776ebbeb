"""Demo extracts of the other departments, each in the format it would send.

All are deterministic, scaled to each community's registered population (``panel``), and
cover the same 24 months. The government-services catalog reproduces the district's
published figures: 358 service items across 42 departments, every one "at most one trip",
342 of them (95.53%) handleable online.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.demo.extracts import write_workbook
from pipelines.sources.tourism import SECTIONS

PARK_CODE = "330103008P01"
ITEMS, ONLINE_ITEMS = 358, 342
PROVIDERS = [
    "区发改经信局", "区教育局", "区科技局", "公安下城分局", "区民政局", "区司法局", "区财政局",
    "区人力社保局", "区规划资源分局", "区住建局", "区城管局", "区交通运输局", "区农业农村局",
    "区商务局", "区文广旅体局", "区卫健局", "区退役军人事务局", "区应急管理局", "区审计局",
    "区市场监管局", "区统计局", "区医保分局", "区林水局", "区生态环境分局", "区档案馆",
    "区人防办", "区城管执法局", "区消防救援大队", "区税务局", "区残联", "区红十字会",
    "区总工会", "团区委", "区妇联", "区科协", "区侨联", "区机关事务局", "区信访局",
    "区数据资源局", "区投资促进局", "区住房保障中心", "区公积金中心",
]  # fmt: skip


def _months(panel: pd.DataFrame) -> list[str]:
    return sorted(panel["month"].unique())


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
    note = ["填报单位：下城区民政局（养老服务科）"]
    write_workbook(path, "下城区社区养老服务月报", note, header, rows, "养老服务")


def write_urban_management(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(102)
    n = len(panel)
    opened = np.round(panel["registered"] * rng.uniform(0.004, 0.012, n)).astype(int)
    frame = pd.DataFrame(
        {
            "月份": panel["month"].str.replace("-", "/") + "/01",
            "社区代码": panel["code"],
            "社区": panel["name"],
            "立案数": opened,
            "按期结案数": np.floor(opened * rng.uniform(0.86, 1.0, n)).astype(int),
            "平均处置时长(小时)": np.round(rng.lognormal(2.6, 0.35, n), 1),
        }
    )
    frame.to_csv(path, index=False, encoding="gb18030")


def write_market_supervision(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(103)
    n = len(panel)
    outlets = np.round(panel["registered"] / rng.uniform(90, 160, n)).astype(int)
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
            "监督检查次数": np.round(outlets * rng.uniform(0.2, 0.4, n)).astype(int),
            "不合格次数": rng.poisson(0.6, n),
        }
    )
    months = _months(panel)
    park_outlets = 120
    park = pd.DataFrame(
        {
            "统计月份": months,
            "区域代码": PARK_CODE,
            "区域名称": "杭州新天地园区",
            "餐饮单位数": park_outlets,
            "阳光厨房接入数": np.minimum(park_outlets, 70 + np.arange(len(months)) * 2),
            "监督检查次数": rng.integers(25, 40, len(months)),
            "不合格次数": rng.poisson(1.0, len(months)),
        }
    )
    pd.concat([frame, park]).to_csv(path, index=False, encoding="utf-8-sig")


def write_gov_items(panel: pd.DataFrame, path: Path) -> None:
    """The catalog, one version a month: online handling grows to 342 of 358 items."""
    rng = np.random.default_rng(104)
    months = _months(panel)
    provider = np.concatenate(
        [np.arange(len(PROVIDERS)), rng.integers(0, len(PROVIDERS), ITEMS - len(PROVIDERS))]
    )
    online_from = rng.permutation(ITEMS)  # the order in which items went online
    rows = []
    for m, month in enumerate(months):
        online_count = round(290 + (ONLINE_ITEMS - 290) * m / (len(months) - 1))
        one_trip_count = ITEMS if m >= 5 else ITEMS - (6 - m) * 2
        for i in range(ITEMS):
            rows.append(
                {
                    "目录版本": month,
                    "事项编码": f"330103-{provider[i] + 1:02d}-{i + 1:04d}",
                    "事项名称": f"{PROVIDERS[provider[i]]}政务服务事项{i + 1:03d}",
                    "实施部门": PROVIDERS[provider[i]],
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
        "下城区政务服务办件月报",
        ["数据来源：区政务服务中心一窗受理平台"],
        header,
        rows,
        "办件",
    )


def _lots(
    points: pd.DataFrame, rng: np.random.Generator, park_centre: tuple[float, float]
) -> pd.DataFrame:
    chosen = points.sample(n=48, random_state=7).reset_index(drop=True)
    lots = pd.DataFrame(
        {
            "lotId": [f"P{n:04d}" for n in range(1, len(chosen) + 1)],
            "lotName": [f"公共停车场{n}号" for n in range(1, len(chosen) + 1)],
            "areaCode": chosen["code"],
            "lng": np.round(chosen["lon"] + rng.normal(0, 0.001, len(chosen)), 6),
            "lat": np.round(chosen["lat"] + rng.normal(0, 0.001, len(chosen)), 6),
            "spaces": rng.integers(40, 600, len(chosen)),
        }
    )
    park = pd.DataFrame(
        {
            "lotId": ["P9001", "P9002", "P9003", "P9004"],
            "lotName": [
                "新天地地下停车场A",
                "新天地地下停车场B",
                "新天地太阳剧场停车场",
                "新天地街区停车场",
            ],
            "areaCode": PARK_CODE,
            "lng": np.round(park_centre[0] + np.array([-0.002, 0.0, 0.0015, -0.0005]), 6),
            "lat": np.round(park_centre[1] + np.array([0.001, -0.0015, 0.0005, 0.0012]), 6),
            "spaces": [1200, 800, 450, 300],
        }
    )
    return pd.concat([lots, park], ignore_index=True)


def write_parking(
    panel: pd.DataFrame, points: pd.DataFrame, path: Path, park_centre: tuple[float, float]
) -> None:
    rng = np.random.default_rng(106)
    lots = _lots(points, rng, park_centre)
    records = []
    for month in _months(panel):
        occupancy = np.clip(rng.normal(72, 14, len(lots)), 15, 99)
        for lot, occ in zip(lots.to_dict("records"), occupancy, strict=True):
            peak = min(100.0, occ + rng.uniform(8, 25))
            records.append(
                {
                    "month": month,
                    **lot,
                    "spaces": int(lot["spaces"]),
                    "avgOccupancy": round(float(occ), 1),
                    "peakOccupancy": round(float(peak), 1),
                }
            )
    payload = {"code": 200, "message": "ok", "data": {"list": records}}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def write_elevators(
    panel: pd.DataFrame, points: pd.DataFrame, path: Path, park_centre: tuple[float, float]
) -> None:
    rng = np.random.default_rng(107)
    last = panel[panel["month"] == panel["month"].max()].set_index("code")
    counts = (last["registered"] / 320).round().astype(int).reindex(points["code"]).to_numpy()
    devices = pd.DataFrame(
        {
            "code": np.repeat(points["code"].to_numpy(), counts),
            "lon": np.repeat(points["lon"].to_numpy(), counts),
            "lat": np.repeat(points["lat"].to_numpy(), counts),
        }
    )
    park = pd.DataFrame(
        {"code": PARK_CODE, "lon": park_centre[0], "lat": park_centre[1]}, index=range(60)
    )
    devices = pd.concat([devices, park], ignore_index=True)
    devices["lon"] = np.round(devices["lon"] + rng.normal(0, 0.0012, len(devices)), 6)
    devices["lat"] = np.round(devices["lat"] + rng.normal(0, 0.001, len(devices)), 6)
    devices["id"] = [f"31103301{n:06d}" for n in range(1, len(devices) + 1)]
    frames = []
    for month in _months(panel):
        n = len(devices)
        frames.append(
            pd.DataFrame(
                {
                    "统计月份": month,
                    "设备注册代码": devices["id"],
                    "所在区域代码": devices["code"],
                    "经度": devices["lon"],
                    "纬度": devices["lat"],
                    "困人报警次数": rng.poisson(0.05, n),
                    "故障次数": rng.poisson(0.12, n),
                    "维保次数": rng.choice([1, 2], n, p=[0.35, 0.65]),
                    "维保是否按期": np.where(rng.random(n) < 0.97, "是", "否"),
                }
            )
        )
    pd.concat(frames).to_csv(path, index=False, encoding="utf-8-sig")


def write_tourism(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(108)
    months = _months(panel)
    days = pd.date_range(f"{months[0]}-01", pd.Period(months[-1]).end_time.normalize(), freq="D")
    base = {"吃": 9000, "住": 1200, "行": 5000, "游": 6500, "娱": 4200, "购": 11000}
    rows = []
    for day in days:
        weekend = 1.45 if day.day_of_week >= 5 else 1.0
        holiday = (
            1.8 if (day.month, day.day) in {(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)} else 1.0
        )
        growth = 1 + 0.0004 * (day - days[0]).days
        for section in SECTIONS:
            visitors = int(base[section] * weekend * holiday * growth * rng.uniform(0.85, 1.15))
            rows.append(
                {
                    "日期": day.strftime("%Y-%m-%d"),
                    "园区": "杭州新天地园区",
                    "板块": section,
                    "客流人次": visitors,
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")


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
    frame.to_csv(path, index=False, encoding="gb18030")


def write_qinqing(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(110)
    policies = [
        "稳企业减负担补助",
        "人才租房补贴",
        "防疫物资生产奖励",
        "科技型企业研发补助",
        "楼宇经济扶持",
        "文化产业扶持资金",
    ]
    codes = panel.drop_duplicates("code")[["code", "name"]].to_numpy()
    first, last = (
        pd.Timestamp(f"{panel['month'].min()}-01"),
        pd.Period(panel["month"].max()).end_time,
    )
    count = 3200
    applied = first + pd.to_timedelta(rng.integers(0, (last - first).days + 1, count), unit="D")
    wait = rng.gamma(2.2, 3.0, count).round().astype(int) + 1
    paid = applied + pd.to_timedelta(wait, unit="D")
    unpaid = (paid > last) | (rng.random(count) < 0.02)
    which = rng.integers(0, len(codes), count)
    rows = [
        [
            f"QQ{2018 + i % 2}{i + 1:06d}",
            f"91330103MA{rng.integers(10**7, 10**8):08d}X",
            codes[which[i]][0],
            codes[which[i]][1],
            policies[rng.integers(0, len(policies))],
            applied[i].to_pydatetime(),
            None if unpaid[i] else paid[i].to_pydatetime(),
            None if unpaid[i] else float(rng.choice([5000, 10000, 20000, 50000, 100000])),
            "张经理",
            "0571-8" + str(rng.integers(1000000, 9999999)),
        ]
        for i in range(count)
    ]
    rows.sort(key=lambda r: r[5])
    header = [
        "申请编号",
        "统一社会信用代码",
        "所属社区代码",
        "所属社区",
        "政策名称",
        "申请日期",
        "兑付日期",
        "兑付金额(元)",
        "联系人",
        "联系电话",
    ]
    write_workbook(
        path, "亲清在线政策兑付明细", ["导出自“亲清在线”数字平台"], header, rows, "兑付明细"
    )
