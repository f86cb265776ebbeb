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
    return frame(
        "WITH RECURSIVE "
        + walk_down("code = $code")
        + """
        SELECT v.area_code, a.level, v.period, v.value, v.status, v.target,
               coalesce(v.suppressed, false) AS suppressed, v.suppressed_kind
        FROM walk w JOIN ind.area a ON a.code = w.code
        JOIN ind.indicator_value v ON v.area_code = a.code AND v.indicator_id = $indicator
        WHERE (CASE WHEN $level IS NULL THEN a.code = $code ELSE a.level = $level END)
          AND ($first IS NULL OR v.period >= $first) AND ($last IS NULL OR v.period <= $last)
          AND """
        + VISIBLE.format(code="a.code")
        + " ORDER BY v.period, a.code",
        {"code": guard(code), "indicator": indicator_id, "level": level, "first": first,
         "last": last, "visible": visible_codes()},
    )  # fmt: skip
