"""A deterministic synthetic city, as NBS-style code lists a city's IT team would give
``cockpit areas init --city``: districts of streets of communities, in the sizes asked.

    .venv/bin/python -m bench.city FOLDER [DISTRICTS STREETS COMMUNITIES]

writes ``FOLDER/streets.csv`` and ``FOLDER/communities.csv`` for 合成市 (339900000000):
by default a city of Hangzhou's size, 13 districts, 190 streets and 3,100 communities.
Codes follow the 统计用区划代码 pattern (district 3399dd, street dddddd001…, community
…001…), so every code is 12 digits and every child's code starts with its parent's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

CITY_NAME = "合成市"
CITY_PREFIX = "3399"
# Real district names would suggest real data: these are plainly made up.
_DISTRICT_WORDS = "东西南北中上下前后左右新旧"


def _spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` counts that differ by at most one."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def city_lists(
    districts: int = 13, streets: int = 190, communities: int = 3_100
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The city's street and community lists (NBS columns)."""
    if not 1 <= districts <= streets <= communities or districts > 99:
        raise ValueError("need 1 ≤ districts ≤ streets ≤ communities, and at most 99 districts")
    street_rows, community_rows = [], []
    per_street = iter(_spread(communities, streets))
    for d, n_streets in enumerate(_spread(streets, districts)):
        district = f"{CITY_PREFIX}{d + 1:02d}"
        word = _DISTRICT_WORDS[d % len(_DISTRICT_WORDS)]
        district_name = f"合成{word}{d // len(_DISTRICT_WORDS) or ''}区"
        for s in range(n_streets):
            street = f"{district}{s + 1:03d}"
            street_name = f"{word}{s + 1}街道"
            street_rows.append((street, street_name, district, district_name))
            for c in range(next(per_street)):
                community_rows.append(
                    (f"{street}{c + 1:03d}", f"{word}{s + 1}-{c + 1}社区", street, street_name)
                )
    return (
        pd.DataFrame(
            street_rows, columns=["street_code", "street_name", "district_code", "district_name"]
        ),
        pd.DataFrame(community_rows, columns=["code", "name", "street_code", "street_name"]),
    )


def write_city_lists(folder: Path, districts: int = 13, streets: int = 190,
                     communities: int = 3_100) -> tuple[Path, Path]:  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    street_list, community_list = city_lists(districts, streets, communities)
    paths = folder / "streets.csv", folder / "communities.csv"
    street_list.to_csv(paths[0], index=False)
    community_list.to_csv(paths[1], index=False)
    return paths


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[2:5]]
    for path in write_city_lists(Path(sys.argv[1]), *sizes):
        print(f"wrote {path}")
