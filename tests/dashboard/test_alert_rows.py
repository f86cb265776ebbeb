"""One problem, one row: the alerts of one indicator in an area and in the areas under it
are one row of the list ("潮鸣街道 及其 6 个社区"), led by the top area, ranked by the
worst, with the others listed when the row is opened. The page's first ten rows are ten
distinct problems; the CSV keeps one line per area, with its problem."""

from __future__ import annotations

import csv
import io
import json
import re

from cockpit.areatree import AreaTree
from tests.helpers.client import Cockpit

DISTRICT = "330103000000"


def _components(node, class_name: str) -> list[dict]:
    """Every component of a rendered layout with ``class_name`` among its classes."""
    found = []
    if isinstance(node, dict):
        props = node.get("props", {})
        if class_name in str(props.get("className", "")).split():
            found.append(node)
        for value in props.values():
            found += _components(value, class_name)
        for value in node.values():
            if isinstance(value, list | dict) and value is not props:
                found += _components(value, class_name)
    elif isinstance(node, list):
        for item in node:
            found += _components(item, class_name)
    return found


def _text(node) -> str:
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, dict):
        return _text(node.get("props", {}).get("children"))
    if isinstance(node, list):
        return "".join(_text(n) for n in node)
    return ""


def _rows(site, person) -> list[dict]:
    answer = Cockpit(site.url, site.visitor(person)).page("/")
    assert answer.status_code == 200
    rows = []
    for row in _components(answer.json(), "alert-row"):
        link = _components(row, "alert-item")[0]
        href = link["props"]["href"]
        rows.append(
            {
                "code": re.search(r"/(\d{12}|\d{9}P?\d*)\?", href + "?").group(1)
                if re.search(r"/\d", href)
                else DISTRICT,
                "indicator": re.search(r"indicator=([a-z0-9_]+)", href).group(1),
                "area": _text(_components(link, "alert-area")[0]),
                "members": [
                    len(ul["props"]["children"]) for ul in _components(row, "alert-members")
                ],
            }
        )
    return rows


def test_the_first_ten_rows_are_ten_distinct_problems(site, people, wh):
    tree = AreaTree.from_rows(
        wh.execute("SELECT code, parent_code, level FROM ind.area").fetchall()
    )
    rows = _rows(site, people["district"])
    assert len(rows) == 10
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if a["indicator"] != b["indicator"]:
                continue
            full_a = a["code"] if len(a["code"]) == 12 else a["code"] + "000"
            full_b = b["code"] if len(b["code"]) == 12 else b["code"] + "000"
            assert full_a not in tree.ancestors(full_b) and full_b not in tree.ancestors(full_a)
    # The planted hotline surge of a street and its communities is one row, naming how many.
    shared = [r for r in rows if "及其" in r["area"]]
    assert shared, [r["area"] for r in rows]
    row = shared[0]
    n = int(re.search(r"及其 (\d+) 个社区", row["area"]).group(1))
    assert n >= 2 and row["members"] == [n]  # the n communities, listed when opened


def test_the_csv_keeps_one_line_per_area_with_its_problem(site, people, wh):
    latest = wh.execute("SELECT max(period) FROM ind.alert").fetchone()[0]
    answer = site.visitor(people["district"]).get(f"{site.url}/export/alerts.csv?area={DISTRICT}")
    assert answer.status_code == 200
    lines = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    alerted = {
        (i, a)
        for i, a in wh.execute(
            "SELECT indicator_id, area_code FROM ind.alert WHERE period = ?", [latest]
        ).fetchall()
    }
    assert len(lines) == len(alerted)
    codes = {line["区划代码"].strip() for line in lines}
    groups = {line["所属问题（牵头区域代码）"].strip() for line in lines}
    # Every problem is led by an alerted area; fewer problems than alerts.
    assert groups <= codes and len(groups) < len(lines)
    assert json.dumps(lines, ensure_ascii=False).count("及其") == 0  # one area per line
