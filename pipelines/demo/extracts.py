"""Deterministic demo extracts, written as the departments really send them.

24 months (2018-01 … 2019-12) for the 75 communities. Registered population sums to
423,600 in December 2019, the district's published figure for the end of 2019.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from pipelines.demo.problems import DRIFTS, Drift, planted
from pipelines.ingest.area_index import AreaIndex

# The demo district's published end-2019 figure, 423,600 people in 75 communities; another
# tree's demo gets as many people per community.
PEOPLE_PER_COMMUNITY = 423_600 / 75
MONTHS = pd.period_range("2018-01", "2019-12", freq="M")
_FIXED_TIME = dt.datetime(2020, 1, 10, 9, 0, 0)


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to exactly ``total``."""
    exact = weights / weights.sum() * total
    floor = np.floor(exact).astype(int)
    short = total - floor.sum()
    floor[np.argsort(-(exact - floor), kind="stable")[:short]] += 1
    return floor


def _ambiguous_names(areas: pd.DataFrame) -> frozenset[str]:
    """The names (with or without 社区/街道) that more than one area answers to, as the
    refresh resolves names: a name-keyed extract may not use them alone."""
    keys = AreaIndex(areas).frame
    return frozenset(keys.loc[keys["ambiguous"], "key"])


def community_panel(areas: pd.DataFrame, seed: int = 2019) -> pd.DataFrame:
    """One row per community and month with every demo measure, before formatting. Its
    ``attrs`` carry the place the writers name: the district, its park and the problems
    planted in it."""
    rng = np.random.default_rng(seed)
    comm = areas[areas["level"] == "community"].sort_values("code").reset_index(drop=True)
    n = len(comm)
    people = round(PEOPLE_PER_COMMUNITY * n)
    end_pop = _largest_remainder(rng.gamma(6.0, 1.0, n) + 1.5, people)
    elderly_share = rng.uniform(0.21, 0.33, n)
    growth = rng.uniform(-0.0004, 0.0018, n)  # monthly, some communities shrink
    planned = np.where(rng.random(n) < 0.6, rng.integers(120, 900, n), 0)
    sites = rng.integers(0, 5, n)
    fd_base = rng.uniform(0.26, 0.36, n)
    vol_base = rng.uniform(0.030, 0.065, n)
    rows = []
    for m, month in enumerate(MONTHS):
        back = len(MONTHS) - 1 - m
        pop = np.round(end_pop / (1 + growth) ** back).astype(int) if back else end_pop
        season = 1 + 0.12 * np.cos((month.month - 1) / 12 * 2 * np.pi)  # winter peak
        progress = min(1.0, (m + 1) / 20) ** 1.3
        rows.append(
            pd.DataFrame(
                {
                    "month": str(month),
                    "code": comm["code"],
                    "name": comm["name_zh"],
                    "street": comm["parent_code"],
                    "registered": pop,
                    "resident": np.round(pop * rng.uniform(1.05, 1.18, n)).astype(int),
                    "aged_60": np.round(pop * (elderly_share + 0.0004 * m)).astype(int),
                    "households": np.round(pop / rng.uniform(2.4, 2.8, n)).astype(int),
                    "planned": planned,
                    "completed": np.floor(planned * progress * rng.uniform(0.7, 1.0, n)).astype(
                        int
                    ),
                    "sites": np.maximum(0, sites + rng.integers(-1, 2, n)),
                    "visits": np.round(pop * 0.21 * season * rng.uniform(0.9, 1.1, n)).astype(int),
                    "contracts": np.round(pop * (fd_base + 0.0035 * m)).astype(int),
                    "doses": np.round(pop * 0.018 * rng.uniform(0.7, 1.3, n)).astype(int),
                    "volunteers": np.round(pop * (vol_base + 0.0006 * m)).astype(int),
                    "activities": rng.integers(2, 14, n),
                    "hours": np.round(pop * vol_base * rng.uniform(1.5, 3.5, n), 1),
                }
            )
        )
    panel = pd.concat(rows, ignore_index=True)
    # The top of the tree names the files: the district, or the city above several.
    district = areas[areas["parent_code"].isna()].iloc[0]
    parks = areas[areas["level"] == "park"].sort_values("code")
    panel.attrs = {
        "ambiguous_names": (ambiguous := _ambiguous_names(areas)),
        # Two communities with one name: name-keyed extracts carry codes too, as a
        # department's would have to.
        "names_clash": bool(set(comm["name_zh"]) & ambiguous),
        "district_code": district["code"],
        "district_name": district["name_zh"],
        "park_code": parks["code"].iloc[0] if len(parks) else None,
        "park_name": parks["name_zh"].iloc[0] if len(parks) else None,
        "problems": planted(areas),
        "drifts": (drifts := planted(areas, DRIFTS)),
    }
    for drift in drifts:
        if drift.indicator == "family_doctor_coverage":
            _slide_contracts(panel, drift)
    return panel


