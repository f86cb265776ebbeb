"""The area tree: district → street → community, plus parks beside communities.

Codes are the official 12-digit 统计用区划代码 strings; parks get ``<street9>P<nn>``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

LEVELS = ("district", "street", "community", "park")
AREA_COLUMNS = ["code", "parent_code", "level", "name_zh", "name_en", "area_km2"]


def _read(path: Path) -> pd.DataFrame:
    # Codes are text; never let a reader turn them into numbers.
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_area_tree(reference: Path) -> pd.DataFrame:
    """Build the area table from the shipped reference files."""
    streets = _read(reference / "xiacheng_street_codes_nbs.csv")
    communities = _read(reference / "xiacheng_community_codes_nbs.csv")
    parks = _read(reference / "parks.csv")
    names_en = _read(reference / "area_names_en.csv").set_index("code")["name_en"]

    district_code = streets["district_code"].iloc[0].ljust(12, "0")
    rows = [
        {
            "code": district_code,
            "parent_code": None,
            "level": "district",
            "name_zh": streets["district_name"].iloc[0],
        }
    ]
    rows += [
        {
            "code": s.street_code.ljust(12, "0"),
            "parent_code": district_code,
            "level": "street",
            "name_zh": s.street_name,
        }
        for s in streets.itertuples()
    ]
    current = communities[communities["in_nbs2020"] == "True"]
    rows += [
        {
            "code": c.code,
            "parent_code": c.street_code.ljust(12, "0"),
            "level": "community",
            "name_zh": c.name,
        }
        for c in current.itertuples()
    ]
    rows += [
        {"code": p.code, "parent_code": p.parent_code, "level": "park", "name_zh": p.name_zh}
        for p in parks.itertuples()
    ]
    tree = pd.DataFrame(rows)
    tree["name_en"] = tree["code"].map(names_en)
    park_names = parks.set_index("code")["name_en"]
    tree["name_en"] = tree["name_en"].fillna(tree["code"].map(park_names)).fillna(tree["name_zh"])
    tree["area_km2"] = (
        tree["code"].map(parks.set_index("code")["area_km2"].astype(float)).astype("Float64")
    )
    _check_tree(tree)
    return tree[AREA_COLUMNS]


def _check_tree(tree: pd.DataFrame) -> None:
    dupes = tree[tree["code"].duplicated()]["code"].tolist()
    if dupes:
        raise ValueError(f"area tree: duplicate codes {dupes}")
    codes = set(tree["code"])
    orphans = tree[tree["parent_code"].notna() & ~tree["parent_code"].isin(codes)]
    if not orphans.empty:
        raise ValueError(f"area tree: unknown parents for {orphans['code'].tolist()}")
    bad = tree[tree["code"].str.len() != 12]["code"].tolist()
    if bad:
        raise ValueError(f"area tree: codes must have 12 characters: {bad}")
