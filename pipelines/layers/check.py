"""``cockpit layers check``: every spec valid, every SQL clean, every YAML test passing."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.layers.engine import LayerRunError, run_layer_sql
from pipelines.layers.portability import lint_sql
from pipelines.layers.spec import Layer, LayerError, discover
from pipelines.warehouse import DUCKDB_CONFIG

_QUALIFIED = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


def _given_table(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict]) -> None:
    if not _QUALIFIED.match(name):
        raise LayerRunError(f"test table {name!r}: name it schema.table, e.g. stg.population")
    schema, table = name.split(".")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.register("_given", pd.DataFrame(rows))
    try:
        con.execute(f"CREATE OR REPLACE TABLE {schema}.{table} AS SELECT * FROM _given")
    finally:
        con.unregister("_given")


def _same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return str(a) == str(b)


def run_tests(layer: Layer) -> list[LayerError]:
    errors = []
    for test in layer.spec.tests:
        con = duckdb.connect(":memory:", config=DUCKDB_CONFIG)
        try:
            for name, rows in test.given.items():
                _given_table(con, name, rows)
            run_layer_sql(con, layer)
            got = con.execute("SELECT * FROM _layer_out").df()
            keys = [c for c in ("area_code", "period") if c in got.columns]
            got = got.sort_values(keys, kind="stable").reset_index(drop=True)
        except (LayerRunError, duckdb.Error) as exc:
            errors.append(LayerError(layer.sql_path, f"test {test.name!r}: {exc}"))
            continue
        finally:
            con.close()
        problem = _compare(got, test.expect)
        if problem:
            errors.append(LayerError(layer.yml_path, f"test {test.name!r} failed: {problem}"))
    return errors


def _compare(got: pd.DataFrame, expect: list[dict]) -> str | None:
    want = sorted(expect, key=lambda r: (str(r.get("area_code")), str(r.get("period"))))
    rows = got.astype(object).where(got.notna(), None).to_dict("records")
    if len(rows) != len(want):
        return f"expected {len(want)} row(s), got {len(rows)}: {rows[:5]}"
    for i, (g, w) in enumerate(zip(rows, want, strict=True)):
        for key, value in w.items():
            if key not in g:
                return f"row {i + 1}: the SQL returns no column {key!r}"
            if not _same(g[key], value):
                where = f"row {i + 1} ({g.get('area_code')}, {g.get('period')})"
                return f"{where}: {key} = {g[key]!r}, expected {value!r}"
    return None


def _engine_fingerprint() -> bytes:
    """The code a layer's checks depend on: a cached pass is void when it changes."""
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.digest()


_ENGINE = _engine_fingerprint()


def layer_digest(layer: Layer) -> str:
    """What a layer's lint and tests are a function of: its two files and the engine."""
    digest = hashlib.sha256(_ENGINE)
    for text in (layer.yml_path.read_bytes(), layer.sql.encode()):
        digest.update(len(text).to_bytes(8, "big") + text)
    return digest.hexdigest()


def check_layers(folder: Path, passed: Iterable[str] = ()) -> tuple[list[Layer], list[LayerError]]:
    """All layers that pass, and every problem found (naming the file). A layer whose
    ``layer_digest`` is in ``passed`` passed these same checks before and is not re-run."""
    layers, errors = discover(folder)
    known = set(passed)
    good = []
    for layer in layers:
        problems = [] if layer_digest(layer) in known else lint_sql(layer) or run_tests(layer)
        errors.extend(problems)
        if not problems:
            good.append(layer)
    return good, errors
