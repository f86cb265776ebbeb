"""Rejection reasons, written once by the pipeline, read in the page's language."""

from __future__ import annotations

from dashboard.drawing.reasons import check_name


def test_rejection_reasons_read_in_the_page_s_language():
    assert check_name("社区: unknown area", "zh") == "社区: 未知区域"
    assert check_name("社区: unknown area", "en") == "社区: unknown area"
    assert check_name("得分: above 100", "zh") == "得分: 高于上限 100"
    assert check_name("ticket_id: duplicate of row", "zh") == "ticket_id: 与前面的行完全重复"
    wrong = "社区代码: area 330103001000 is a street, expected community/park"
    assert check_name(wrong, "zh") == "社区代码: 区域 330103001000 属于街道，应为社区/园区"
    assert check_name(wrong, "en") == (
        "社区代码: area 330103001000 is a Subdistrict, expected Community/Park"
    )
    # Anything the pipeline may say one day and this table does not know is shown as is.
    assert check_name("社区: a new kind of problem", "zh") == "社区: a new kind of problem"
