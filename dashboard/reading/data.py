"""Read-only queries on the published warehouse: areas, indicators and their values.

Every reader that returns areas filters them by ``scope.visible()`` (the caller's scope,
from the session on the server), and every reader given one area checks it with
``guard``: an area outside the scope is as if it did not exist.
"""

from __future__ import annotations

import flask
import orjson
import pandas as pd

from cockpit.codes import BadCode, parse_code
from cockpit.freshness import china_time
from cockpit.levels import child_level
from dashboard.access import scope
from dashboard.reading.tree import area_tree
from dashboard.reading.warehouse import first_row, frame, warehouse_version


def as_of() -> dict:
    """Latest reporting period and when the data was last refreshed (China time)."""
    row = first_row(
        "SELECT (SELECT max(period) FROM ind.indicator_value) AS period, "
        "(SELECT max(finished) FROM meta.refresh) AS refreshed"
    )
    refreshed = row["refreshed"] if row else None
    if refreshed is not None and not pd.isna(refreshed):
        refreshed = china_time(pd.Timestamp(refreshed).to_pydatetime())
    else:
        refreshed = None
    return {"period": row["period"] if row else None, "refreshed": refreshed}


def health() -> dict:
    """What a monitor needs to know: which version is served, and how fresh it is, and how
    many areas the caller may read."""
    as_of_now = as_of()
    areas = first_row(
        "SELECT count(*) AS areas FROM ind.area WHERE " + VISIBLE.format(code="code"),
        {"visible": visible_codes()},
    )
    return {
        "status": "ok",
        "version": warehouse_version(),
        "period": as_of_now["period"],
        "refreshed": as_of_now["refreshed"].isoformat() if as_of_now["refreshed"] else None,
        "areas": int(areas["areas"]) if areas else 0,
    }


def visible_codes() -> list[str] | None:
    """The codes of every area the caller may read, or None when that is the whole tree
    (then no list is bound into the query: at city scale it would be thousands long).
    SQL tests a code with ``VISIBLE``, the list bound as ``$visible``."""
    return scope.visible()


# A code the caller may read: every area when $visible is NULL, else those listed.
VISIBLE = "($visible IS NULL OR list_contains($visible::VARCHAR[], {code}))"


def guard(code: str) -> str:
    """``code`` if the caller may read it; otherwise 404, as for an area that does not
    exist, so that a refusal does not tell that the area is there."""
    if not scope.can_see(code):
        flask.abort(404)
    return code


def find_area(code: str, level: str) -> dict | None:
    """The area a URL names, by its 12-character code or the 9-digit street form, if the
    caller may see it."""
    try:
        full = parse_code(code)
    except BadCode:
        return None
    if not scope.can_see(full):
        return None
    return first_row(
        "SELECT code, parent_code, level, name_zh, name_en, area_km2 FROM ind.area "
        "WHERE level = ? AND code = ?",
        [level, full],
    )


def area(code: str) -> dict | None:
    """Any area by its full code, whatever its level, if the caller may see it."""
    if not isinstance(code, str) or len(code) != 12 or not scope.can_see(code):
        return None
    return first_row(
        "SELECT code, parent_code, level, name_zh, name_en, area_km2 FROM ind.area WHERE code = ?",
        [code],
    )


def top() -> dict | None:
    """The area at the top of the tree (a district, or a city), if the caller may see it
    (as the ancestor of their area, only its totals: its other children stay hidden)."""
    row = first_row(
        "SELECT code, parent_code, level, name_zh, name_en, area_km2 FROM ind.area "
        "WHERE parent_code IS NULL LIMIT 1"
    )
    return row if row and scope.can_see(row["code"]) else None


def top_area() -> dict | None:
    """The top of the tree, its code and names only: the cockpit's title, on every page
    whoever asks."""
    return first_row(
        "SELECT code, name_zh, name_en FROM ind.area WHERE parent_code IS NULL LIMIT 1"
    )


def former_area(code: str) -> dict | None:
    """What replaced a former code (re-zoning), with the area now in force, if the caller
    may see that area."""
    try:
        full = parse_code(code)
    except BadCode:
        return None
    row = first_row(
        "SELECT c.old_code, c.old_name, c.new_code, c.new_name, "
        "strftime(c.effective, '%Y-%m-%d') AS effective, c.merged, a.level "
        "FROM ind.area_change c JOIN ind.area a ON a.code = c.new_code WHERE c.old_code = ?",
        [full],
    )
    return row if row and scope.can_see(row["new_code"]) else None


def ancestors(code: str) -> pd.DataFrame:
    """The chain from the top of the tree down to ``code``, root first."""
    chain = [*reversed(area_tree().ancestors(code)), code] if code in area_tree() else []
    return frame(
        "SELECT code, level, name_zh, name_en FROM ind.area WHERE list_contains($chain, code) "
        "ORDER BY list_position($chain, code)",
        {"chain": chain},
    )


def map_areas(area: dict) -> tuple[str, str]:
    """Whose polygons the map of ``area`` shows: (parent code, level) of its children,
    or of its siblings for a leaf (a community shows its street's communities)."""
    child = child_level(area["level"])
    if child:
        return area["code"], child
    return area["parent_code"], area["level"]