def _slide_contracts(panel: pd.DataFrame, drift: Drift) -> None:
    """The planted drift of family-doctor coverage: contracts lapse month by month."""
    rows = panel["code"] == drift.area_code
    before = panel[rows & (panel["month"] < drift.since)].iloc[-1]
    start = 100 * before["contracts"] / before["registered"]
    sliding = rows & (panel["month"] >= drift.since)
    rate = panel.loc[sliding, "month"].map(lambda m: drift.value(start, m))
    panel.loc[sliding, "contracts"] = np.round(
        panel.loc[sliding, "registered"] * rate / 100
    ).astype(int)


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with fixed member timestamps, so the same demo has the same hash."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2020, 1, 10, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2020-01-10T09:00:00Z", content
                )
            dst.writestr(info, content)
    return out.getvalue()


def write_workbook(
    path: Path, title: str, note: list, header: list[str], rows: list[list], sheet: str
) -> None:
    """An xlsx as departments make them: a merged title row and a note line above the
    header; dates as real dates (shown yyyy-mm), the same bytes on every run."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(note)
    ws.append(header)
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm" if cell.value.day == 1 else "yyyy-mm-dd"
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_deterministic_zip(buffer.getvalue()))


def write_statistics(panel: pd.DataFrame, streets: dict[str, str], path: Path) -> None:
    """区统计局: a merged title, a unit line, dates and codes as numbers."""
    rows = [
        [
            dt.datetime.strptime(r.month, "%Y-%m"),
            streets[r.street],
            int(r.code),  # as the statistics system exports it: a number, not text
            r.name,
            int(r.registered),
            int(r.resident),
            int(r.aged_60),
            int(r.households),
        ]
        for r in panel.itertuples()
    ]
    header = [
        "统计月份",
        "街道",
        "社区代码",
        "社区名称",
        "户籍人口",
        "常住人口",
        "60岁及以上人口",
        "户数",
    ]
    district = panel.attrs["district_name"]
    title = f"{district}各社区人口统计月报（2018年1月—2019年12月）"
    note = [f"填报单位：{district}统计局", None, None, None, "单位：人、户"]
    write_workbook(path, title, note, header, rows, "人口月报")


def write_housing(panel: pd.DataFrame, streets: dict[str, str], path: Path) -> None:
    """区住建局: GB18030 CSV keyed by community name (suffix 社区 sometimes dropped)."""
    short = panel["name"].str.removesuffix("社区")
    keep = (panel.index % 3 != 0) | short.isin(panel.attrs["ambiguous_names"])
    names = panel["name"].where(keep, short)
    frame = pd.DataFrame(
        {
            "月份": [f"{m[:4]}年{int(m[5:])}月" for m in panel["month"]],
            "街道": panel["street"].map(streets),
            "社区": names,
            "计划改造户数": panel["planned"],
            "累计完成改造户数": panel["completed"],
            "在建工地数": panel["sites"],
            "填报人": "王伟",
            "联系电话": "0571-8580" + (panel.index % 9000 + 1000).astype(str),
        }
    )
    if panel.attrs["names_clash"]:
        frame.insert(2, "社区代码", panel["code"])
    # Two rows as a real ledger has them: a community that is not in the tree, and a typo.
    bad = pd.DataFrame(
        [
            ["2019年12月", "武林街道", "新华社区", 300, 120, 1, "王伟", "0571-85801234"],
            ["2019年12月", "天水街道", "仓桥社区", 500, 200, -2, "王伟", "0571-85801234"],
        ],
        columns=[c for c in frame.columns if c != "社区代码"],
    )
    pd.concat([frame, bad]).to_csv(path, index=False, encoding="gb18030")


def write_health(panel: pd.DataFrame, path: Path) -> None:
    """区卫健局: UTF-8 CSV with a BOM, as Excel's 'CSV UTF-8' saves it."""
    frame = pd.DataFrame(
        {
            "统计期": panel["month"],
            "社区编码": panel["code"],
            "社区名称": panel["name"],
            "门诊人次": panel["visits"],
            "家庭医生签约人数": panel["contracts"],
            "疫苗接种剂次": panel["doses"],
        }
    )
    frame.to_csv(path, index=False, encoding="utf-8-sig")


def write_youth(panel: pd.DataFrame, path: Path) -> None:
    """团区委: a JSON dump of the volunteer platform's API."""
    records = [
        {
            "month": r.month.replace("-", ""),
            "communityCode": r.code,
            "communityName": r.name,
            "registeredVolunteers": int(r.volunteers),
            "activities": int(r.activities),
            "serviceHours": float(r.hours),
        }
        for r in panel.itertuples()
    ]
    payload = {"code": 0, "msg": "success", "data": {"total": len(records), "records": records}}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
