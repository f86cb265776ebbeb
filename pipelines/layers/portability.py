"""Is a layer's SQL portable? The same layers are meant to run on another engine (Spark,
PostgreSQL) when the district's data platform moves, so the SQL keeps to what ports:

- one SELECT (a WITH or UNION is fine), no DDL, no file or network reads;
- it reads only the ``stg`` tables its YAML lists as ``sources`` (that list is the lineage
  the indicator dictionary shows, so it has to be the truth);
- every function is one sqlglot knows how to write for Spark and PostgreSQL (a function
  it has never heard of is engine-specific by definition);
- no string-formatting placeholders: values come in as named parameters (``$name``);
- none of the traps that run on both engines and answer differently (measured with pyspark
  4.3 against DuckDB 2.0): a decimal literal divisor (``x / 3600.0`` stays DECIMAL in Spark,
  rounded to 6 places), a day difference of timestamps (calendar days in DuckDB, whole
  24-hour spans in Spark), a division that may meet zero (``inf`` in DuckDB, an error under
  Spark's ANSI mode); and nothing sqlglot cannot write for Spark (quantiles, ``GROUPING``
  of several columns).
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from pipelines.layers.spec import Layer, LayerError

TARGETS = ("spark", "postgres")
# Values are bound by the engine as named parameters ($name); text spliced into SQL by
# Python formatting is how injection and non-portable SQL get in.
_PLACEHOLDERS = re.compile(r"\{[^}]*\}|%\(\w+\)s|%s")
_QUERY = (exp.Select, exp.Union, exp.Intersect, exp.Except)


def _placeholder(sql: str) -> str | None:
    stripped = re.sub(r"'[^']*'", "''", sql)  # literals such as '%Y-%m' are fine
    stripped = re.sub(r"--[^\n]*", "", stripped)
    found = _PLACEHOLDERS.search(stripped)
    return found.group(0) if found else None


def _tables(tree: exp.Expression) -> tuple[set[str], list[str]]:
    """Tables read (schema.table) and reads that are not tables at all (table functions)."""
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    tables, functions = set(), []
    for table in tree.find_all(exp.Table):
        if isinstance(table.this, exp.Func):
            functions.append(table.this.sql(dialect="duckdb")[:60])
        elif table.db:
            tables.add(f"{table.db}.{table.name}")
        elif table.name not in ctes:
            tables.add(table.name)
    return tables, functions


_CALENDAR_UNITS = {"day", "days", "week", "weeks", "month", "months", "quarter", "year", "years"}


def _is_date(node: exp.Expression) -> bool:
    return isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.DATE)


def _nonzero_number(node: exp.Expression) -> bool:
    return isinstance(node, exp.Literal) and node.is_number and float(node.this) != 0


def engine_traps(tree: exp.Expression) -> list[str]:
    """SQL that runs on DuckDB and on Spark and gives different answers, or fails on one."""
    problems = []
    for div in tree.find_all(exp.Div):
        divisor = div.expression
        if isinstance(divisor, exp.Literal) and divisor.is_number and not divisor.this.isdigit():
            problems.append(
                f"divides by the decimal literal {divisor.this}: Spark keeps it DECIMAL and "
                f"rounds to 6 places, DuckDB gives DOUBLE; write {float(divisor.this):g}"
            )
        elif not _nonzero_number(divisor) and not isinstance(divisor, exp.Nullif):
            problems.append(
                f"{div.sql(dialect='duckdb')}: a division by zero is inf in DuckDB and an "
                f"error in Spark; divide by NULLIF({divisor.sql(dialect='duckdb')}, 0)"
            )
    for diff in tree.find_all(exp.DateDiff, exp.TimestampDiff, exp.DatetimeDiff):
        unit = diff.args.get("unit")
        name = (unit.name if unit is not None else "day").lower()
        if name in _CALENDAR_UNITS and not (_is_date(diff.this) and _is_date(diff.expression)):
            problems.append(
                f"{diff.sql(dialect='duckdb')}: a {name} difference of timestamps counts "
                "calendar boundaries in DuckDB and whole spans in Spark; cast both to DATE "
                "(x::DATE), or take seconds and divide"
            )
    for quantile in tree.find_all(exp.PercentileCont, exp.PercentileDisc, exp.Median):
        problems.append(
            f"{quantile.sql(dialect='duckdb')}: quantiles do not port to Spark "
            "(sqlglot cannot write them); compute them in the extract's pipeline"
        )
    for grouping in tree.find_all(exp.Grouping):
        if len(grouping.expressions) > 1:
            problems.append(
                f"{grouping.sql(dialect='duckdb')}: GROUPING of several columns does not port "
                "to Spark; use one GROUPING per column"
            )
    return problems


def portability_problems(layer: Layer) -> list[str]:
    sql = layer.sql.strip().rstrip(";")
    placeholder = _placeholder(sql)
    if placeholder:
        return [f"string-formatting placeholder {placeholder!r}: use a named parameter ($name)"]
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except SqlglotError as exc:
        return [f"SQL does not parse: {str(exc).splitlines()[0]}"]
    if len(statements) != 1 or not isinstance(statements[0], _QUERY):
        return ["the SQL must be exactly one SELECT query"]
    tree = statements[0]
    problems = []
    tables, table_functions = _tables(tree)
    problems += [f"reads {f}: layers read stg tables only" for f in table_functions]
    outside = sorted(t for t in tables if not t.startswith("stg."))
    if outside:
        problems.append(f"reads {', '.join(outside)}: layers read stg tables only")
    declared = set(layer.spec.sources)
    undeclared = sorted(t for t in tables if t.startswith("stg.") and t not in declared)
    if undeclared:
        problems.append(f"reads {', '.join(undeclared)} but sources does not list it")
    unused = sorted(declared - tables)
    if unused:
        problems.append(f"sources lists {', '.join(unused)} but the SQL never reads it")
    problems += engine_traps(tree)
    unknown = sorted({f.name for f in tree.find_all(exp.Anonymous)})
    if unknown:
        problems.append(f"non-portable function(s) {', '.join(unknown)}")
    for target in TARGETS:
        try:
            tree.sql(dialect=target, unsupported_level=ErrorLevel.RAISE)
        except SqlglotError as exc:
            problems.append(f"does not port to {target}: {str(exc).splitlines()[0]}")
    return problems


def lint_sql(layer: Layer) -> list[LayerError]:
    return [LayerError(layer.sql_path, p) for p in portability_problems(layer)]
