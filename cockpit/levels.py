"""The levels of the area tree: the one place that says which level sits under which.

Top to bottom: city → district → street → community. A deployment starts at whichever
of them its tree's top area is (the demo at its district, a city at the city), so no
code may assume how many levels there are above a community. Parks (园区) stand beside
the communities of their street: an overlay, never summed into a parent.
"""

from __future__ import annotations

TREE_LEVELS: tuple[str, ...] = ("city", "district", "street", "community")
PARK = "park"
LEVELS: tuple[str, ...] = (*TREE_LEVELS, PARK)
# Levels whose values add up into their parent's, finest first (the roll-up's order).
ROLLED_UP: tuple[str, ...] = tuple(reversed(TREE_LEVELS[1:]))


def child_level(level: str) -> str | None:
    """The level of an area's children on its map: none below a community or a park."""
    if level not in TREE_LEVELS or level == TREE_LEVELS[-1]:
        return None
    return TREE_LEVELS[TREE_LEVELS.index(level) + 1]


def parent_level(level: str) -> str | None:
    """The level of an area's parent: a park's is its street."""
    if level == PARK:
        return "street"
    index = TREE_LEVELS.index(level)
    return TREE_LEVELS[index - 1] if index > 0 else None


def depth(level: str) -> int:
    """0 for a city, 3 for a community; a park counts as deep as a community."""
    return TREE_LEVELS.index("community" if level == PARK else level)
