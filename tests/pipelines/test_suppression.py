"""Small counts are published as "<k", and no hidden cell can be recovered by subtracting
the visible siblings from a published total (complementary suppression)."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.layers.suppression import suppress_small_counts
from pipelines.layers.values import INDICATOR_DDL

DISTRICT, STREET_A, STREET_B = "330103000000", "330103001000", "330103002000"


def _tiny(values: dict[str, float | None], k: int = 5) -> duckdb.DuckDBPyConnection:
    """One indicator over a district, two streets and their communities; street and
    district values are the sums of their children, as the engine writes them."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ind")
    con.execute(INDICATOR_DDL)
    tree = {STREET_A: ["330103001051", "330103001052", "330103001053"],
            STREET_B: ["330103002051", "330103002052"]}  # fmt: skip
    con.execute("INSERT INTO ind.indicator (indicator_id, direction, suppress_below) "
                "VALUES ('firms', 'neutral', ?)", [k])  # fmt: skip
    rows = []
    for street, communities in tree.items():
        for code in communities:
            rows.append((code, "community", street, values[code]))
        rows.append((street, "street", DISTRICT, sum(values[c] for c in communities)))
    rows.append((DISTRICT, "district", None, sum(r[3] for r in rows if r[1] == "street")))
    for code, level, parent, value in rows:
        con.execute(
            "INSERT INTO ind.indicator_value (indicator_id, area_code, level, parent_code, "
            "period, value, base, suppressed) VALUES ('firms', ?, ?, ?, '2019-12', ?, ?, ?)",
            [code, level, parent, value, value, 0 < value < k],
        )
    return con


def published(con) -> dict[str, float | None]:
    return dict(con.execute("SELECT area_code, value FROM ind.indicator_value").fetchall())


def test_a_lone_small_count_takes_its_smallest_sibling_with_it():
    con = _tiny({"330103001051": 3, "330103001052": 40, "330103001053": 12,
                 "330103002051": 30, "330103002052": 50})  # fmt: skip
    suppress_small_counts(con, ["firms"])
    out = published(con)
    assert out["330103001051"] is None  # the small count
    assert out["330103001053"] is None  # its complement: the smallest other sibling
    assert out["330103001052"] == 40 and out[STREET_A] == 55
    # The street total minus the visible sibling no longer gives the small count away.
    assert out[STREET_A] - out["330103001052"] == 15


def test_two_small_counts_that_add_up_to_little_take_a_third_cell_with_them():
    """Street 55 minus the visible 40 leaves 5 for two hidden counts of at least 1 each:
    both lie in 1..4, which is what "<5" says. Hiding only them would keep that range
    narrower than k, so the 40 goes too."""
    con = _tiny({"330103001051": 3, "330103001052": 40, "330103001053": 2,
                 "330103002051": 30, "330103002052": 50})  # fmt: skip
    hidden = suppress_small_counts(con, ["firms"])
    assert hidden == 3
    assert published(con)["330103001052"] is None
    assert published(con)[STREET_A] == 45


def test_a_complement_too_small_to_cover_the_labels_takes_another():
    """Hiding the 2 and the 5 leaves 7 between them. "已隐藏" says the 5 is at least 5,
    so the 2 would be at most 2, narrower than the 1..4 of its "<5": the 40 goes too."""
    con = _tiny({"330103001051": 2, "330103001052": 40, "330103001053": 5,
                 "330103002051": 30, "330103002052": 50})  # fmt: skip
    assert suppress_small_counts(con, ["firms"]) == 3
    kinds = dict(con.execute(
        "SELECT area_code, suppressed_kind FROM ind.indicator_value WHERE suppressed"
    ).fetchall())  # fmt: skip
    assert kinds == {"330103001051": "small", "330103001052": "complementary",
                     "330103001053": "complementary"}  # fmt: skip
    assert published(con)[STREET_A] == 47


def test_a_hidden_street_hides_another_street_and_one_of_its_own_communities():
    con = _tiny({"330103001051": 1, "330103001052": 0, "330103001053": 2,
                 "330103002051": 30, "330103002052": 50})  # fmt: skip
    suppress_small_counts(con, ["firms"])
    out = published(con)
    assert out[STREET_A] is None  # 3 firms: a small count itself
    assert out[STREET_B] is None  # the district minus street B would give street A
    # Street B hidden with both its communities shown would be their sum: one goes too.
    assert [out["330103002051"], out["330103002052"]].count(None) >= 1
    # A zero names nobody and is published.
    assert out["330103001052"] == 0


