"""What departments really send, fed in as files: codes Excel mangled, dates in every
form, bad counts, duplicates. Each gets a correct load or a reason naming the column."""

from __future__ import annotations

import datetime as dt
import io

import duckdb
import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook

from pipelines.areas.tree import read_tree
from pipelines.ingest.area_index import AreaIndex
from pipelines.ingest.contract import TabularSource
from pipelines.ingest.extract import ExtractError
from pipelines.ingest.fields import Field
from pipelines.ingest.validation import CHECKED
from tests.helpers.cockpits import REPO

TODAY = dt.date(2025, 1, 1)
SOURCE = TabularSource(
    id="probe",
    department_id="probe",
    department_zh="测试",
    department_en="Probe",
    title_zh="测试",
    title_en="Probe",
    table="probe",
    key=("period", "area_code"),
    cadence="0 6 * * *",
    max_age_days=40,
    fields=(
        Field("period", "month", ("月份",)),
        Field("area_code", "area", ("社区代码",), name_aliases=("社区",)),
        Field("people", "count", ("人数",)),
        Field("score", "number", ("得分",), required=False, minimum=0, maximum=100),
        Field("reported", "datetime", ("上报时间",), required=False),
    ),
)


@pytest.fixture
def con():
    connection = duckdb.connect()
    AreaIndex(read_tree(REPO / "data" / "reference").areas).install(connection)
    yield connection
    connection.close()


def checked(con, tmp_path, lines: list[str], encoding: str = "utf-8", name: str = "x.csv"):
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding))
    batch = SOURCE.read(con, path, TODAY, tmp_path)
    rows = con.execute(
        f"SELECT _row, period, area_code, people, score, reasons FROM {CHECKED} ORDER BY _row"
    ).fetchall()
    return batch, {r[0]: r[1:] for r in rows}


def test_codes_survive_excel(con, tmp_path):
    _, rows = checked(
        con,
        tmp_path,
        [
            "月份,社区代码,人数",
            "2024-03,3.30103001051E+11,1",
            "2024-04,330103001051.0,1",
            "2024-05,３３０１０３００１０５１,1",
            "2024-06, 330103 001051 ,1",
        ],
    )
    assert {r[1] for r in rows.values()} == {"330103001051"}
    assert all(r[4] == [] for r in rows.values())


def test_names_with_or_without_the_suffix_and_unknown_names(con, tmp_path):
    _, rows = checked(
        con,
        tmp_path,
        ["月份,社区,人数", "2024-03,吴牙社区,1", "2024-03,柳营,2", "2024-03,新华社区,3"],
    )
    assert [r[1] for r in rows.values()][:2] == ["330103001052", "330103001056"]
    assert rows[4][4] == ["社区: unknown area: 新华社区"]


def test_dates_in_every_form_departments_use(con, tmp_path):
    forms = [
        "2024年3月1日",
        "2024/3/1",
        "20240301",
        "45352",
        "2024-03-01 08:30:00",
        "2024年3月",
        "202403",
    ]
    lines = ["月份,社区代码,人数"] + [
        f"{form},33010300105{i},1" for i, form in enumerate(forms, start=1)
    ]
    _, rows = checked(con, tmp_path, lines)
    assert [r[0] for r in rows.values()] == ["2024-03"] * 7, [r[4] for r in rows.values()]


def test_future_and_nonsense_dates_are_rejected_with_a_reason(con, tmp_path):
    _, rows = checked(
        con,
        tmp_path,
        [
            "月份,社区代码,人数",
            "2030-01-01,330103001051,1",
            "下个月,330103001052,1",
            ",330103001055,1",
        ],
    )
    assert [r[4] for r in rows.values()] == [
        ["月份: date in the future: 2030-01-01"],
        ["月份: not a date: 下个月"],
        ["月份: missing date"],
    ]


def test_counts_and_bounded_numbers(con, tmp_path):
    lines = [
        "月份,社区代码,人数,得分",
        '2024-01,330103001051,"1,234",',
        "2024-02,330103001051,12.0,99.5",
        "2024-03,330103001051,-3,50",
        "2024-04,330103001051,abc,50",
        "2024-05,330103001051,1.5,50",
        "2024-06,330103001051,４２,101",
    ]
    batch, rows = checked(con, tmp_path, lines)
    assert rows[2][2] == 1234 and rows[3][2:4] == (12, 99.5) and rows[2][3] is None
    assert [rows[n][4] for n in (4, 5, 6)] == [
        ["人数: negative count: -3"],
        ["人数: not a number: abc"],
        ["人数: not a whole number: 1.5"],
    ]
    assert rows[7][4] == ["得分: above 100: 101"]
    assert batch.rows_in == 6 and batch.rows_rejected == 4


def test_every_problem_of_a_row_is_listed(con, tmp_path):
    _, rows = checked(con, tmp_path, ["月份,社区代码,人数", "someday,999,-1"])
    assert rows[2][4] == [
        "月份: not a date: someday",
        "社区代码: unknown area: 999",
        "人数: negative count: -1",
    ]


