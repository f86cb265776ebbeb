"""The interval audit of complementary suppression: how far can an attacker narrow a hidden
count, knowing every published count of its table, that a hidden count is at least 1, and
what the labels say ("<k" is 1..k-1; "已隐藏" is a count hidden to protect another, so at
least k)?

The table of one indicator and month is a tree of sums: a parent's count is the sum of
its children's. For a tree of sums with interval bounds, the exact range of each hidden
count (what a linear programme would find) comes from two passes of interval arithmetic:
up the tree, the range each subtree allows its root; down the tree, the range the rest of
the tree allows each child. That is linear in the size of the table, where one LP per
hidden cell and side would take minutes on a city; ``tests/pipelines/test_interval_audit``
checks the two against an LP solver (HiGHS, through SciPy) on random trees.

Pure functions: no database here. ``suppression`` reads the cells, calls ``protect`` and
writes back what it hides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

INF = float("inf")
Interval = tuple[float, float]

SMALL = "small"  # hidden for itself: a count of 1..k-1
COMPLEMENTARY = "complementary"  # hidden so that a small count cannot be worked out


@dataclass
class Cell:
    """One area's cell in the table. ``parent`` is set only where the cell's count adds
    into its parent's (parks stand outside, as does the table's top). ``hidden`` is None
    for a published cell, else SMALL or COMPLEMENTARY."""

    code: str
    parent: str | None
    base: float
    hidden: str | None = None
    # A published cell that can be hidden to protect another: it counts somebody.
    can_hide: bool = True
    # A rate's numerator, published beside it (None for a count).
    part: float | None = None


def _add(a: Interval, b: Interval) -> Interval:
    return a[0] + b[0], a[1] + b[1]


def _minus(a: Interval, b: Interval) -> Interval:
    return a[0] - b[1], a[1] - b[0]


def _meet(a: Interval, b: Interval) -> Interval:
    return max(a[0], b[0]), min(a[1], b[1])


def ranges(cells: dict[str, Cell], own: Callable[[Cell], Interval]) -> dict[str, Interval]:
    """The exact range of every cell's count given the sums and ``own`` (what is known of
    each cell by itself). An empty range (low above high) means the table contradicts
    ``own``."""
    children: dict[str, list[str]] = {}
    roots = []
    for code, cell in cells.items():
        if cell.parent is not None and cell.parent in cells:
            children.setdefault(cell.parent, []).append(code)
        else:
            roots.append(code)

    def own_range(code: str) -> Interval:
        return own(cells[code])

    # Up: the range each subtree allows its root (children before parents).
    up: dict[str, Interval] = {}
    order: list[str] = []
    stack = [(code, False) for code in roots]
    while stack:
        code, expanded = stack.pop()
        if expanded:
            order.append(code)
            continue
        stack.append((code, True))
        stack.extend((child, False) for child in children.get(code, ()))
    for code in order:
        total: Interval | None = None
        for child in children.get(code, ()):
            total = up[child] if total is None else _add(total, up[child])
        up[code] = own_range(code) if total is None else _meet(own_range(code), total)

    # Down: the range the rest of the tree allows each cell (parents before children).
    out: dict[str, Interval] = {code: (-INF, INF) for code in roots}
    for code in reversed(order):
        kids = children.get(code, ())
        if not kids:
            continue
        parent_range = _meet(own_range(code), out[code])
        # Σ of the siblings' ranges without one of them: the infinite ends are counted
        # apart, so that inf - inf never happens.
        lo_sum = sum(up[k][0] for k in kids if up[k][0] > -INF)
        lo_inf = sum(1 for k in kids if up[k][0] == -INF)
        hi_sum = sum(up[k][1] for k in kids if up[k][1] < INF)
        hi_inf = sum(1 for k in kids if up[k][1] == INF)
        for kid in kids:
            k_lo, k_hi = up[kid]
            others_lo = -INF if lo_inf - (k_lo == -INF) else lo_sum - (k_lo if k_lo > -INF else 0)
            others_hi = INF if hi_inf - (k_hi == INF) else hi_sum - (k_hi if k_hi < INF else 0)
            out[kid] = _minus(parent_range, (others_lo, others_hi))
    return {code: _meet(up[code], out[code]) for code in cells}


def at_least_one(cell: Cell) -> Interval:
    """The published counts, and the ≥ 1 bound of a hidden count (a zero names nobody and
    is never hidden)."""
    return (cell.base, cell.base) if cell.hidden is None else (1.0, INF)


def labelled(k: int, published: bool = True) -> Callable[[Cell], Interval]:
    """What the labels say of a hidden count ("<k" is 1..k-1, "已隐藏" at least k), with
    the published counts or, ``published=False``, without them."""

    def own(cell: Cell) -> Interval:
        if cell.hidden is None:
            return (cell.base, cell.base) if published else (0.0, INF)
        return (1.0, k - 1.0) if cell.hidden == SMALL else (float(k), INF)

    return own


def exposed(cells: dict[str, Cell], k: int) -> list[str]:
    """The hidden cells an attacker narrows too far:
    - any hidden cell whose range, given the published counts and the ≥ 1 bound, is
      narrower than k;
    - a small count whose range, given the published counts and the labels, is narrower
      than the labels alone allow (a street of "<5" over two communities of "<5" says by
      itself that each is at most 3; the published counts must add nothing to that)."""
    wide = ranges(cells, at_least_one)
    narrow = {c for c, cell in cells.items() if cell.hidden and wide[c][1] - wide[c][0] < k}
    if any(cell.hidden == SMALL for cell in cells.values()):
        told = ranges(cells, labelled(k))
        alone = ranges(cells, labelled(k, published=False))
        for code, cell in cells.items():
            if cell.hidden == SMALL and (
                told[code][0] > alone[code][0] or told[code][1] < alone[code][1]
            ):
                narrow.add(code)
    return sorted(narrow)


def _numerators(cell: Cell) -> Interval:
    return (cell.part or 0.0, cell.part or 0.0) if cell.hidden is None else (0.0, INF)


def known_zero_rates(cells: dict[str, Cell]) -> list[str]:
    """The hidden cells of a rate whose numerator the published numerators pin at 0 (a
    street's failed inspections minus its published communities' leaves nothing for the
    hidden ones): the hidden rate is then known, 0%."""
    if all(cell.part is None for cell in cells.values()):
        return []
    parts = ranges(cells, _numerators)
    return sorted(c for c, cell in cells.items() if cell.hidden and parts[c][1] <= 0)


def _any(_cell: Cell) -> bool:
    return True


def _has_numerator(cell: Cell) -> bool:
    return (cell.part or 0.0) > 0


def _smallest(
    cells: dict[str, Cell], codes: list[str], helps: Callable[[Cell], bool] = _any
) -> str | None:
    open_ = [c for c in codes if cells[c].hidden is None and cells[c].can_hide and helps(cells[c])]
    return min(open_, key=lambda c: (cells[c].base, c)) if open_ else None


def _to_hide(
    cells: dict[str, Cell],
    code: str,
    children: dict[str, list[str]],
    helps: Callable[[Cell], bool] = _any,
) -> str | None:
    """The published cell to hide next for an exposed one: a child when every child of it
    is published (their sum gives it), else the smallest published sibling that ``helps``
    (for a rate known to be 0%, one with a numerator), else its parent; with the parent
    hidden already, what its parent's repair would hide; else any child. None when
    nothing is left to hide."""
    cell = cells[code]
    kids = children.get(code, [])
    if kids and all(cells[k].hidden is None for k in kids):
        pick = _smallest(cells, kids)
        if pick:
            return pick
    if cell.parent is not None and cell.parent in cells:
        siblings = [s for s in children[cell.parent] if s != code]
        pick = _smallest(cells, siblings, helps) or _smallest(cells, [cell.parent], helps)
        if pick:
            return pick
        if cells[cell.parent].hidden:
            pick = _to_hide(cells, cell.parent, children, helps)
            if pick:
                return pick
    return _smallest(cells, kids)


def protect(cells: dict[str, Cell], k: int) -> list[str]:
    """Hide published cells (as COMPLEMENTARY, in ``cells``) until no hidden cell is
    exposed and no hidden rate is known to be 0% while a numerator could still be hidden;
    returns those hidden. Each pass hides, for each exposed cell, one more: the cell whose
    publication narrows it most directly. If nothing is left to hide near a cell exposed
    by its count, every cell that counts somebody is hidden."""
    children: dict[str, list[str]] = {}
    for c, cell in cells.items():
        if cell.parent is not None and cell.parent in cells:
            children.setdefault(cell.parent, []).append(c)
    added: list[str] = []
    while True:
        narrow = exposed(cells, k)
        picks = {p for p in (_to_hide(cells, code, children) for code in narrow) if p}
        if narrow and not picks:
            picks = {c for c, cell in cells.items() if cell.hidden is None and cell.can_hide}
        # A rate known to be 0% is fixed where a published numerator can be hidden; where
        # none can, a published total of 0 already says that every part of it is 0.
        zero = known_zero_rates(cells)
        picks |= {p for p in (_to_hide(cells, c, children, _has_numerator) for c in zero) if p}
        if not picks:
            return added
        for pick in sorted(picks):
            cells[pick].hidden = COMPLEMENTARY
            added.append(pick)
