"""``make bench``: measured, not asserted. Results go to docs/PERFORMANCE.md by hand.

Runs in a temporary folder: the demo refresh end to end, then the dashboard's two map
interactions at demo scale, timed in the same run so they compare as a ratio:
a recolour (the indicator picker: query + pure figure update) against building the whole
area page (every query, the full figure with geometry).
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _time(fn, repeat: int) -> list[float]:
    fn()  # warm: first call opens the connection and fills caches
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ.update(
            {
                "COCKPIT_CONFIG": str(REPO / "cockpit.toml"),
                "COCKPIT_INBOX": str(root / "inbox"),
                "COCKPIT_ARCHIVE": str(root / "archive"),
                "COCKPIT_WAREHOUSE": str(root / "warehouse" / "cockpit.duckdb"),
            }
        )
        from cockpit.settings import load_settings
        from pipelines.demo import write_demo
        from pipelines.refresh import run_refresh

        settings = load_settings()
        t0 = time.perf_counter()
        write_demo(settings)
        t1 = time.perf_counter()
        report = run_refresh(settings, echo=lambda _l: None)
        t2 = time.perf_counter()
        rows = sum(f.rows_in for f in report.files)

        from dashboard import data, figures
        from dashboard.app import create_app
        from dashboard.components.cockpit import area_page

        create_app()
        street = data.find_area("330103008", "street")
        parent, level = data.map_areas(street)
        period = data.as_of()["period"]
        indicator = data.indicator("registered_population")

        def recolour() -> None:
            values = data.map_values(parent, level, "registered_population", period)
            figures.recolour(values, indicator, "zh")

        def full_page() -> None:
            area_page("street", "330103008", "zh", "registered_population")

        patch = _time(recolour, 200)
        page = _time(full_page, 50)

    python = platform.python_version()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {python}")
    print()
    print("| measure | result |")
    print("|---|---|")
    print(f"| demo generate (`cockpit demo`) | {t1 - t0:.2f} s |")
    print(f"| demo refresh (`cockpit refresh`, {rows:,} rows, 11 layers) | {t2 - t1:.2f} s |")
    for name, samples in (("map recolour (indicator switch)", patch), ("full street page", page)):
        print(
            f"| {name}: p50 / p95 | {statistics.median(samples):.1f} / "
            f"{_percentile(samples, 95):.1f} ms |"
        )
    ratio = _percentile(page, 95) / _percentile(patch, 95)
    print(f"| full page p95 ÷ recolour p95 | {ratio:.1f}× |")


if __name__ == "__main__":
    main()