def test_duplicates_keep_the_first_and_name_it(con, tmp_path):
    lines = [
        "月份,社区代码,人数",
        "2024-03,330103001051,5",
        "2024-03,330103001051,5",
        "2024-03,330103001051,7",
    ]
    batch, rows = checked(con, tmp_path, lines)
    assert rows[2][4] == []
    assert rows[3][4] == ["period/area_code: duplicate of row 2"]
    assert rows[4][4] == ["period/area_code: same key as row 2"]
    assert batch.rows_rejected == 2


def test_gb18030_without_a_declaration_and_title_rows(con, tmp_path):
    lines = ["下城区某局月报,,", "单位：人,,", "", "月份,社区,人数", "2024年3月,浙大御跸社区,9"]
    batch, rows = checked(con, tmp_path, lines, encoding="gb18030")
    assert rows == {5: ("2024-03", "330103001051", 9, None, [])}
    assert "encoding gb18030" in batch.notes


def test_formula_like_cells_stay_text_and_are_never_evaluated(con, tmp_path):
    lines = [
        "月份,社区代码,人数",
        "2024-03,=HYPERLINK(1),1",
        "2024-03,330103001051,+1",
        "2024-03,@SUM(A1),1",
    ]
    _, rows = checked(con, tmp_path, lines)
    assert rows[2][4] == ["社区代码: unknown area: =HYPERLINK(1)"]
    assert rows[3][2] == 1
    assert rows[4][4] == ["社区代码: unknown area: @SUM(A1)"]


def test_a_large_gb18030_file_whose_sample_ends_inside_a_character(con, tmp_path):
    names = ["浙大御跸社区", "吴牙社区", "王马社区", "柳营社区"]
    lines = ["月份,社区,人数"] + [f"2024年{1 + i % 12}月,{names[i % 4]},{i}" for i in range(6000)]
    path = tmp_path / "big.csv"
    path.write_bytes("\n".join(lines).encode("gb18030"))
    assert len(path.read_bytes()) > 65536
    batch = SOURCE.read(con, path, TODAY, tmp_path)
    assert "encoding gb18030" in batch.notes
    assert batch.rows_in == 6000
    # Each (month, community) recurs: the later rows are named as duplicates, not mojibake.
    assert batch.rows_rejected == 6000 - 12  # 12 distinct (month, community) keys
    first = con.execute(f"SELECT area_code, people FROM {CHECKED} WHERE _row = 2").fetchall()
    assert first == [("330103001051", 0)]


@pytest.mark.parametrize(
    ("late_cells", "expected"),
    [
        ("浙大御跸社区,7", ("330103001051", 7)),  # Chinese in a text cell
        ("330103001051,１２", ("330103001051", 12)),  # full-width digits in a typed cell
    ],
)
def test_gb18030_whose_head_is_plain_ascii(con, tmp_path, late_cells, expected):
    """The first part read is plain ASCII, so the file passes for UTF-8 until a GB18030
    character appears far down: it is then read again as GB18030, never loaded as '?'."""
    areas = read_tree(REPO / "data" / "reference").areas
    others = areas.query("level == 'community' and code != '330103001051'")["code"]
    lines = ["period,area_code,people"]
    for i in range(4000):
        month = f"{2000 + i // 12 % 25}-{1 + i % 12:02d}"
        lines.append(f"{month},{others.iloc[i // 300]},{i}")
    lines.append(f"2024-12,{late_cells}")
    body = "\n".join(lines).encode("gb18030")
    assert body[:65536].isascii()
    path = tmp_path / "late.csv"
    path.write_bytes(body)
    batch = SOURCE.read(con, path, TODAY, tmp_path)
    assert "encoding gb18030" in batch.notes
    assert (batch.rows_in, batch.rows_rejected) == (4001, 0)
    last = con.execute(f"SELECT area_code, people FROM {CHECKED} WHERE _row = 4002").fetchall()
    assert last == [expected]


def test_blank_lines_and_empty_rows_keep_row_numbers_true(con, tmp_path):
    lines = ["月份,社区代码,人数", "2024-01,330103001051,1", "", ",,", "2024-02,330103001051,x"]
    batch, rows = checked(con, tmp_path, lines)
    assert batch.rows_in == 2
    assert rows[5][4] == ["人数: not a number: x"]  # line 5, blank line 3 counted


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fails(con, tmp_path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractError) as failure:
        SOURCE.read(con, path, TODAY, tmp_path)
    assert str(failure.value).startswith(name + ": ")
    return failure.value.reason


