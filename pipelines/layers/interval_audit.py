"""The interval audit of complementary suppression: how far can an attacker narrow a hidden
count, knowing every published count of its table, that a hidden count is at least 1, and
what the labels say ("<k" is 1..k-1; "已隐藏" is a count hidden to protect another, so at
least k)?

The table of one indicator and month is a tree of sums: a parent's count is the sum of
its children's. For a tree of sums with interval bounds, the exact range of each hidden
count (what a linear programme would find) comes from two passes of interval arithmetic:
up the tree, the range each subtree allows its root; down the tree, the range the rest of
the tree allows each child. That is linear in the size of the table, where one LP per
hidden cell and side would take hours on a city; ``tests/pipelines/test_interval_audit``
checks the two against an LP solver (HiGHS, through SciPy) on random trees.

Pure functions: no database here. ``suppression`` reads the cells, calls ``protect`` and
writes back what it hides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

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


class _Tree:
    """The shape of one table, fixed while cells are hidden: each cell's parent (by
    index) and the cells depth by depth, for ranges worked out a whole level at a time
    (numpy: a city's table of 3,300 cells, audited a few times over for each of hundreds
    of indicators and months, is too slow cell by cell in Python)."""

    def __init__(self, cells: dict[str, Cell]) -> None:
        self.codes = list(cells)
        self.index = index = {code: i for i, code in enumerate(self.codes)}
        self.parent = np.array(
            [index.get(cells[c].parent, -1) if cells[c].parent else -1 for c in self.codes],
            dtype=np.int64,
        )
        depth = np.zeros(len(self.codes), dtype=np.int64)
        for i in range(len(self.codes)):
            p = self.parent[i]
            while p >= 0:
                depth[i] += 1
                p = self.parent[p]
        self.levels = [np.flatnonzero(depth == d) for d in range(int(depth.max(initial=0)) + 1)]
        self.base = np.array([cells[c].base for c in self.codes], dtype=float)
        self.part = np.array([cells[c].part or 0.0 for c in self.codes], dtype=float)
        self.has_parts = any(cells[c].part is not None for c in self.codes)

    def ranges(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's exact range given the sums and its own range ``lo``..``hi``."""
        n = len(lo)
        up_lo, up_hi = lo.copy(), hi.copy()
        # Per parent: its children's ranges summed, the infinite ends counted apart (so
        # that inf - inf never happens when one child is taken out again).
        sum_lo, sum_hi = np.zeros(n), np.zeros(n)
        inf_lo, inf_hi = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
        for kids in reversed(self.levels[1:]):  # up: children before their parents
            parents = self.parent[kids]
            finite_lo, finite_hi = np.isfinite(up_lo[kids]), np.isfinite(up_hi[kids])
            np.add.at(sum_lo, parents, np.where(finite_lo, up_lo[kids], 0.0))
            np.add.at(sum_hi, parents, np.where(finite_hi, up_hi[kids], 0.0))
            np.add.at(inf_lo, parents, ~finite_lo)
            np.add.at(inf_hi, parents, ~finite_hi)
            done = np.unique(parents)
            up_lo[done] = np.maximum(lo[done], np.where(inf_lo[done] > 0, -INF, sum_lo[done]))
            up_hi[done] = np.minimum(hi[done], np.where(inf_hi[done] > 0, INF, sum_hi[done]))
        out_lo, out_hi = np.full(n, -INF), np.full(n, INF)
        for kids in self.levels[1:]:  # down: parents before their children
            parents = self.parent[kids]
            parent_lo = np.maximum(lo[parents], out_lo[parents])
            parent_hi = np.minimum(hi[parents], out_hi[parents])
            finite_lo, finite_hi = np.isfinite(up_lo[kids]), np.isfinite(up_hi[kids])
            others_lo = np.where(
                inf_lo[parents] - ~finite_lo > 0,
                -INF,
                sum_lo[parents] - np.where(finite_lo, up_lo[kids], 0.0),
            )
            others_hi = np.where(
                inf_hi[parents] - ~finite_hi > 0,
                INF,
                sum_hi[parents] - np.where(finite_hi, up_hi[kids], 0.0),
            )
            out_lo[kids], out_hi[kids] = parent_lo - others_hi, parent_hi - others_lo
        return np.maximum(up_lo, out_lo), np.minimum(up_hi, out_hi)


