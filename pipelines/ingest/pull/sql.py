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


def copies(connection: SqlPull) -> bool:
    """Whether the pull can stream the query out with PostgreSQL's ``COPY … TO STDOUT``:
    measured on 5 million rows (six columns), 4.4 s against 34.9 s for rows through
    SQLAlchemy and Python's CSV writer. Hand-written for that speed; other databases
    take the general path."""
    url = from_environment(connection.url_env, "the database URL")
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return False
    return parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "psycopg"


def copy_out(
    source: str, connection: SqlPull, target, watermark: object | None, limit: int | None
) -> tuple[int, object | None]:
    """The query's rows (past ``watermark`` when incremental) as CSV with its header, into
    the file ``target``; how many, and the newest value of the incremental column. The
    count and the copy read one snapshot (REPEATABLE READ), so they agree."""
    import psycopg
    from psycopg import sql as pg

    engine, secrets = _engine(source, connection)
    column = connection.incremental
    if column is not None and not _COLUMN.match(column):
        raise PullError(f"{source}: incremental column {column!r} is not a column name")
    query = pg.SQL("SELECT * FROM ({}) AS q").format(pg.SQL(connection.query.strip().rstrip(";")))
    if column is not None and watermark is not None:
        query += pg.SQL(" WHERE q.{} > {}").format(pg.Identifier(column), pg.Literal(watermark))
    if column is not None:
        query += pg.SQL(" ORDER BY q.{}").format(pg.Identifier(column))
    if limit is not None:
        query += pg.SQL(" LIMIT {}").format(pg.Literal(limit))
    newest = pg.SQL("max(q.{})").format(pg.Identifier(column)) if column else pg.SQL("NULL")
    counting = pg.SQL("SELECT count(*), {} FROM ({}) AS q").format(newest, query)
    try:
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            # One snapshot for the count and the copy.
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.transaction(), conn.cursor() as cur:
                rows, last = cur.execute(counting).fetchone()
                copy = pg.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER true)").format(query)
                with target.open("wb") as out, cur.copy(copy) as stream:
                    for chunk in stream:
                        out.write(chunk)
        finally:
            raw.close()
    except (sa.exc.SQLAlchemyError, psycopg.Error) as exc:
        raise PullError(described(source, exc, secrets)) from exc
    finally:
        engine.dispose()
    if column is not None and rows == 0:
        last = watermark
    return int(rows), last if last is not None else watermark
