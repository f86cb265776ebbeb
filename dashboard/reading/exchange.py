"""What ``/api/v1`` reads (共享: the cockpit's data for the systems that use it): the same
published warehouse and the same rules as the pages. Every area passes the caller's
scope (``VISIBLE``, ``guard``); a value hidden to protect a small count comes back as the
pages show it, never as its number."""

from __future__ import annotations

import pandas as pd

from dashboard.reading.data import VISIBLE, guard, visible_codes
from dashboard.reading.tree import walk_down
from dashboard.reading.warehouse import frame


def areas(level: str | None, parent: str | None) -> pd.DataFrame:
    """The areas the caller may read, top down, of one level or under one parent."""
    if parent is not None:
        guard(parent)
    return frame(
        "SELECT code, level, parent_code, name_zh, name_en FROM ind.area WHERE "
        + VISIBLE.format(code="code")
        + " AND ($level IS NULL OR level = $level) AND ($parent IS NULL OR parent_code = $parent)"
        " ORDER BY list_position(['city', 'district', 'street', 'community', 'park'], level), code",
        {"visible": visible_codes(), "level": level, "parent": parent},
    )


def children(code: str) -> list[str]:
    rows = frame(
        "SELECT code FROM ind.area WHERE parent_code = $code AND "
        + VISIBLE.format(code="code")
        + " ORDER BY code",
        {"code": guard(code), "visible": visible_codes()},
    )
    return list(rows["code"])


def values(
    indicator_id: str, code: str, level: str | None, first: str | None, last: str | None
) -> pd.DataFrame:
    """One indicator's published values for ``code`` (or, with ``level``, for the areas of
    that level under it), month by month within ``first``..``last`` (every month when
    not given)."""
    columns = """v.area_code, a.level, v.period, v.value, v.status, v.target,
               coalesce(v.suppressed, false) AS suppressed, v.suppressed_kind"""
    within = """v.indicator_id = $indicator
          AND ($first IS NULL OR v.period >= $first) AND ($last IS NULL OR v.period <= $last)
          AND """ + VISIBLE.format(code="a.code")
    params = {"code": guard(code), "indicator": indicator_id, "first": first, "last": last,
              "visible": visible_codes()}  # fmt: skip
    if level is None:
        # The area alone needs no walk down the tree (a third of the read's time).
        sql = f"""SELECT {columns} FROM ind.area a
            JOIN ind.indicator_value v ON v.area_code = a.code
            WHERE a.code = $code AND {within} ORDER BY v.period"""
    else:
        sql = f"""WITH RECURSIVE {walk_down("code = $code")}
            SELECT {columns} FROM walk w JOIN ind.area a ON a.code = w.code
            JOIN ind.indicator_value v ON v.area_code = a.code
            WHERE a.level = $level AND {within} ORDER BY v.period, a.code"""
        params["level"] = level
    # The API keeps its answer, built from this read, by data version: not the read too.
    return frame(sql, params, kept=False)
