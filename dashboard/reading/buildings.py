"""Read-only queries on the published buildings (``ind.building``) for the 3D scene.

Every building is filed under a community; a reader returns only those whose community
the caller may see (``data.VISIBLE``), so a street official asking for the district's
buildings gets their street's and no other. A park's buildings are those inside it.
"""

from __future__ import annotations

import pandas as pd

from dashboard.reading.data import VISIBLE, visible_codes
from dashboard.reading.tree import walk_down
from dashboard.reading.warehouse import first_row, frame

_HAS_BUILDINGS = (
    "SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'ind' "
    "AND table_name = 'building'"
)


def _published() -> bool:
    row = first_row(_HAS_BUILDINGS)
    return bool(row and row["n"])


def _under(area: dict) -> tuple[str, dict]:
    """The SQL condition on ``b`` for the buildings of ``area``, and its parameters."""
    if area["level"] == "park":
        return "b.park_code = $code", {"code": area["code"]}
    return (
        "b.community_code IN (SELECT code FROM walk)",
        {"code": area["code"]},
    )


def _query(area: dict, select: str, tail: str = "") -> tuple[str, dict]:
    condition, params = _under(area)
    sql = (
        "WITH RECURSIVE "
        + walk_down("code = $code")
        + f" SELECT {select} FROM ind.building b WHERE {condition} AND "
        + VISIBLE.format(code="b.community_code")
        + tail
    )
    return sql, {**params, "visible": visible_codes()}


def summary(area: dict) -> dict:
    """How many buildings of ``area`` the caller may see, whether any is synthetic, and
    their extent."""
    if not _published():
        return {"count": 0, "synthetic": False, "bounds": None}
    sql, params = _query(
        area,
        "count(*) AS n, coalesce(bool_or(b.synthetic), false) AS synthetic, min(b.lon) AS w, "
        "min(b.lat) AS s, max(b.lon) AS e, max(b.lat) AS n_",
    )
    row = first_row(sql, params)
    count = int(row["n"]) if row else 0
    bounds = [row["w"], row["s"], row["e"], row["n_"]] if count else None
    return {"count": count, "synthetic": bool(row and row["synthetic"]), "bounds": bounds}


def chunks(areas: list[dict]) -> pd.DataFrame:
    """For each of ``areas`` (a scene's children), how many buildings the caller may see
    in it and their extent: the pieces the scene loads as they come into view."""
    rows = []
    for area in areas:
        found = summary(area)
        if found["count"]:
            rows.append({"code": area["code"], "count": found["count"], "bounds": found["bounds"]})
    return pd.DataFrame(rows, columns=["code", "count", "bounds"])


def outlines(area: dict) -> pd.DataFrame:
    """Every building of ``area`` the caller may see: its community, height, floors and
    outline (``ind.building.outline``, whole millionths of a degree)."""
    if not _published():
        return pd.DataFrame(columns=["community_code", "height_m", "floors", "outline"])
    sql, params = _query(
        area,
        "b.community_code, b.height_m, b.floors, b.outline",
        " ORDER BY b.community_code, b.building_id",
    )
    return frame(sql, params)


def community_names(area: dict, lang: str) -> dict[str, str]:
    """The names of the communities whose buildings the scene of ``area`` holds."""
    if not _published():
        return {}
    condition, params = _under(area)
    column = "name_en" if lang == "en" else "name_zh"
    rows = frame(
        "WITH RECURSIVE "
        + walk_down("code = $code")
        + f" SELECT a.code, a.{column} AS name FROM ind.area a WHERE a.code IN ("
        f"SELECT DISTINCT b.community_code FROM ind.building b WHERE {condition}) AND "
        + VISIBLE.format(code="a.code"),
        {**params, "visible": visible_codes()},
    )
    return dict(zip(rows["code"], rows["name"], strict=True))
