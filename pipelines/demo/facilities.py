"""Demo extracts of facilities and events: car parks, elevators, the park's footfall and
亲清在线 policy payments, each in the format its system exports."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from pipelines.areas.inside import kept_inside
from pipelines.demo.extracts import write_workbook
from pipelines.demo.problems import affected
from pipelines.demo.reports import months_of
from pipelines.ingest.sources.tourism import SECTIONS


def _lots(
    points: pd.DataFrame,
    rng: np.random.Generator,
    park_centre: tuple[float, float] | None,
    park_code: str | None,
) -> pd.DataFrame:
    # 48 car parks, or one per community in a tree with fewer.
    chosen = points.sample(n=min(48, len(points)), random_state=7).reset_index(drop=True)
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
    if park_centre is None:
        return lots
    park = pd.DataFrame(
        {
            "lotId": ["P9001", "P9002", "P9003", "P9004"],
            "lotName": [
                "新天地地下停车场A",
                "新天地地下停车场B",
                "新天地太阳剧场停车场",
                "新天地街区停车场",
            ],
            "areaCode": park_code,
            "lng": np.round(park_centre[0] + np.array([-0.002, 0.0, 0.0015, -0.0005]), 6),
            "lat": np.round(park_centre[1] + np.array([0.001, -0.0015, 0.0005, 0.0012]), 6),
            "spaces": [1200, 800, 450, 300],
        }
    )
    return pd.concat([lots, park], ignore_index=True)


def write_parking(
    panel: pd.DataFrame,
    points: pd.DataFrame,
    path: Path,
    park_centre: tuple[float, float] | None,
    shapes: dict[str, BaseGeometry],
) -> None:
    rng = np.random.default_rng(106)
    lots = _lots(points, rng, park_centre, panel.attrs["park_code"])
    lots["lng"], lots["lat"] = kept_inside(lots["areaCode"], lots["lng"], lots["lat"], shapes, 6)
    records = []
    for month in months_of(panel):
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
    panel: pd.DataFrame,
    points: pd.DataFrame,
    path: Path,
    park_centre: tuple[float, float] | None,
    shapes: dict[str, BaseGeometry],
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
    if park_centre is not None:
        park = pd.DataFrame(
            {"code": panel.attrs["park_code"], "lon": park_centre[0], "lat": park_centre[1]},
            index=range(60),
        )
        devices = pd.concat([devices, park], ignore_index=True)
    devices["lon"] = np.round(devices["lon"] + rng.normal(0, 0.0012, len(devices)), 6)
    devices["lat"] = np.round(devices["lat"] + rng.normal(0, 0.001, len(devices)), 6)
    devices["lon"], devices["lat"] = kept_inside(
        devices["code"], devices["lon"], devices["lat"], shapes, 7
    )
    devices["id"] = [f"31103301{n:06d}" for n in range(1, len(devices) + 1)]
    frames = []
    street_of = dict(zip(panel["code"], panel["street"], strict=False))
    problems = panel.attrs["problems"]
    for month in months_of(panel):
        n = len(devices)
        # A maintenance firm that stops keeping its dates, where a problem is planted.
        late = [
            affected(problems, "elevator_maintenance_on_time", c, street_of.get(c, ""), month)
            for c in devices["code"]
        ]
        on_time = np.where(late, 0.55, 0.97)
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
                    "维保是否按期": np.where(rng.random(n) < on_time, "是", "否"),
                }
            )
        )
    pd.concat(frames).to_csv(path, index=False, encoding="utf-8-sig")


def write_tourism(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(108)
    months = months_of(panel)
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
                    "园区": panel.attrs["park_name"],
                    "板块": section,
                    "客流人次": visitors,
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")


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
    prefix = panel.attrs["district_code"][:6]
    applied = first + pd.to_timedelta(rng.integers(0, (last - first).days + 1, count), unit="D")
    wait = rng.gamma(2.2, 3.0, count).round().astype(int) + 1
    paid = applied + pd.to_timedelta(wait, unit="D")
    unpaid = (paid > last) | (rng.random(count) < 0.02)
    which = rng.integers(0, len(codes), count)
    rows = [
        [
            f"QQ{2018 + i % 2}{i + 1:06d}",
            f"91{prefix}MA{rng.integers(10**7, 10**8):08d}X",
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


# Four automatic stations, in the communities they stand in; each publishes its daily
# report at its own hour the next morning.
AIR_STATIONS = (
    ("XC01", "朝晖站", "330103006051", 9),
    ("XC02", "武林站", "330103002051", 10),
    ("XC03", "石桥站", "330103009001", 11),
    ("XC04", "文晖站", "330103007001", 12),
)


def _stations(panel: pd.DataFrame) -> tuple[tuple[str, str, str, int], ...]:
    """The demo district's stations; another tree's demo spreads four over its communities."""
    codes = sorted(panel["code"].unique())
    if all(station[2] in codes for station in AIR_STATIONS):
        return AIR_STATIONS
    names = dict(zip(panel["code"], panel["name"], strict=False))
    picked = [codes[(len(codes) * (2 * n + 1)) // 8] for n in range(4)]
    return tuple(
        (f"AQ{n + 1:02d}", f"{names[code].removesuffix('社区')}站", code, 9 + n)
        for n, code in enumerate(picked)
    )


def write_air_quality(panel: pd.DataFrame, path: Path) -> None:
    rng = np.random.default_rng(112)
    stations = _stations(panel)
    months = months_of(panel)
    days = pd.date_range(f"{months[0]}-01", pd.Period(months[-1]).end_time.normalize(), freq="D")
    winter = np.cos((days.day_of_year.to_numpy() - 15) / 365 * 2 * np.pi)  # worse in January
    rows = []
    for i, day in enumerate(days):
        regional = 38 + 22 * winter[i] + rng.normal(0, 9)
        for station, name, community, hour in stations:
            pm25 = max(5.0, regional + rng.normal(0, 4))
            aqi = _aqi_from_pm25(pm25)
            published = day + pd.Timedelta(days=1, hours=hour, minutes=int(rng.integers(0, 30)))
            rows.append(
                {
                    "监测日期": day.strftime("%Y-%m-%d"),
                    "站点编码": station,
                    "站点名称": name,
                    "社区代码": community,
                    "AQI": aqi,
                    "PM2.5(μg/m³)": round(pm25, 1),
                    "发布时间": published.strftime("%Y-%m-%d %H:%M"),
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")


def _aqi_from_pm25(pm25: float) -> int:
    """The PM2.5 sub-index of HJ 633-2012 (daily breakpoints), as a whole number."""
    points = [(0, 0), (35, 50), (75, 100), (115, 150), (150, 200), (250, 300), (350, 400),
              (500, 500)]  # fmt: skip
    for (c_lo, i_lo), (c_hi, i_hi) in zip(points, points[1:], strict=False):
        if pm25 <= c_hi:
            return round(i_lo + (i_hi - i_lo) * (pm25 - c_lo) / (c_hi - c_lo))
    return 500
