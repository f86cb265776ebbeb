"""A hidden value says why it is hidden, and only that: "<5" on a small count, "已隐藏"
(hidden) on a value hidden so that no small count can be worked out, which may be of any
size. Before, both read "<5", and two hidden streets summing to 12 then said that one of
them was at least 8 while its label said it was under 5."""

from __future__ import annotations

import csv
import io

import pytest


@pytest.fixture
def mixed_month(wh) -> tuple[str, str, dict[str, str]]:
    """A month in which the district's streets hold both kinds of hidden value."""
    row = wh.execute(
        """
        SELECT indicator_id, period, map(list(area_code), list(suppressed_kind))
        FROM ind.indicator_value WHERE level = 'street' AND suppressed
        GROUP BY ALL
        HAVING count(DISTINCT suppressed_kind) = 2
        ORDER BY indicator_id, period LIMIT 1
        """
    ).fetchone()
    assert row is not None, "the demo has a month with both kinds among its streets"
    return row[0], row[1], dict(row[2])


def test_each_hidden_street_is_labelled_by_why_it_is_hidden(site, people, mixed_month):
    indicator, period, kinds = mixed_month
    official = site.visitor(people["district"])
    for lang, small, hidden in (("zh", "<5", "已隐藏"), ("en", "<5", "hidden")):
        answer = official.get(
            f"{site.url}/export/ranking.csv?area=330103000000&indicator={indicator}"
            f"&period={period}&lang={lang}"
        )
        assert answer.status_code == 200
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        header, body = rows[0], rows[1:]
        code = next(i for i, h in enumerate(header) if h in ("区划代码", "Area code"))
        value = next(i for i, h in enumerate(header) if h in ("数值", "Value"))
        shown = {r[code].strip(): r[value] for r in body}
        for street, kind in kinds.items():
            assert shown[street] == (small if kind == "small" else hidden), (lang, street)
        # A published street's value is a number.
        published = [s for s in shown if s not in kinds]
        assert published and all(float(shown[s]) >= 0 for s in published)


def test_the_map_says_the_same(mixed_month):
    import pandas as pd

    from dashboard.drawing.figures import base_hover

    indicator, _period, kinds = mixed_month
    values = pd.DataFrame(
        [{"code": c, "name_zh": c, "value": None, "status": None, "suppressed": True,
          "suppressed_kind": k} for c, k in kinds.items()]
    )  # fmt: skip
    hover = base_hover(list(kinds), values, {"suppress_below": 5}, "zh")
    assert {row[0]: row[2] for row in hover} == {
        c: "<5" if k == "small" else "已隐藏" for c, k in kinds.items()
    }
