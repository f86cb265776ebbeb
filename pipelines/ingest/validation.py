"""Row checks in SQL: one query types every field of a staged extract and lists every
reason a row is bad; then duplicate keys, and the records of the rejected rows.

The functions read a source's declarations (fields, key, personal headers) and nothing
else of it; the contract module wires them into ``TabularSource.read`` (``fields.Declared``).
"""

from __future__ import annotations

from functools import partial

import duckdb

from pipelines.ingest import checks
from pipelines.ingest.checks import ident, quote
from pipelines.ingest.extract import EXTRACT, EXTRACT_SLOW, Staged, header_key
from pipelines.ingest.fields import Declared

CHECKED = "_checked"
AREA_KEYS = "_area_key"  # the lookup table AreaIndex installs


def check_sql(
    source: Declared,
    mapping: dict[str, str],
    extract: str = EXTRACT,
    out: str = CHECKED,
    typed: frozenset[str] = frozenset(),
) -> tuple[str, dict[str, object]]:
    """One query that types every field and lists every reason a row is bad. Columns in
    ``typed`` arrived typed from the reader; only their NULLs and ranges are checked."""
    prep, fast, parts, values, joins, finals, reasons, blank = [], [], [], [], [], [], [], []
    params: dict[str, object] = {}
    for f in source.fields:
        name = ident(f.name)
        if f.name not in mapping:
            finals.append(f"NULL::{f.sql_type} AS {name}")
            continue
        is_typed = mapping[f.name] in typed
        stages = (
            checks.typed_check(f.kind, f.name, f.minimum is not None, f.maximum is not None)
            if is_typed
            else f.stages()
        )
        params.update(f.params())
        params[f"{name}_label"] = mapping[f.name] + ": "
        p, v, k, fa = f'"p_{name}"', f'"v_{name}"', f'"k_{name}"', f'"f_{name}"'
        xs = {f"x{i}": f'"x{i}_{name}"' for i in range(len(stages.parts))}
        fill = partial(checks.render, col=quote(mapping[f.name]), p=p, v=v, k=k, f=fa, **xs)
        prep.append(f"{fill(stages.prep)} AS {p}")
        fast.append(f"{fill(stages.fast)} AS {fa}")
        parts += [f"{fill(x)} AS {xs[f'x{i}']}" for i, x in enumerate(stages.parts)]
        if f.kind == "area":
            # The lookup row travels on as a struct, for the reasons stage to read.
            joins.append(f"LEFT JOIN {AREA_KEYS} AS {k} ON {k}.key = {p}")
            values.append(f"{k} AS {k}")
        values.append(f"{fill(stages.value)} AS {v}")
        reason = fill(stages.reason)
        missing = f"{p} IS NULL" if is_typed else checks.is_missing(p)
        blank.append(f"{p} IS NULL" if is_typed else f"{p} = ''")
        if not f.required:
            reason = f"CASE WHEN {missing} THEN NULL ELSE {reason} END"
        reasons.append((f'"r_{name}"', f"${name}_label || ({reason})"))
        finals.append(f"{fill(stages.final)} AS {name}")
    clean = " AND ".join(f"{col} IS NULL" for col, _ in reasons) or "true"
    names = ", ".join(col for col, _ in reasons)
    # A row whose every mapped cell is empty (the tail of a spreadsheet) is no record.
    sql = f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH prep AS (SELECT _row, {", ".join(prep)} FROM {extract}),
        fast AS (SELECT *, {", ".join(fast)} FROM prep WHERE NOT ({" AND ".join(blank)})),
        parts AS (SELECT * {", " + ", ".join(parts) if parts else ""} FROM fast),
        val AS (SELECT parts.*, {", ".join(values)} FROM parts {" ".join(joins)}),
        why AS (SELECT *, {", ".join(f"{sql} AS {col}" for col, sql in reasons)} FROM val)
        SELECT _row, {", ".join(finals)},
               -- the list is built only for the few rows that have something wrong
               CASE WHEN {clean} THEN []::VARCHAR[]
                    ELSE list_filter([{names}], lambda r: r IS NOT NULL) END AS reasons
        FROM why
    """
    return sql, params


def flag_duplicates(con: duckdb.DuckDBPyConnection, source: Declared) -> None:
    """Among otherwise good rows, keep the first of each key and name it in the others.
    Duplicate keys are found by an aggregate of their hashes; only the rows whose hash
    repeats are looked at again."""
    key = ", ".join(ident(k) for k in source.key)
    same = " AND ".join(
        f"c.{ident(f.name)} IS NOT DISTINCT FROM f.{ident(f.name)}" for f in source.fields
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _duplicate AS
        WITH candidate AS (
            -- integers aggregate far faster than text: hashes first, keys only for those
            SELECT hash({key}) AS h FROM {CHECKED} WHERE len(reasons) = 0
            GROUP BY h HAVING count(*) > 1
        ),
        keys AS (
            SELECT {key}, min(_row) AS _first FROM {CHECKED}
            WHERE len(reasons) = 0 AND hash({key}) IN (SELECT h FROM candidate)
            GROUP BY {key} HAVING count(*) > 1
        )
        SELECT c._row, $label
               || CASE WHEN {same} THEN 'duplicate of row ' ELSE 'same key as row ' END
               || f._row AS reason
        FROM {CHECKED} c JOIN keys k USING ({key}) JOIN {CHECKED} f ON f._row = k._first
        WHERE len(c.reasons) = 0 AND c._row <> k._first
        """,
        {"label": "/".join(source.key) + ": "},
    )
    con.execute(
        f"UPDATE {CHECKED} SET reasons = list_append(reasons, d.reason) "
        f"FROM _duplicate d WHERE {CHECKED}._row = d._row"
    )


def keep_bad_records(con: duckdb.DuckDBPyConnection, source: Declared, staged: Staged) -> None:
    """``_bad_record``: each rejected row as it arrived (JSON), personal columns left out."""
    personal = {header_key(h) for h in source.personal_headers}
    con.execute("CREATE OR REPLACE TEMP TABLE _bad_record (_row BIGINT, record VARCHAR)")
    extracts = [EXTRACT, EXTRACT_SLOW] if staged.slow_rows else [EXTRACT]
    for extract in extracts:
        columns = [r[0] for r in con.execute(f"DESCRIBE {extract}").fetchall()]
        hidden = ["_row"] + [quote(c) for c in columns if header_key(c) in personal]
        con.execute(
            f"INSERT INTO _bad_record SELECT _row, "
            f"to_json(struct_pack(*COLUMNS(* EXCLUDE ({', '.join(hidden)}))))::VARCHAR "
            f"FROM {extract} e SEMI JOIN "
            f"(SELECT _row FROM {CHECKED} WHERE len(reasons) > 0) b USING (_row)"
        )
