"""``make bench`` at city scale: a deterministic synthetic city with years of hotline events,
refreshed in full and then with one source changed, each timed against its baseline in
the same run.

    .venv/bin/python -m bench.city_scale [--districts 13] [--streets 190]
        [--communities 3100] [--events 50000000] [--keep FOLDER]

1. The city's code lists (``bench.city``) go through ``cockpit areas init --city``; ``cockpit
   demo`` writes every department's extracts for that tree; the demo's hotline file is
   replaced by ``--events`` tickets over 24 months, one CSV a month, written by DuckDB.
2. **Full refresh**: ``cockpit refresh`` of everything, in its own process. Baseline: DuckDB's
   own ``read_csv`` of the same hotline files into a new database file.
3. **Incremental refresh**: the health department re-sends its report with one month
   changed, and ``cockpit refresh`` runs again. Baseline: the full refresh.

Results go to ``bench/results/city.json``; the table rows are printed for
docs/PERFORMANCE.md. The warehouse is left under ``--keep`` for the interaction and load
benchmarks when asked.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from bench.city import write_city_lists

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
MONTHS = pd.period_range("2018-01", "2019-12", freq="M")
CATEGORIES = ["城市管理", "环境保护", "交通出行", "住房保障", "社会保障", "市场监管", "医疗卫生",
              "教育", "其他"]  # fmt: skip

# One month of tickets, from deterministic hashes of the row number (DuckDB's random() is
# not repeatable across threads): a community, a time in the month weighted to the day,
# answered within the hour, closed within three days, 3% still open.
_MONTH = """
COPY (
    WITH t AS (
        SELECT i, $first + i AS id,
               (hash(i, 3) % $n)::INTEGER + 1 AS k,
               $start::TIMESTAMP + to_seconds(
                   (hash(i, 1) % $days) * 86400 + 21600 + hash(i, 5) % 57600) AS accepted
        FROM range($rows) r(i)
    )
    SELECT id AS 工单编号,
           strftime(accepted, '%Y-%m-%d %H:%M:%S') AS 受理时间,
           $categories[(hash(i, 2) % 9)::INTEGER + 1] AS 诉求类别,
           $codes[k] AS 社区代码,
           round($lons[k] + ((hash(i, 4) % 2001)::DOUBLE - 1000) * 1.5e-6, 6) AS 经度,
           round($lats[k] + ((hash(i, 6) % 2001)::DOUBLE - 1000) * 1.2e-6, 6) AS 纬度,
           strftime(accepted + to_seconds(60 + hash(i, 7) % 3540), '%Y-%m-%d %H:%M:%S') AS 响应时间,
           CASE WHEN hash(i, 8) % 100 < 3 THEN NULL ELSE strftime(
               accepted + to_seconds(3600 + hash(i, 9) % 255600), '%Y-%m-%d %H:%M:%S')
           END AS 办结时间,
           '王先生' AS 诉求人,
           '138' || lpad((hash(i, 10) % 100000000)::VARCHAR, 8, '0') AS 联系电话
    FROM t
) TO $path (HEADER, DELIMITER ',')
"""


def _env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "COCKPIT_CONFIG": str(REPO / "cockpit.toml"),
        "COCKPIT_INBOX": str(root / "inbox"),
        "COCKPIT_ARCHIVE": str(root / "archive"),
        "COCKPIT_AREAS": str(root / "areas"),
        "COCKPIT_WAREHOUSE": str(root / "warehouse" / "cockpit.duckdb"),
        "COCKPIT_CACHE_DIR": str(root / "cache"),
        "COCKPIT_METRICS_DIR": str(root / "metrics"),
        "COCKPIT_SPARK_DIR": str(root / "spark"),
        "COCKPIT_APP_DB": f"sqlite:///{root / 'app.db'}",
        "COCKPIT_SECRET_KEY_FILE": str(root / "secret.key"),
        # A refresh over 50 million rows is given the memory a city's server would have.
        "COCKPIT_MEMORY_LIMIT": os.environ.get("COCKPIT_MEMORY_LIMIT", "8GB"),
    }


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds and peak memory (MB) of a child process, and its output."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{out[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, out


def write_events(inbox: Path, boundaries: dict, events: int) -> list[Path]:
    """``events`` hotline tickets over the 24 months, one CSV a month."""
    from pipelines.demo.hotline import community_points

    points = community_points(boundaries).sort_values("code")
    folder = inbox / "hotline"
    for old in folder.glob("*"):
        old.unlink()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    paths, first = [], 1
    for n, month in enumerate(MONTHS):
        rows = events // len(MONTHS) + (1 if n < events % len(MONTHS) else 0)
        path = folder / f"12345热线工单明细_{month.strftime('%Y%m')}.csv"
        con.execute(
            _MONTH,
            {
                "first": first, "rows": rows, "n": len(points), "days": month.days_in_month,
                "start": month.start_time.to_pydatetime(), "categories": CATEGORIES,
                "codes": points["code"].tolist(), "lons": points["lon"].tolist(),
                "lats": points["lat"].tolist(), "path": str(path),
            },
        )  # fmt: skip
        paths.append(path)
        first += rows
    con.close()
    return paths


def build_city(root: Path, districts: int, streets: int, communities: int, events: int) -> dict:
    """The city's tree, every department's extracts and the hotline's events, under
    ``root``; returns what was made and how long it took."""
    os.environ.update(_env(root))
    from cockpit.settings import load_settings
    from pipelines.areas.files import build_area_tree
    from pipelines.areas.tree import write_tree
    from pipelines.demo import write_demo

    settings = load_settings()
    t0 = time.perf_counter()
    lists = write_city_lists(root / "lists", districts, streets, communities)
    tree = build_area_tree(*lists, city_name="合成市")
    write_tree(settings.areas, tree, None)
    write_demo(settings)
    boundaries = json.loads(
        (settings.inbox / "boundaries" / "boundaries_synthetic.geojson").read_text()
    )
    t1 = time.perf_counter()
    files = write_events(settings.inbox, boundaries, events)
    t2 = time.perf_counter()
    return {
        "areas": {lvl: int(n) for lvl, n in tree["level"].value_counts().items()},
        "events": events,
        "hotline_files": [str(p) for p in files],
        "hotline_bytes": sum(p.stat().st_size for p in files),
        "generate_extracts_s": round(t1 - t0, 1),
        "generate_events_s": round(t2 - t1, 1),
    }


_BASELINE = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE t AS SELECT * FROM read_csv($p)", {"p": sys.argv[2:]})
con.execute("CHECKPOINT")
"""


