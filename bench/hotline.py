"""The 5-million-row hotline benchmark (issue: department pipelines).

Ingest + validate + publish of one 5M-ticket extract by ``cockpit refresh hotline``, in UTF-8
and in GB18030, against DuckDB's own ``read_csv`` of the same UTF-8 file into a new
database file, each in its own process, timed in the same run. Peak memory is each
process's maximum resident set.

    .venv/bin/python -m bench.hotline [ROWS]
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
BASELINE = """
import duckdb, sys
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE t AS SELECT * FROM read_csv($p)", {"p": sys.argv[1]})
con.execute("CHECKPOINT")
"""


def _run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak resident memory (MB) and exit code of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.read().decode(errors="replace"))
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def _gb18030(source: Path, target: Path) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(16 << 20):
            dst.write(decoder.decode(chunk).encode("gb18030"))


def generate(path: Path, rows: int) -> None:
    from pipelines.areas.synthetic_shapes import synthetic_boundaries
    from pipelines.areas.tree import read_tree
    from pipelines.demo.hotline import community_points, tickets, write_tickets

    areas = read_tree(REPO / "data" / "reference").areas
    months = pd.period_range("2018-01", "2019-12", freq="M")
    write_tickets(tickets(community_points(synthetic_boundaries(areas)), months, rows), path)


def main(rows: int = 5_000_000) -> list[str]:
    lines, runs = [], []
    with tempfile.TemporaryDirectory(dir=os.environ.get("COCKPIT_BENCH_TMP")) as tmp:
        root = Path(tmp)
        utf8 = root / "12345热线工单明细.csv"
        # In its own process: a child forked from a big parent would report the
        # parent's memory as its own peak.
        _run([sys.executable, "-m", "bench.hotline", "--generate", str(utf8), str(rows)])
        gb = root / "12345热线工单明细_gb18030.csv"
        _gb18030(utf8, gb)

        base_s, base_mb, _ = _run(
            [sys.executable, "-c", BASELINE, str(utf8), str(root / "baseline.duckdb")]
        )
        size_mb = utf8.stat().st_size / 1e6
        lines.append(
            f"| DuckDB `read_csv` → table, UTF-8 ({size_mb:,.0f} MB) | {base_s:.1f} s | "
            f"{rows / base_s:,.0f} | 1.00× | {base_mb:,.0f} MB |"
        )
        for label, path in (("UTF-8", utf8), ("GB18030", gb)):
            work = root / label
            (work / "inbox" / "hotline").mkdir(parents=True)
            env = {
                **os.environ,
                "COCKPIT_CONFIG": str(REPO / "cockpit.toml"),
                "COCKPIT_INBOX": str(work / "inbox"),
                "COCKPIT_ARCHIVE": str(work / "archive"),
                "COCKPIT_WAREHOUSE": str(work / "warehouse" / "cockpit.duckdb"),
            }
            # The operator's warehouse already exists (and has checked its layers once):
            # what is timed is the refresh that loads the extract.
            _run([sys.executable, "-m", "commands.cli", "refresh", "hotline"], env)
            shutil.copy(path, work / "inbox" / "hotline" / path.name)
            seconds, mb, code = _run(
                [sys.executable, "-m", "commands.cli", "refresh", "hotline"], env
            )
            runs.append({
                "encoding": label, "seconds": round(seconds, 1), "exit": code,
                "vs_read_csv": round(base_s / seconds, 3), "peak_mb": round(mb),
            })  # fmt: skip
            status = "" if code == 0 else f" (exit {code})"
            lines.append(
                f"| `cockpit refresh hotline`, {label}{status} | {seconds:.1f} s | "
                f"{rows / seconds:,.0f} | {base_s / seconds:.2f}× | {mb:,.0f} MB |"
            )
    RESULTS.mkdir(exist_ok=True)
    result = {"rows": rows, "mb": round(size_mb), "read_csv_s": round(base_s, 1), "runs": runs}
    (RESULTS / "hotline.json").write_text(json.dumps(result, indent=2))
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["--generate"]:
        generate(Path(sys.argv[2]), int(sys.argv[3]))
        sys.exit(0)
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    print("| run | time | rows/s | throughput vs DuckDB | peak memory |")
    print("|---|---|---|---|---|")
    for line in main(count):
        print(line, flush=True)