def test_ranks_and_changes_are_of_published_values_only():
    con = _tiny({"330103001051": 3, "330103001052": 40, "330103001053": 12,
                 "330103002051": 30, "330103002052": 50})  # fmt: skip
    suppress_small_counts(con, ["firms"])
    ranks = dict(con.execute(
        "SELECT area_code, rank FROM ind.indicator_value WHERE parent_code = ?", [STREET_A]
    ).fetchall())  # fmt: skip
    assert ranks == {"330103001051": None, "330103001052": 1, "330103001053": None}
    columns = [r[0] for r in con.execute("DESCRIBE ind.indicator_value").fetchall()]
    assert "base" not in columns  # the true counts are not published


@pytest.fixture
def suppressed_cells(wh):
    return wh.execute("SELECT count(*) FROM ind.indicator_value WHERE suppressed").fetchall()[0][0]


def test_the_demo_publishes_no_small_count(wh, suppressed_cells):
    assert suppressed_cells > 0
    small = wh.execute(
        """
        SELECT v.indicator_id, v.area_code, v.period, v.value
        FROM ind.indicator_value v JOIN ind.indicator i USING (indicator_id)
        WHERE i.rollup = 'sum' AND i.suppress_below > 0 AND v.value > 0
          AND v.value < i.suppress_below AND i.indicator_id <> 'policy_paid_amount'
        LIMIT 5
        """
    ).fetchall()
    assert small == []
    # Ratios: no published rate rests on fewer than k cases.
    thin = wh.execute(
        """
        SELECT v.indicator_id, v.area_code, v.period FROM ind.indicator_value v
        JOIN ind.indicator i USING (indicator_id)
        WHERE i.rollup = 'ratio' AND i.suppress_below > 0 AND v.value IS NOT NULL
          AND v.denominator > 0 AND v.denominator < i.suppress_below LIMIT 5
        """
    ).fetchall()
    assert thin == []
    hidden = wh.execute(
        "SELECT count(*) FROM ind.indicator_value WHERE suppressed AND (value IS NOT NULL "
        "OR numerator IS NOT NULL OR denominator IS NOT NULL OR status IS NOT NULL)"
    ).fetchall()[0][0]
    assert hidden == 0


def test_one_firm_paid_is_never_shown_with_its_amount(wh):
    """The attack in the issue: "1 firm, 2.0 万元" for one community and month."""
    exposed = wh.execute(
        """
        SELECT a.area_code, a.period, f.value, a.value
        FROM ind.indicator_value a JOIN ind.indicator_value f
          ON f.area_code = a.area_code AND f.period = a.period
        JOIN (SELECT area_code, period, count(DISTINCT credit_code) AS firms
              FROM stg.policy_payments GROUP BY ALL) s
          ON s.area_code = a.area_code AND s.period = a.period
        WHERE a.indicator_id = 'policy_paid_amount' AND f.indicator_id = 'policy_firms_served'
          AND s.firms BETWEEN 1 AND 4 AND (a.value IS NOT NULL OR f.value IS NOT NULL)
        """
    ).fetchall()
    assert exposed == []


def test_no_hidden_cell_can_be_recovered_by_subtraction(wh):
    lone = wh.execute(
        """
        SELECT c.indicator_id, c.parent_code, c.period
        FROM ind.indicator_value c JOIN ind.indicator_value p
          ON p.indicator_id = c.indicator_id AND p.area_code = c.parent_code
         AND p.period = c.period
        WHERE c.level IN ('community', 'street') AND NOT p.suppressed
        GROUP BY ALL HAVING count(*) FILTER (WHERE c.suppressed) = 1
        """
    ).fetchall()
    assert lone == []
    bare = wh.execute(
        """
        SELECT p.indicator_id, p.area_code, p.period
        FROM ind.indicator_value p JOIN ind.indicator_value c
          ON c.indicator_id = p.indicator_id AND c.parent_code = p.area_code
         AND c.period = p.period AND c.level IN ('community', 'street')
        WHERE p.suppressed
        GROUP BY ALL HAVING count(*) FILTER (WHERE c.suppressed) = 0
        """
    ).fetchall()
    assert bare == []


def test_a_zero_is_never_taken_as_the_complement():
    # Beside the small count, a zero (nobody to protect, and nothing hidden by hiding it)
    # and a 12: the 12 is hidden with it.
    con = _tiny({"330103001051": 3, "330103001052": 0, "330103001053": 12,
                 "330103002051": 30, "330103002052": 50})  # fmt: skip
    suppress_small_counts(con, ["firms"])
    out = published(con)
    assert out["330103001052"] == 0 and out["330103001053"] is None
