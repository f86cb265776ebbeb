"""The published area tree, as ``cockpit.areatree.AreaTree``, once per version and
process: the caller's scope, the 督办 rules and the breadcrumbs all walk it. It is for
the server's own checks; never sent to a browser as it is, which would show areas
outside the caller's scope."""

from __future__ import annotations

from functools import lru_cache

from cockpit.areatree import AreaTree
from dashboard.reading.warehouse import frame, warehouse_version


def area_tree() -> AreaTree:
    return _area_tree(warehouse_version())


@lru_cache(maxsize=4)
def _area_tree(version: str) -> AreaTree:
    rows = frame("SELECT code, parent_code, level FROM ind.area")
    return AreaTree.from_rows(rows.itertuples(index=False, name=None))


def walk_down(roots: str) -> str:
    """The tree's walk inside SQL, for the reads that join it to values in DuckDB (an
    area's subtree, a map's areas with everything under each): a recursive CTE
    ``walk(root, code)`` giving each root area (the ``ind.area`` rows that the condition
    ``roots`` selects) with itself and every area below it. Follow it with ``WITH
    RECURSIVE``; the same rule as ``AreaTree.descendants``."""
    return f"""walk(root, code) AS (
            SELECT code, code FROM ind.area WHERE {roots}
            UNION ALL
            SELECT w.root, a.code FROM ind.area a JOIN walk w ON a.parent_code = w.code
        )"""


def former_code(code: str) -> str:
    """The code in force for ``code``: itself, or what replaced it in a re-zoning."""
    if code in area_tree():
        return code
    moved = frame("SELECT new_code FROM ind.area_change WHERE old_code = $code", {"code": code})
    return str(moved["new_code"].iloc[0]) if len(moved) else code
