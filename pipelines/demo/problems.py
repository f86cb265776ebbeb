"""The demo's planted problems: what an official should find, with the ground truth.

Everything else in the demo is noise around plausible levels. Each problem starts in a
month and runs to the end of the data; the generators apply it, and the alert-quality
benchmark (``bench/alerts.py``) and its test check that each one is among the first alerts
of the page that owns it (the area's own cockpit), and of its parent's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Problem:
    id: str
    indicator: str
    area_code: str
    since: str
    zh: str
    en: str


PROBLEMS: tuple[Problem, ...] = (
    Problem(
        "lift_maintenance", "elevator_maintenance_on_time", "330103006056", "2019-09",
        "应家桥社区的电梯维保单位自9月起大量超期维保",
        "Lift maintenance in 应家桥 falls behind from September",
    ),
    Problem(
        "hotline_surge", "hotline_per_10k", "330103005000", "2019-11",
        "潮鸣街道11月起一项道路施工后12345诉求激增",
        "12345 calls surge in 潮鸣 after road works from November",
    ),
    Problem(
        "failing_kitchen", "kitchen_inspection_fail_rate", "330103008015", "2019-08",
        "水漾苑社区的餐饮单位自8月起屡查屡不合格",
        "Kitchens in 水漾苑 fail inspection after inspection from August",
    ),
    Problem(
        "slow_city_cases", "city_cases_closed_on_time", "330103009006", "2019-10",
        "景荣社区数字城管案件自10月起按期结案率明显下降",
        "Urban-management cases in 景荣 stop closing on time from October",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Drift:
    """A gradual deterioration: from ``since`` the community's rate slides by the same
    step each month, from its level the month before to just past the red boundary
    ``bound`` in ``red_from``. Most turn red after the demo's last month, still green or
    amber in it, where only a forecast can see them coming; one turned red months ago,
    so that the warnings the backtest raises on history can be judged against it."""

    id: str
    indicator: str
    area_code: str
    since: str
    red_from: str
    bound: float
    zh: str
    en: str

    def months_in(self, month: str) -> int:
        """How many months of the slide ``month`` is (0 before it starts)."""
        return max(0, _month_index(month) - _month_index(self.since) + 1)

    def value(self, start: float, month: str) -> float:
        """The slid value in ``month``, from ``start`` (the month before the slide):
        half a step past the boundary in ``red_from``, half a step short the month before."""
        steps = _month_index(self.red_from) - _month_index(self.since) + 1
        step = (start - self.bound) / (steps - 0.5)
        return start - step * self.months_in(month)


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


DRIFTS: tuple[Drift, ...] = (
    Drift(
        "family_doctor_slide", "family_doctor_coverage", "330103007001", "2019-08", "2020-02",
        28.0, "打铁关社区的家庭医生签约率自8月起每月下滑（续约流失），2020年2月将转红",
        "Family-doctor coverage in 打铁关 slides every month from August; red from February 2020",
    ),
    Drift(
        "recycling_slide", "recyclable_share", "330103003055", "2019-08", "2020-02",
        10.0, "仓桥社区的可回收物占比自8月起逐月走低（回收站点撤并），2020年2月将转红",
        "The recyclable share in 仓桥 falls month by month from August; red from February 2020",
    ),
    Drift(
        "family_doctor_lapse", "family_doctor_coverage", "330103002057", "2019-03", "2019-10",
        28.0, "安吉社区的家庭医生签约率自3月起逐月下滑，10月转红并继续下滑",
        "Family-doctor coverage in 安吉 slides from March, red from October and still sliding",
    ),
)  # fmt: skip


def planted(areas, problems: tuple = PROBLEMS) -> tuple:
    """The problems (or drifts) as planted in this tree: where one's area is not in it
    (another district's demo), the same kind lands on an area of the same level, picked by
    its place in the code order, so every tree's demo has something to find."""
    levels = dict(zip(areas["code"], areas["level"], strict=True))
    out = []
    for n, p in enumerate(problems):
        if p.area_code in levels:
            out.append(p)
            continue
        level = "street" if p.area_code.endswith("000") else "community"
        codes = sorted(c for c, lv in levels.items() if lv == level)
        # Drifts take the places between the problems'.
        slot = 2 * n + 1 + (1 if isinstance(p, Drift) else 0)
        code = codes[(len(codes) * slot) // (2 * len(problems) + 1)]
        out.append(replace(p, area_code=code))
    return tuple(out)


def drift_of(drifts: tuple[Drift, ...], indicator: str, area_code: str) -> Drift | None:
    return next((d for d in drifts if d.indicator == indicator and d.area_code == area_code), None)


def affected(
    problems: tuple[Problem, ...], indicator: str, area_code: str, street_code: str, month: str
) -> bool:
    """Whether a generator's row (a community in its street, a month) carries a problem."""
    return any(
        p.indicator == indicator and month >= p.since and p.area_code in (area_code, street_code)
        for p in problems
    )


# The alerts of an area and everything under it in a month, as its cockpit lists them.
_PAGE = """
WITH RECURSIVE tree(code) AS (
    SELECT $code UNION ALL SELECT a.code FROM ind.area a JOIN tree t ON a.parent_code = t.code
)
SELECT al.indicator_id, al.area_code, a.parent_code
FROM ind.alert al JOIN tree t ON t.code = al.area_code JOIN ind.area a ON a.code = al.area_code
WHERE al.period = $period
ORDER BY al.priority DESC, al.area_code, al.indicator_id
"""


def _rank(con, problem: Problem, page: str, period: str) -> int | None:
    listed = con.execute(_PAGE, {"code": page, "period": period}).fetchall()
    for position, (indicator, area, _parent) in enumerate(listed, 1):
        if indicator == problem.indicator and area == problem.area_code:
            return position
    return None


def alert_quality(con, period: str) -> dict:
    """How the planted problems rank among the alerts of the month: on the page that owns
    each (the area's own cockpit), its parent's and the district's; how many of the
    district's first ten alerts come from planted problems; and the
    share of red among the values that have a status."""
    parents = dict(con.execute("SELECT code, parent_code FROM ind.area").fetchall())
    district = con.execute("SELECT code FROM ind.area WHERE parent_code IS NULL").fetchall()[0][0]
    problems = []
    for p in PROBLEMS:
        ranks = {
            "own": _rank(con, p, p.area_code, period),
            "parent": _rank(con, p, parents[p.area_code], period),
            "district": _rank(con, p, district, period),
        }
        problems.append({"id": p.id, "indicator": p.indicator, "area": p.area_code, **ranks})
    top = con.execute(_PAGE, {"code": district, "period": period}).fetchall()[:10]
    # An alert is a planted problem's when it is about the problem's area, one of its
    # communities, or the street above it (whose figure the problem drags down).
    planted = sum(
        any(
            p.indicator == ind and (p.area_code in (area, parent) or parents[p.area_code] == area)
            for p in PROBLEMS
        )
        for ind, area, parent in top
    )
    red, judged = con.execute(
        "SELECT count(*) FILTER (WHERE status = 'red'), count(*) FILTER (WHERE status IN "
        "('green', 'amber', 'red')) FROM ind.indicator_value WHERE period = ?",
        [period],
    ).fetchall()[0]
    alerts = con.execute("SELECT count(*) FROM ind.alert WHERE period = ?", [period]).fetchall()
    return {
        "period": period,
        "problems": problems,
        "recall_own_top10": sum(1 for p in problems if (p["own"] or 99) <= 10) / len(problems),
        "district_top10_planted": planted,
        "red": red,
        "judged": judged,
        "red_share": red / judged,
        "alerts": alerts[0][0],
    }
