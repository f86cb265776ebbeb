"""Numbers as Chinese officials read them: 万 and 亿, percentage points, 2019年12月."""

from __future__ import annotations

import pytest

from dashboard.drawing import fmt


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "zh", "en"),
    [
        (423_600, 0, "人", "42.36万人", "423,600 人"),
        (1_663_043, 0, "人次", "166.3万人次", "1.66 million 人次"),
        (166_300_000, 0, "元", "1.66亿元", "166.3 million 元"),
        (200_000, 0, "人", "20万人", "200,000 人"),
        (72_925, 0, "件", "7.29万件", "72,925 件"),
        (9_999, 0, "人", "9,999人", "9,999 人"),
        (12_345, 1, "万元", "1.23亿元", "12,345.0万元"),
        (94.7, 1, "件/万人", "94.7件/万人", "94.7 件/万人"),
        (123_456.7, 1, "%", "123,456.7%", "123,456.7%"),
        (None, 0, "人", "—", "—"),
    ],
)
def test_large_values_in_wan_and_yi(value, decimals, unit, zh, en):
    assert fmt.with_unit(value, decimals, unit, "zh") == zh
    assert fmt.with_unit(value, decimals, unit, "en") == en


def test_a_rate_changes_in_percentage_points_and_a_count_in_percent():
    # 超期率 0.15% → 0.72%: up 0.57 points, not "▲381.7%".
    delta = fmt.change(0.72, 0.15, "%")
    assert delta == pytest.approx(0.57)
    assert fmt.signed_change(delta, "%", "zh") == "▲ 0.6个百分点"
    assert fmt.signed_change(delta, "%", "en") == "▲ 0.6 pp"
    assert fmt.signed_change(fmt.change(90, 120, "件"), "件", "zh") == "▼ 25.0%"
    # A rate may change from 0; a count from 0 has no relative change.
    assert fmt.change(3.0, 0.0, "%") == 3.0
    assert fmt.change(3, 0, "件") is None
    assert fmt.signed_change(None, "%", "zh") == "—"
    assert fmt.change_tone(fmt.change(0.72, 0.15, "%"), "lower_better") == "bad"


def test_months_read_as_chinese_dates():
    assert fmt.period("2019-12", "zh") == "2019年12月"
    assert fmt.period("2019-01", "zh") == "2019年1月"
    assert fmt.period("2019-12", "en") == "Dec 2019"


def test_axes_use_the_same_units_as_the_numbers():
    people = fmt.axis([0, 1_500_000, 424_000], "人", "zh")
    assert people["ticktext"] == ["0", "50万", "100万", "150万"]
    assert people["tickvals"] == [0, 500_000, 1_000_000, 1_500_000]
    money = fmt.axis([120_000_000, 250_000_000], "元", "zh")
    assert money["ticktext"] == ["0", "1亿", "2亿", "3亿"]
    rates = fmt.axis([0.2, 0.72], "%", "zh")
    assert rates["ticktext"][-1] == "0.8%" and rates["tickvals"][-1] >= 0.72
    # A trend need not start at 0; its ticks still cover every value.
    narrow = fmt.axis([90.4, 94.7], "件/万人", "zh", from_zero=False)
    assert narrow["tickvals"][0] <= 90.4 and narrow["tickvals"][-1] >= 94.7
    assert narrow["ticktext"] == ["90", "92", "94", "96"]


def test_a_count_change_reads_as_arrows():
    assert fmt.count_change(137, 130) == "↑7"
    assert fmt.count_change(130, 137) == "↓7"
    assert fmt.count_change(5, 5) == "±0"
    assert fmt.count_change(5, None) == ""


def test_a_csv_cell_is_never_a_formula_and_numbers_stay_numbers():
    import io

    import pandas as pd

    frame = pd.DataFrame(
        {
            "名称": ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rx", "武林"],
            "代码": ["330103001000"] * 7,
            "值": [-5.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    text = fmt.excel_csv(frame)
    assert text.startswith("\ufeff")
    back = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype={"代码": str})
    assert back["名称"].tolist() == [
        "'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tcmd", "'\rx", "武林"
    ]  # fmt: skip
    assert back["值"].tolist() == [-5.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert back["代码"].str.strip().tolist() == ["330103001000"] * 7
