"""The data API under load: 50 consuming systems, each with its own key scoped to a
street, reading values and alerts from ``cockpit serve`` (its 2 workers) for a minute.

    .venv/bin/python -m bench.api_load ROOT [--users 50] [--seconds 60]

ROOT is a cockpit folder with a published warehouse (``bench.city_scale --keep``, or the
demo's). Results go to ``bench/results/api-load.json``."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from bench.browser import serving
from bench.city_scale import RESULTS, _env

REPO = Path(__file__).resolve().parent.parent


def plan(root: Path, settings, users: int) -> dict:
    from cockpit import store
    from cockpit.store import apikeys

    store.migrate(settings.app_db)
    con = duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
    streets = [r[0] for r in con.execute(
        "SELECT code FROM ind.area WHERE level = 'street' ORDER BY code").fetchall()]  # fmt: skip
    below = dict(con.execute(
        "SELECT parent_code, list(code ORDER BY code) FROM ind.area WHERE level = 'community' "
        "GROUP BY parent_code").fetchall())  # fmt: skip
    indicators = [r[0] for r in con.execute(
        "SELECT indicator_id FROM ind.indicator WHERE list_contains(levels, 'community') "
        "ORDER BY indicator_id").fetchall()]  # fmt: skip
    con.close()
    keys = []
    for n in range(users):
        street = streets[n * len(streets) // users]
        key = apikeys.add_api_key(settings.app_db, f"bench consumer {n}", street)
        keys.append({"key": key, "scope": street, "below": "community",
                     "areas": [street, *below.get(street, [])[:5]]})  # fmt: skip
    return {"keys": keys, "indicators": indicators}


def run(root: Path, users: int, seconds: int) -> dict:
    env = _env(root)
    os.environ.update(env)
    from cockpit.settings import load_settings

    settings = load_settings()
    chosen = plan(root, settings, users)
    RESULTS.mkdir(exist_ok=True)
    planned = RESULTS / "api-load-plan.json"
    planned.write_text(json.dumps(chosen))
    prefix = RESULTS / "api-load"
    with serving(env) as url:
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(REPO / "bench" / "api_locustfile.py"),
             "--headless", "-u", str(users), "-r", str(max(1, users // 5)),
             "-t", f"{seconds}s", "--host", url, "--csv", str(prefix), "--only-summary",
             "--stop-timeout", "10"],
            env={**os.environ, "COCKPIT_API_PLAN": str(planned.read_text())},
            check=False, timeout=seconds + 120,
        )  # fmt: skip
    planned.unlink()
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return {"users": users, "seconds": seconds, "stats": list(csv.DictReader(handle))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    result = run(args.root, args.users, args.seconds)
    (RESULTS / "api-load.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print("| request | count | failures | p50 | p95 | p99 |")
    print("|---|---|---|---|---|---|")
    for row in result["stats"]:
        count, failed = int(row["Request Count"]), int(row["Failure Count"])
        print(f"| {row['Type']} {row['Name']} | {count:,} | {failed} | {row['50%']} ms | "
              f"{row['95%']} ms | {row['99%']} ms |")  # fmt: skip


if __name__ == "__main__":
    main()
