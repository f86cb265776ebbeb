"""A 5-million-row table pulled from PostgreSQL: the pull (``from = "sql"``, into the
file that a refresh then loads) against the database's own ``COPY … TO STDOUT`` of the
same query, in the same run.

    .venv/bin/python -m bench.pull [--rows 5000000]

Needs a PostgreSQL it may create a database on: ``COCKPIT_TEST_PG_URL`` (as ``make test``
and CI set it). Results go to ``bench/results/pull.json``."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import psycopg
import sqlalchemy as sa

from bench.city_scale import RESULTS

_TABLE = """
CREATE TABLE hotline AS
SELECT to_char(date '2018-01-01' + (g % 730), 'YYYY-MM-DD') AS 受理时间, 'T' || g AS 工单编号,
       '330103' || lpad((g % 900)::text, 6, '0') AS 社区代码, (g % 17)::text AS 诉求类别,
       g % 1000 AS 处理时长, timestamp '2020-01-01' - (g || ' seconds')::interval AS updated_at
FROM generate_series(1, {rows}) g
"""


def run(rows: int) -> dict:
    from cockpit.connections import SqlPull
    from pipelines.ingest.pull import pull

    server = os.environ["COCKPIT_TEST_PG_URL"]
    name = f"cockpit_pull_bench_{os.getpid()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server.rsplit("/", 1)[0] + f"/{name}"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(plain) as con:
            con.execute(_TABLE.format(rows=int(rows)))
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            with psycopg.connect(plain) as con, con.cursor() as cur:
                copy = "COPY (SELECT * FROM hotline) TO STDOUT WITH (FORMAT csv, HEADER true)"
                with open(Path(folder) / "copy.csv", "wb") as out, cur.copy(copy) as stream:
                    for chunk in stream:
                        out.write(chunk)
            copy_s = time.perf_counter() - started
            os.environ["COCKPIT_BENCH_PULL_URL"] = url
            source = SqlPull.model_validate(
                {"from": "sql", "url_env": "COCKPIT_BENCH_PULL_URL",
                 "query": "select * from hotline"}
            )  # fmt: skip
            started = time.perf_counter()
            pulled = pull("hotline", source, Path(folder), "bench")
            pull_s = time.perf_counter() - started
            size = pulled.file.stat().st_size
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return {"rows": pulled.rows, "bytes": size, "copy_s": round(copy_s, 2),
            "pull_s": round(pull_s, 2), "ratio": round(copy_s / pull_s, 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    rows = parser.parse_args().rows
    if "COCKPIT_TEST_PG_URL" not in os.environ:
        # The report then says "not measured in this run" rather than failing the rest.
        print("bench.pull: set COCKPIT_TEST_PG_URL to a PostgreSQL it may create a database on")
        (RESULTS / "pull.json").unlink(missing_ok=True)
        return
    result = run(rows)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pull.json").write_text(json.dumps(result, indent=2))
    size = result["bytes"] / 2**20
    print(f"| pull of {result['rows']:,} rows from PostgreSQL ({size:.0f} MB) | "
          f"{result['pull_s']} s | COPY out {result['copy_s']} s: "
          f"{result['ratio']}× |")  # fmt: skip


if __name__ == "__main__":
    main()
