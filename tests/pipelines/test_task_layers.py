"""The 督办 loop's own measures (综合评价) are ordinary layers over a snapshot of the tasks
taken at each refresh: dispatched, overdue, closed on time and days to close, by street
and for the district."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from cockpit.store import migrate
from cockpit.tasks.store import Actor, act, create, forward
from pipelines.publish.refresh import run_refresh
from pipelines.warehouse import current_version
from tests.helpers.cockpits import COMMUNITY, STREET, make_settings, published_tree

DISTRICT = "330103000000"
OTHER_STREET = "330103002000"


def test_the_loop_measures_itself(tmp_path, drop_demo):
    settings = make_settings(tmp_path)
    drop_demo(settings)
    assert run_refresh(settings, echo=lambda _l: None).ok
    migrate(settings.app_db)
    tree = published_tree(settings)
    district, street = (
        Actor("qu", DISTRICT, role="handler"),
        Actor("jiedao", STREET, role="handler"),
    )
    community = Actor("shequ", COMMUNITY, role="handler")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def dispatch(area: str, days_ago: int) -> int:
        return create(settings.app_db, district, tree, indicator_id="hotline_closed_48h",
                      area_code=area, period="2019-12", severity="red",
                      now=now - dt.timedelta(days=days_ago))  # fmt: skip

    # 长庆: a task closed at once; one forwarded to a community that closed it; one open
    # and past its 7 days. Another street: one open, within its time.
    quick = dispatch(STREET, 1)
    act(settings.app_db, street, quick, "sign")
    act(settings.app_db, street, quick, "done")
    passed_on = dispatch(STREET, 2)
    act(settings.app_db, street, passed_on, "sign")
    sub = forward(settings.app_db, street, tree, passed_on, COMMUNITY, "请社区处置")
    act(settings.app_db, community, sub, "sign")
    act(settings.app_db, community, sub, "done")
    dispatch(COMMUNITY, 10)
    dispatch(OTHER_STREET, 1)

    lines: list[str] = []
    assert run_refresh(settings, echo=lines.append).ok
    assert "tasks: 4 in the snapshot" in lines
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    # Summed over the months the tasks were dispatched in (near a month's start they span
    # two): every measure here adds up.
    values = {
        (i, a): (v, n, d)
        for i, a, v, n, d in con.execute(
            "SELECT indicator_id, area_code, sum(value), sum(numerator), sum(denominator) "
            "FROM ind.indicator_value WHERE indicator_id LIKE 'task%' GROUP BY ALL"
        ).fetchall()
    }
    con.close()
    assert values[("tasks_dispatched", STREET)][0] == 3
    assert values[("tasks_dispatched", OTHER_STREET)][0] == 1
    assert values[("tasks_dispatched", DISTRICT)][0] == 4
    assert values[("tasks_overdue", STREET)][0] == 1
    assert values[("tasks_overdue", DISTRICT)][0] == 1
    assert values[("tasks_closed_on_time", STREET)][1:] == (2, 3)
    assert values[("tasks_closed_on_time", DISTRICT)][1:] == (2, 4)
    # Two done, both within about a day or two of dispatch.
    days, done = values[("task_days_to_close", STREET)][1:]
    assert done == 2 and 0 < days / done < 2.1


@pytest.mark.parametrize("level", ["community", "park"])
def test_the_loop_measures_are_for_streets_and_the_district_only(wh, level):
    rows = wh.execute("SELECT levels FROM ind.indicator WHERE indicator_id LIKE 'task%'").fetchall()
    assert len(rows) == 4
    assert all(level not in levels for (levels,) in rows)
