"""The demo part of ``make bench``: measured, not asserted; its table is
``bench/results/main.md``. ``make bench`` then runs the city-scale, load, render, ingest
and Spark benchmarks, and ``bench.report`` writes their figures against the targets into
docs/PERFORMANCE.md.

1. The demo, end to end: generate and refresh, in a temporary folder.
2. Every cockpit interaction's server time on the demo, by calling the callbacks, against
   rebuilding the full map figure and the full page, in the same run (ratios).
   Alert quality: the planted problems' ranks, recall and the share of red.
3. The same at 3,000 communities (``bench.scale``, its own process and warehouse).
4. A browser's first visit: compressed bytes and time to a drawn map (headless Chromium).
5. Map geometry bytes per level, for the demo and a city-sized tree (``bench.geometry``).

The 5-million-row ingest benchmark is ``python -m bench.hotline``.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STREET = "330103008000"


def main() -> None:
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {
            "COCKPIT_CONFIG": str(REPO / "cockpit.toml"),
            "COCKPIT_INBOX": str(root / "inbox"),
            "COCKPIT_ARCHIVE": str(root / "archive"),
            "COCKPIT_AREAS": str(root / "areas"),
            # The interactions are timed doing their work; bench.cache times the cache.
            "COCKPIT_CACHE": "none",
            "COCKPIT_WAREHOUSE": str(root / "warehouse" / "cockpit.duckdb"),
            "COCKPIT_APP_DB": f"sqlite:///{root / 'app.db'}",
            "COCKPIT_SECRET_KEY_FILE": str(root / "secret.key"),
        }
        os.environ.update(env)
        from bench.access import access_rows
        from bench.alerts import quality_rows
        from bench.browser import load_rows
        from bench.cache import cache_rows
        from bench.geometry import city_tree, geometry_rows
        from bench.timing import interaction_rows
        from cockpit.settings import load_settings
        from pipelines.demo import write_demo
        from pipelines.publish.refresh import run_refresh

        settings = load_settings()
        t0 = time.perf_counter()
        write_demo(settings)
        t1 = time.perf_counter()
        report = run_refresh(settings, echo=lambda _l: None)
        t2 = time.perf_counter()
        rows = sum(f.rows_in for f in report.files)
        lines.append(f"| demo generate (`cockpit demo`) | {t1 - t0:.2f} s | |")
        lines.append(f"| demo refresh (`cockpit refresh`, {rows:,} rows) | {t2 - t1:.2f} s | |")
        lines += quality_rows(settings.warehouse.resolve())
        from pipelines.areas.tree import load_area_tree

        lines += geometry_rows("demo", load_area_tree(settings))
        lines += geometry_rows("city", city_tree())
        lines += interaction_rows("demo", STREET, "registered_population", "elderly_share")
        lines += access_rows("demo", STREET)
        lines += cache_rows(env)
        lines += load_rows("demo", env, f"/street/{STREET}")
        scaled = subprocess.run(
            [sys.executable, "-m", "bench.scale"], capture_output=True, text=True, check=True
        )
        lines += scaled.stdout.strip().splitlines()
        with tempfile.TemporaryDirectory() as big:
            from bench.scale import build

            pointer = build(Path(big))
            big_env = {**env, "COCKPIT_WAREHOUSE": str(pointer)}
            lines += load_rows("3,000 communities", big_env, "/street/330103001000")

    table = [
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "",
        "| measure | p50 / p95 or result | payload |",
        "|---|---|---|",
        *lines,
    ]
    (REPO / "bench" / "results" / "main.md").write_text("\n".join(table) + "\n")
    print("\n".join(table))


if __name__ == "__main__":
    main()
