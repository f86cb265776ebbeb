"""Is a layer's SQL portable? The same layers are meant to run on another engine (Spark,
PostgreSQL) when the district's data platform moves, so the SQL keeps to what ports:

- one SELECT (a WITH or UNION is fine), no DDL, no file or network reads;
- it reads only the ``stg`` tables its YAML lists as ``sources`` (that list is the lineage
  the indicator dictionary shows, so it has to be the truth);
- every function is one sqlglot knows how to write for Spark and PostgreSQL (a function
  it has never heard of is engine-specific by definition);
- no string-formatting placeholders: values come in as named parameters (``$name``).
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
