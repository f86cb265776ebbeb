"""No personal data is published: callers' names, phone numbers and ID-card numbers are
in the department extracts (and so in the owner-only archive), and nowhere else: not in
any table of the published warehouse, nor in any page, callback or export, for any role."""

from __future__ import annotations

import re
import stat

import duckdb
import pandas as pd
import pytest
import shapely

from pipelines.areas.hotline_cells import CELL_STEPS, GRID_DEGREES
from pipelines.ingest.sources import SOURCES
from tests.helpers.client import Cockpit, geometry_urls

# Not a digit run inside a longer number, a float's tail or a hex digest.
PHONE = re.compile(r"(?<![0-9A-Za-z.])1[3-9]\d{9}(?![0-9A-Za-z.])")
ID_CARD = re.compile(r"(?<![0-9A-Za-z.])\d{17}[\dXx](?![0-9A-Za-z.])")


def _read(path) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, engine="calamine")
    if path.suffix == ".csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return pd.read_csv(path, dtype=str, encoding=encoding)
            except UnicodeDecodeError:
                continue
    return pd.DataFrame()


@pytest.fixture(scope="module")
def personal(demo_extracts) -> set[str]:
    """Every name, phone and ID number in the demo's extracts' personal columns."""
    values: set[str] = set()
    for source in SOURCES.values():
        if not getattr(source, "personal_headers", ()):
            continue
        for path in source.files(demo_extracts):
            frame = _read(path)
            for column in set(frame.columns) & set(source.personal_headers):
                values |= {v.strip() for v in frame[column].dropna() if v.strip()}
    assert len(values) > 100, "the demo's extracts carry personal columns to look for"
    return values


def findings(text: str, personal: set[str], names: re.Pattern) -> list[str]:
    found = PHONE.findall(text) + ID_CARD.findall(text) + names.findall(text)
    return sorted(set(found))[:5]


@pytest.fixture(scope="module")
def names(personal) -> re.Pattern:
    words = sorted((v for v in personal if not v.isdigit()), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def test_the_archive_is_the_owners_alone(demo):
    modes = [(p, stat.S_IMODE(p.stat().st_mode)) for p in demo.archive.rglob("*")]
    assert modes, "the refresh archived the extracts"
    assert stat.S_IMODE(demo.archive.stat().st_mode) == 0o700
    for path, mode in modes:
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_no_published_table_holds_personal_data(demo, personal, names):
    # The scanner finds what it looks for: a sample of the extracts' own personal values.
    assert len(findings(" ".join(sorted(personal)[:50]), personal, names)) == 5
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL"
    ).fetchall()
    assert len(tables) > 20
    scanned = 0
    for schema, table in tables:
        columns = con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
            "AND NOT (data_type IN ('DOUBLE', 'FLOAT', 'INTEGER', 'BIGINT', 'BOOLEAN', "
            "'TIMESTAMP', 'DATE', 'HUGEINT', 'SMALLINT') OR data_type LIKE 'DECIMAL%')",
            [schema, table],
        ).fetchall()
        for (column,) in columns:
            rows = con.execute(
                f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{schema}"."{table}" '
                f'WHERE "{column}" IS NOT NULL'
            ).fetchall()
            for (text,) in rows:
                scanned += 1
                assert text not in personal, (schema, table, column)
                assert findings(text, personal, names) == [], (schema, table, column, text[:200])
    con.close()
    assert scanned > 10_000


@pytest.mark.parametrize("persona", ["district", "street", "kiosk"])
def test_no_page_callback_or_export_shows_personal_data(site, people, personal, names, persona):
    client = Cockpit(site.url, site.visitor(people[persona]))
    scope = people[persona]["scope"]
    answers = []
    for path in ("/", "/wall", "/catalog", "/indicators", "/dept/hotline", "/admin/usage",
                 f"/street/{scope[:9]}", f"/brief/{scope}"):  # fmt: skip
        answers.append(client.page(path))
    points = client.spec("area-map.figure@")
    for layers in (["hotline"], ["hotline", "elevators", "parking", "kitchens"]):
        for search in ("", "?period=2018-03"):
            answers.append(client.call(points, [layers], ["/", search]))
    for table in ("cards", "ranking", "alerts", "trend", "catalog", "indicators", "department",
                  "deliveries"):  # fmt: skip
        answers.append(
            client.get(
                f"/export/{table}.csv?area={scope}&indicator=hotline_tickets&department=hotline"
            )  # fmt: skip
        )
    for answer in list(answers):
        for url in geometry_urls(answer.text):
            answers.append(client.get(url))
    assert sum(a.status_code == 200 for a in answers) > 15
    for answer in answers:
        assert findings(answer.text, personal, names) == [], answer.url


def test_hotline_points_are_counts_on_a_grid_never_single_calls(wh):
    rows = wh.execute(
        "SELECT lon, lat, value, label, area_code FROM ind.map_point WHERE layer = 'hotline'"
    ).fetchall()
    tickets = wh.execute("SELECT lon, lat FROM stg.hotline_ticket WHERE lon IS NOT NULL")
    calls = set(tickets.fetchall())
    located = wh.execute(
        "SELECT count(*) FROM stg.hotline_ticket WHERE lon IS NOT NULL"
    ).fetchone()[0]
    # Nearly every ticket is drawn, in cells of five or more: none of one to four.
    drawn = sum(r[2] for r in rows)
    assert 0.9 * located < drawn <= located
    assert min(r[2] for r in rows) >= 5
    cells = pd.DataFrame(rows, columns=["lon", "lat", "n", "label", "area"])
    # A point is a cell of a grid (about 200 m, or 400 m to 1.6 km for the leftovers of
    # smaller cells): its centre ...
    centred = pd.Series(False, index=cells.index)
    for steps in CELL_STEPS:
        offset = (cells["lat"] / (GRID_DEGREES * steps)) % 1
        centred |= (offset - 0.5).abs() < 1e-6
    assert centred.mean() > 0.6
    # ... or, for a cell on a community's edge or a community's own leftovers, a place
    # inside the community, the same whatever the tickets: never where a call was made.
    moved = cells[~centred]
    assert not set(zip(moved["lon"], moved["lat"], strict=True)) & calls
    shapes = dict(wh.execute("SELECT code, geometry_display FROM ind.area_shape").fetchall())
    for area, group in moved.groupby("area"):
        polygon = shapely.from_geojson(shapes[area])
        assert shapely.contains_xy(polygon, group["lon"], group["lat"]).all(), area
    # No minute, no day: labels are categories.
    assert not any(re.search(r"\d{2}:\d{2}|\d{4}-\d{2}-\d{2}", r[3] or "") for r in rows)


def test_an_anonymous_visitor_gets_nothing(site):
    for path in ("/", "/street/330103001", "/export/cards.csv?area=330103000000", "/wall",
                 "/_dash-layout", "/_dash-dependencies", "/admin/audit"):  # fmt: skip
        answer = site.visitor().get(site.url + path, allow_redirects=False)
        assert answer.status_code in (302, 401), path
        assert "下城区" not in answer.text and "长庆" not in answer.text
