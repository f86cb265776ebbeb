"""A department's database, read by a query: any database SQLAlchemy reaches (PostgreSQL,
MySQL/MariaDB, Oracle, SQLite, 达梦 and 人大金仓 through their dialects).

SQLAlchemy rather than dlt's ``sql_database`` source: dlt reflects one table and filters
its columns, while a department hands over a query (or a view) that returns its report's
columns, often in Chinese, which dlt's schema normalisation would rename. Here the query
is wrapped as a subquery, the incremental filter is a bound parameter on its column, and
rows stream in chunks (server-side cursors where the driver has them)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import sqlalchemy as sa

from cockpit.connections import SqlPull, from_environment
from pipelines.ingest.pull.errors import PullError, described

_COLUMN = re.compile(r"^[^\W\d]\w*$")


def _engine(source: str, connection: SqlPull) -> tuple[sa.Engine, list[str]]:
    url = from_environment(connection.url_env, f"{source}: the database URL")
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise PullError(f"{source}: the URL in {connection.url_env} is not a database URL") from exc
    secrets = [url] + ([parsed.password] if parsed.password else [])
    connect_args = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = int(connection.timeout_seconds)
    return sa.create_engine(parsed, connect_args=connect_args, poolclass=sa.NullPool), secrets


def rows(
    source: str, connection: SqlPull, watermark: object | None, limit: int | None
) -> tuple[list[str], Iterator[tuple], Callable[[], object | None]]:
    """The query's columns, its rows (past ``watermark`` when incremental), and, once
    they are read, the newest value of the incremental column."""
    engine, secrets = _engine(source, connection)
    inner = sa.text(connection.query.strip().rstrip(";")).columns()
    query = sa.select(sa.text("*")).select_from(inner.subquery("q"))
    column = connection.incremental
    if column is not None:
        if not _COLUMN.match(column):
            raise PullError(f"{source}: incremental column {column!r} is not a column name")
        if watermark is not None:
            query = query.where(sa.column(column) > sa.bindparam("watermark", watermark))
        query = query.order_by(sa.column(column))
    if limit is not None:
        query = query.limit(limit)
    try:
        conn = engine.connect()
        result = conn.execution_options(stream_results=True, yield_per=connection.chunk_rows)
        cursor = result.execute(query)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise PullError(described(source, exc, secrets)) from exc
    columns = list(cursor.keys())
    if column is not None and column not in columns:
        conn.close()
        engine.dispose()
        raise PullError(f"{source}: the query returns no column {column!r} (incremental)")
    at = columns.index(column) if column is not None else None
    newest: list[object | None] = [watermark]

    def stream() -> Iterator[tuple]:
        try:
            for row in cursor:
                if at is not None and row[at] is not None:
                    newest[0] = row[at] if newest[0] is None else max(newest[0], row[at])
                yield tuple(row)
        except sa.exc.SQLAlchemyError as exc:
            raise PullError(described(source, exc, secrets)) from exc
        finally:
            conn.close()
            engine.dispose()

    return columns, stream(), lambda: newest[0]
