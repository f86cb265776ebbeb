"""The one walk of the area tree (``cockpit.areatree``), on the shape of a real district:
what a street official may read, where a community's task escalates, which street a park
belongs to."""

from __future__ import annotations

from cockpit.areatree import AreaTree

DISTRICT, STREET, OTHER = "330103000000", "330103001000", "330103002000"
COMMUNITY, NEIGHBOUR, PARK = "330103001051", "330103002051", "330103001P01"
TREE = AreaTree.from_rows(
    [
        (DISTRICT, None, "district"),
        (STREET, DISTRICT, "street"),
        (OTHER, DISTRICT, "street"),
        (COMMUNITY, STREET, "community"),
        (NEIGHBOUR, OTHER, "community"),
        (PARK, STREET, "park"),
    ]
)


def test_a_street_scope_reads_itself_below_and_the_district_total_never_a_sibling():
    assert TREE.scope_set(STREET) == sorted([DISTRICT, STREET, COMMUNITY, PARK])
    assert OTHER not in TREE.scope_set(STREET) and NEIGHBOUR not in TREE.scope_set(STREET)
    assert TREE.scope_set(DISTRICT) == sorted(TREE)
    assert TREE.scope_set("330103099000") == []  # an unknown scope reads nothing


def test_above_below_and_the_nearest_street():
    assert TREE.ancestors(COMMUNITY) == [STREET, DISTRICT]
    assert TREE.descendants(DISTRICT) == [STREET, OTHER, COMMUNITY, PARK, NEIGHBOUR]
    assert TREE.children(STREET) == [COMMUNITY, PARK]
    assert TREE.is_below(COMMUNITY, DISTRICT) and not TREE.is_below(DISTRICT, COMMUNITY)
    assert TREE.covers(STREET, STREET) and TREE.covers(STREET, COMMUNITY)
    assert not TREE.covers(STREET, NEIGHBOUR)
    assert TREE.nearest(COMMUNITY, "street") == STREET == TREE.nearest(PARK, "street")
    assert TREE.nearest(DISTRICT, "street") is None
    assert TREE.top() == [DISTRICT]


def test_a_loop_in_bad_data_ends_the_walk():
    looped = AreaTree({"a": "b", "b": "a"})
    assert looped.ancestors("a") == ["b"]