def test_renamed_extra_and_missing_columns(con, tmp_path):
    # 社区 (a name column) stands in for 社区代码; 备注 is extra and noted, not an error.
    batch, rows = checked(con, tmp_path, ["备注,月份,社区,人数", "x,2024-01,吴牙社区,3"])
    assert "ignored column(s): 备注" in batch.notes
    assert rows == {2: ("2024-01", "330103001052", 3, None, [])}
    reason = _fails(con, tmp_path, "m.csv", "月份,社区代码\n2024-01,330103001051\n".encode())
    assert reason == "missing column(s) 人数 (people); found: 月份, 社区代码"


def test_files_that_cannot_be_used_say_why(con, tmp_path):
    assert _fails(con, tmp_path, "empty.csv", b"") == "the file is empty"
    assert _fails(con, tmp_path, "header.csv", "月份,社区代码,人数\n".encode()) == (
        "the file has a header but no data rows"
    )
    assert _fails(con, tmp_path, "empty.xlsx", _xlsx([])) == "the first sheet is empty"
    whole = _xlsx([["月份", "社区代码", "人数"], ["2024-01", "330103001051", 1]])
    assert "truncated or corrupt" in _fails(con, tmp_path, "cut.xlsx", whole[: len(whole) // 2])
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(whole)).encrypt("secret", encrypted)
    assert "password-protected" in _fails(con, tmp_path, "locked.xlsx", encrypted.getvalue())
    assert "cannot decode" in _fails(con, tmp_path, "binary.csv", bytes(range(128, 256)) * 300)


def test_an_xlsx_with_merged_title_rows_and_numeric_codes(con, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(
        _xlsx(
            [
                ["某局月报"],
                [None, "单位：人"],
                ["月份", "社区代码", "人数"],
                [45292, 330103001051, 7],
            ]
        )
    )
    batch = SOURCE.read(con, path, TODAY, tmp_path)
    rows = con.execute(f"SELECT _row, period, area_code, people, reasons FROM {CHECKED}").fetchall()
    assert rows == [(4, "2024-01", "330103001051", 7, [])]
    assert batch.rows_in == 1


def test_long_loads_report_each_stage_with_its_rate(con, tmp_path):
    lines = ["月份,社区代码,人数"] + [f"2024-01,330103001051,{i}" for i in range(100_000)]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    said: list[str] = []
    SOURCE.read(con, path, TODAY, tmp_path, progress=said.append)
    assert [line.split(":")[1].strip() for line in said] == ["read long.csv", "checked"]
    assert all("100,000 rows in" in line and "rows/s)" in line for line in said)


def test_gb18030_without_iconv_on_the_machine(con, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")  # a machine with no iconv: Python's codec does it
    lines = ["月份,社区,人数", "2024年3月,浙大御跸社区,9", "2024年4月,吴牙,8"]
    batch, rows = checked(con, tmp_path, lines, encoding="gb18030")
    assert "encoding gb18030" in batch.notes
    assert [r[1] for r in rows.values()] == ["330103001051", "330103001052"]
    assert _fails(con, tmp_path, "bad.csv", bytes(range(128, 256)) * 300).startswith(
        "cannot decode"
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_values_exactly_at_their_bounds_are_good(con, tmp_path, kind):
    """A count of 0, a score of exactly 0 or 100, a date of today: all allowed; one step
    past each: refused. A CSV's cells arrive typed from DuckDB's reader; an xlsx's are
    checked as text: both paths are held to the same bounds."""
    today = dt.datetime.combine(TODAY, dt.time(23, 59))
    tomorrow = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(0, 0))
    rows_in = [
        ["月份", "社区代码", "人数", "得分", "上报时间"],
        ["2024-12", "330103001051", 0, 0, today],
        ["2024-12", "330103001052", 5, 100, today],
        ["2024-11", "330103001055", 1, 50, tomorrow],
        ["2024-11", "330103001056", -1, -0.5, None],
        ["2024-10", "330103001059", 2, 100.5, None],
        ["2024-10", "330103001060", 1.5, None, None],
    ]
    path = tmp_path / f"bounds.{kind}"
    if kind == "xlsx":
        path.write_bytes(_xlsx(rows_in))
    else:
        text = [",".join("" if c is None else str(c) for c in r) for r in rows_in]
        path.write_text("\n".join(text), encoding="utf-8")
    batch = SOURCE.read(con, path, TODAY, tmp_path)
    assert batch.rows_in == 6
    rows = con.execute(
        f"SELECT people, score, reported, reasons FROM {CHECKED} ORDER BY _row"
    ).fetchall()
    reasons = [r[3] for r in rows]
    assert reasons[0] == [] and reasons[1] == []
    assert rows[0][:3] == (0, 0, today) and rows[1][:2] == (5, 100)
    assert len(reasons[2]) == 1 and reasons[2][0].startswith(
        "上报时间: date in the future: 2025-01-02"
    )
    assert reasons[3] == ["人数: negative count: -1", "得分: below 0: -0.5"]
    assert reasons[4] == ["得分: above 100: 100.5"]
    assert reasons[5] == ["人数: not a whole number: 1.5"]