def _resend_health(root: Path) -> None:
    """The health department's report again, one community's December changed."""
    archived = next((root / "archive" / "health").glob("*.csv"))
    report = pd.read_csv(archived, dtype=str)
    row = (report["统计期"] == "2019-12").idxmax()
    report.loc[row, "门诊人次"] = str(int(report.loc[row, "门诊人次"]) + 777)
    (root / "inbox" / "health").mkdir(parents=True, exist_ok=True)
    report.to_csv(root / "inbox" / "health" / "社区卫生服务月报_更正.csv", index=False)


def refresh_rows(root: Path, facts: dict) -> dict:
    env = _env(root)
    cockpit = [sys.executable, "-m", "commands.cli"]
    files = facts["hotline_files"]
    base_s, base_mb, _ = _run([sys.executable, "-c", _BASELINE, str(root / "raw.duckdb"),
                               *files], env)  # fmt: skip
    (root / "raw.duckdb").unlink()
    full_s, full_mb, full_out = _run([*cockpit, "refresh"], env)
    _resend_health(root)
    inc_s, inc_mb, inc_out = _run([*cockpit, "refresh"], env)
    return {
        "baseline_read_csv_s": round(base_s, 1),
        "full_refresh_s": round(full_s, 1),
        "full_refresh_peak_mb": round(full_mb),
        "incremental_refresh_s": round(inc_s, 1),
        "incremental_refresh_peak_mb": round(inc_mb),
        "incremental_vs_full": round(inc_s / full_s, 3),
        "full_vs_baseline": round(full_s / base_s, 2),
        "full_log_tail": full_out.strip().splitlines()[-6:],
        "incremental_log_tail": inc_out.strip().splitlines()[-8:],
    }


def interaction_lines(root: Path) -> list[str]:
    """Every cockpit interaction's server work on a district's and a street's cockpit of
    the city, against the full rebuild each avoids (``bench.timing``), with no answer cache:
    what a request costs before anything is remembered."""
    os.environ.update({**_env(root), "COCKPIT_CACHE": "none"})
    from bench.timing import interaction_rows

    con = duckdb.connect(str((root / "warehouse" / "cockpit.duckdb").resolve()), read_only=True)
    district, street = con.execute(
        "SELECT d.code, max(s.code) FROM ind.area d JOIN ind.area s ON s.parent_code = d.code "
        "WHERE d.level = 'district' GROUP BY d.code ORDER BY d.code LIMIT 1"
    ).fetchall()[0]
    con.close()
    rows = []
    for label, code in (("city: a district", district), ("city: a street", street)):
        rows += interaction_rows(label, code, "registered_population", "hotline_per_10k")
    return rows


def table(facts: dict, timed: dict) -> list[str]:
    areas = facts["areas"]
    size = (
        f"{areas.get('district', 0)} districts, {areas.get('street', 0)} streets, "
        f"{areas.get('community', 0):,} communities, {facts['events']:,} hotline events "
        f"({facts['hotline_bytes'] / 1e9:.1f} GB CSV)"
    )
    full, inc = timed["full_refresh_s"], timed["incremental_refresh_s"]
    made = facts["generate_extracts_s"] + facts["generate_events_s"]
    base = timed["baseline_read_csv_s"]
    return [
        f"| city: {size}, generated | {made:.0f} s | | |",
        f"| DuckDB `read_csv` of the hotline files alone (baseline) | {base:.0f} s | 1.00× | |",
        f"| full refresh (`cockpit refresh`, every source, layers, publish) | {full:.0f} s "
        f"| {timed['full_vs_baseline']:.2f}× the baseline | ≤ 180 s |",
        f"| incremental refresh (health re-sent, one month changed) | {inc:.0f} s "
        f"| {timed['incremental_vs_full']:.2f}× the full refresh | ≤ 0.20× |",
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=13)
    parser.add_argument("--streets", type=int, default=190)
    parser.add_argument("--communities", type=int, default=3_100)
    parser.add_argument("--events", type=int, default=50_000_000)
    parser.add_argument("--keep", type=Path, help="build here and keep it")
    args = parser.parse_args()
    tmp = None if args.keep else tempfile.mkdtemp(dir=os.environ.get("COCKPIT_BENCH_TMP"))
    root = args.keep or Path(tmp)
    root.mkdir(parents=True, exist_ok=True)
    try:
        facts = build_city(root, args.districts, args.streets, args.communities, args.events)
        timed = refresh_rows(root, facts)
        RESULTS.mkdir(exist_ok=True)
        result = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", **facts, **timed}
        result.pop("hotline_files")
        (RESULTS / "city.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
        for line in table(facts, timed):
            print(line, flush=True)
        lines = interaction_lines(root)
        (RESULTS / "city-interactions.md").write_text("\n".join(lines) + "\n")
        for line in lines:
            print(line, flush=True)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