def shapes(parent_code: str, level: str) -> dict[str, dict]:
    """Display geometry (GeoJSON geometry objects) of ``parent_code``'s ``level`` children."""
    rows = frame(
        "SELECT s.code, s.geometry_display FROM ind.area_shape s JOIN ind.area a USING (code) "
        "WHERE a.parent_code = $parent AND a.level = $level AND "
        + VISIBLE.format(code="s.code")
        + " ORDER BY s.code",
        {"parent": parent_code, "level": level, "visible": visible_codes()},
    )
    return {row.code: orjson.loads(row.geometry_display) for row in rows.itertuples()}


def centroids(codes: list[str]) -> dict[str, list[float]]:
    """Where each area's name stands on a map (a point inside its boundary), for those
    of ``codes`` the caller may see."""
    rows = frame(
        "SELECT code, centroid_lon, centroid_lat FROM ind.area_shape "
        "WHERE list_contains($codes, code) AND " + VISIBLE.format(code="code"),
        {"codes": codes, "visible": visible_codes()},
    )
    return {r.code: [float(r.centroid_lon), float(r.centroid_lat)] for r in rows.itertuples()}


def shape_of(code: str) -> dict | None:
    """One area's display geometry (a GeoJSON geometry), if the caller may see the area."""
    if not scope.can_see(code):
        return None
    row = first_row("SELECT geometry_display FROM ind.area_shape WHERE code = ?", [code])
    return orjson.loads(row["geometry_display"]) if row and row["geometry_display"] else None


def boundaries_synthetic(parent_code: str, level: str) -> bool:
    """Whether a shape drawn on the map of ``parent_code``'s ``level`` children is synthetic:
    that map, not another, says 示意边界."""
    row = first_row(
        "SELECT bool_or(s.synthetic) AS synthetic FROM ind.area_shape s JOIN ind.area a "
        "USING (code) WHERE a.parent_code = ? AND a.level = ?",
        [parent_code, level],
    )
    return bool(row and row["synthetic"])


INDICATOR_COLUMNS = (
    "indicator_id, name_zh, name_en, description_zh, description_en, domain, department, "
    "unit AS unit_zh, unit_en, direction, rollup, decimals, threshold_green, threshold_amber, "
    "target, suppress_below"
)


# 五位一体: economy, politics (governance), culture, society, ecology.
DOMAIN_ORDER = ("economy", "governance", "culture", "society", "ecology")


def indicators(level: str) -> pd.DataFrame:
    """Indicators materialised for ``level``, in the five domains' order, then by id."""
    return frame(
        f"SELECT {INDICATOR_COLUMNS} FROM ind.indicator WHERE list_contains(levels, ?) "
        "ORDER BY list_position(?, domain), indicator_id",
        [level, list(DOMAIN_ORDER)],
    )


def task_deadlines(indicator_id: str) -> dict[str, int]:
    """Days a 督办 task about the indicator has, by severity (its layer's ``sla_days``)."""
    row = first_row(
        "SELECT sla_red_days, sla_amber_days FROM ind.indicator WHERE indicator_id = ?",
        [indicator_id],
    )
    if row is None:
        return {"red": 7, "amber": 14}
    return {"red": int(row["sla_red_days"]), "amber": int(row["sla_amber_days"])}


def indicator(indicator_id: str) -> dict | None:
    return first_row(
        f"SELECT {INDICATOR_COLUMNS} FROM ind.indicator WHERE indicator_id = ?", [indicator_id]
    )


def card_values(code: str, period: str) -> pd.DataFrame:
    """Every indicator of one area in one period, with what its card needs."""
    return frame(
        f"""
        SELECT i.* EXCLUDE (target), v.target, v.value, v.status, v.rank, v.rank_of,
               v.prev_value, v.yoy_value, v.suppressed, v.suppressed_kind
        FROM (SELECT {INDICATOR_COLUMNS}, levels FROM ind.indicator) i
        LEFT JOIN ind.indicator_value v
          ON v.indicator_id = i.indicator_id AND v.area_code = ? AND v.period = ?
        WHERE list_contains(i.levels, (SELECT level FROM ind.area WHERE code = ?))
        ORDER BY list_position(?, i.domain), i.indicator_id
        """,
        [guard(code), period, code, list(DOMAIN_ORDER)],
    )


def map_values(parent_code: str, level: str, indicator_id: str, period: str) -> pd.DataFrame:
    """One indicator for every child shown on a map, areas without a value included."""
    return frame(
        """
        SELECT a.code, a.name_zh, a.name_en, v.value, v.status, v.rank, v.rank_of,
               coalesce(v.suppressed, false) AS suppressed, v.suppressed_kind
        FROM ind.area a
        LEFT JOIN ind.indicator_value v
          ON v.area_code = a.code AND v.indicator_id = $indicator AND v.period = $period
        WHERE a.parent_code = $parent AND a.level = $level AND """
        + VISIBLE.format(code="a.code")
        + " ORDER BY a.code",
        {
            "indicator": indicator_id,
            "period": period,
            "parent": parent_code,
            "level": level,
            "visible": visible_codes(),
        },  # fmt: skip
    )
