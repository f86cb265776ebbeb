"""Exports that Excel opens safely: a name that begins like a formula (any name an
operator's code list gives, ``cockpit areas init`` takes) is written as text in every
ranking, alert and card CSV, and the answers are never kept by a browser or a proxy."""

from __future__ import annotations

import csv
import io

from tests.helpers.cockpits import STREET, copy_of_demo
from tests.helpers.inprocess import app_for

FORMULA = '=HYPERLINK("http://evil.example","点击")'


def test_a_formula_in_a_name_is_text_in_every_export(demo, people, tmp_path):
    changed = copy_of_demo(demo, tmp_path,
                           f"UPDATE ind.area SET name_zh = '{FORMULA}' WHERE code = '{STREET}'")  # fmt: skip
    with app_for(changed) as site:
        official = site.visitor(people["district"])
        seen = 0
        for table in ("ranking", "alerts", "scorecard", "cards"):
            area = STREET if table == "cards" else "330103000000"
            answer = official.get(
                f"{site.url}/export/{table}.csv?area={area}&indicator=hotline_per_10k"
            )
            assert answer.status_code == 200, table
            assert "no-store" in answer.headers["Cache-Control"], table
            cells = [c for row in csv.reader(io.StringIO(answer.content.decode("utf-8-sig")))
                     for c in row]  # fmt: skip
            assert FORMULA not in cells, table
            seen += cells.count("'" + FORMULA)
        assert seen >= 2  # the street is named in the ranking and the scorecard at least