def ranges(cells: dict[str, Cell], own: Callable[[Cell], Interval]) -> dict[str, Interval]:
    """The exact range of every cell's count given the sums and ``own`` (what is known of
    each cell by itself). An empty range (low above high) means the table contradicts
    ``own``."""
    tree = _Tree(cells)
    bounds = np.array([own(cells[c]) for c in tree.codes], dtype=float).reshape(-1, 2)
    lo, hi = tree.ranges(bounds[:, 0], bounds[:, 1])
    return {c: (float(lo[i]), float(hi[i])) for i, c in enumerate(tree.codes)}


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


def _exposed(tree: _Tree, small: np.ndarray, hidden: np.ndarray, k: int) -> np.ndarray:
    """The hidden cells an attacker narrows too far, as a mask:
    - any hidden cell whose range, given the published counts and the ≥ 1 bound, is
      narrower than k;
    - a small count whose range, given the published counts and the labels, is narrower
      than the labels alone allow (a street of "<5" over two communities of "<5" says by
      itself that each is at most 3; the published counts must add nothing to that)."""
    base = tree.base
    lo, hi = tree.ranges(np.where(hidden, 1.0, base), np.where(hidden, INF, base))
    narrow = hidden & (hi - lo < k)
    if small.any():
        label_lo = np.where(small, 1.0, float(k))
        label_hi = np.where(small, k - 1.0, INF)
        told_lo, told_hi = tree.ranges(
            np.where(hidden, label_lo, base), np.where(hidden, label_hi, base)
        )
        alone_lo, alone_hi = tree.ranges(
            np.where(hidden, label_lo, 0.0), np.where(hidden, label_hi, INF)
        )
        narrow |= small & ((told_lo > alone_lo) | (told_hi < alone_hi))
    return narrow


def _zero_rates(tree: _Tree, hidden: np.ndarray) -> np.ndarray:
    """The hidden cells of a rate whose numerator is known to be 0, as a mask."""
    if not tree.has_parts:
        return np.zeros(len(hidden), dtype=bool)
    _lo, hi = tree.ranges(np.where(hidden, 0.0, tree.part), np.where(hidden, INF, tree.part))
    return hidden & (hi <= 0)


def _masks(tree: _Tree, cells: dict[str, Cell]) -> tuple[np.ndarray, np.ndarray]:
    small = np.array([cells[c].hidden == SMALL for c in tree.codes], dtype=bool)
    hidden = np.array([cells[c].hidden is not None for c in tree.codes], dtype=bool)
    return small, hidden


def known_zero_rates(cells: dict[str, Cell]) -> list[str]:
    """The hidden cells of a rate whose numerator the published numerators pin at 0 (a
    street's failed inspections minus its published communities' leaves nothing for the
    hidden ones): the hidden rate is then known, 0%."""
    tree = _Tree(cells)
    mask = _zero_rates(tree, _masks(tree, cells)[1])
    return sorted(c for c, m in zip(tree.codes, mask, strict=True) if m)


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
    tree = _Tree(cells)
    small, hidden = _masks(tree, cells)
    added: list[str] = []
    while True:
        narrow = [tree.codes[i] for i in np.flatnonzero(_exposed(tree, small, hidden, k))]
        picks = {p for p in (_to_hide(cells, code, children) for code in narrow) if p}
        if narrow and not picks:
            picks = {c for c, cell in cells.items() if cell.hidden is None and cell.can_hide}
        # A rate known to be 0% is fixed where a published numerator can be hidden; where
        # none can, a published total of 0 already says that every part of it is 0.
        zero = [tree.codes[i] for i in np.flatnonzero(_zero_rates(tree, hidden))]
        picks |= {p for p in (_to_hide(cells, c, children, _has_numerator) for c in zero) if p}
        if not picks:
            return added
        for pick in sorted(picks):
            cells[pick].hidden = COMPLEMENTARY
            hidden[tree.index[pick]] = True
            added.append(pick)
