"""What the answer cache saves: an area page's server work with the cache cold (``cache =
"none"``) and warm (the default filesystem cache, read back), in the same run.

``python -m bench.cache`` on the warehouse the environment names (``make bench`` passes
the demo's). Each mode runs in its own process, as each worker would.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

# (label, level, code): the district is the top of the demo's tree, whose page is ``/``.
PAGES = (
    ("district", None, None),
    ("street", "street", "330103008000"),
    ("community", "community", "330103001051"),
)
RUNS = 15


def _measure() -> dict[str, float]:
    from bench.timing import signed_in
    from dashboard.components.cockpit import area_page
    from dashboard.shell.app import create_app

    out = {}
    with signed_in(create_app()):
        for label, level, code in PAGES:
            area_page(level, code, "zh", None)  # the first visit fills the cache
            times = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                area_page(level, code, "zh", None)
                times.append(time.perf_counter() - t0)
            out[label] = statistics.median(times)
    return out


def cache_rows(env: dict[str, str]) -> list[str]:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for mode in ("none", "filesystem"):
            done = subprocess.run(
                [sys.executable, "-m", "bench.cache", "--measure"],
                env={**os.environ, **env, "COCKPIT_CACHE": mode, "COCKPIT_CACHE_DIR": folder},
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    rows = []
    for label, _level, _code in PAGES:
        cold, warm = results["none"][label], results["filesystem"][label]
        rows.append(
            f"| {label} page, server work: no cache / cached (p50 of {RUNS}) | "
            f"{cold * 1000:.0f} ms / {warm * 1000:.0f} ms | {cold / warm:.1f}× less |"
        )
    return rows


if __name__ == "__main__":
    if "--measure" in sys.argv:
        print(json.dumps(_measure()))
    else:
        for line in cache_rows({}):
            print(line)
