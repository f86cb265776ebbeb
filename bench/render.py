"""The district page fully rendered in a cold and a warm browser, measured by the shared
tool that measured Apache Superset's "all charts rendered" on this machine
(``../shared/tools/render_bench.py``: headless Chromium at 1920×1080, every KPI card with
its value, every graph drawn, the map's canvas sized, nothing loading for 500 ms).

    .venv/bin/python -m bench.render [--runs 5]

Builds the demo in a temporary folder, serves it with ``cockpit serve`` and opens ``/``
with a kiosk token for the district, as a wall screen would. Writes
``bench/results/render.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.browser import district_token, refreshed_demo, serving
from bench.city_scale import RESULTS

REPO = Path(__file__).resolve().parent.parent
TOOL = REPO.parent / "shared" / "tools" / "render_bench.py"


def measure(runs: int) -> dict:
    if not TOOL.exists():
        raise SystemExit(f"bench.render: {TOOL} is not on this machine")
    with tempfile.TemporaryDirectory(dir=os.environ.get("COCKPIT_BENCH_TMP")) as tmp:
        env, settings, _written = refreshed_demo(Path(tmp))
        token = district_token(settings, "bench.render")
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / "render.json"
        with serving(env) as url:
            done = subprocess.run(
                [sys.executable, str(TOOL), f"{url}/?token={token}", "--runs", str(runs),
                 "--out", str(out)],
                capture_output=True, text=True, timeout=900,
            )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        result = json.loads(out.read_text())
        # The token is a secret of this run only: keep the page, not the key.
        result["url"] = "/?token=…"
        out.write_text(json.dumps(result, indent=1))
        return result


def rows(result: dict) -> list[str]:
    cold, warm = result["cold_all_rendered_ms"], result["warm_all_rendered_ms"]
    expected = result["expected"]
    fcp = sorted(r["fcp_ms"] or 0 for r in result["cold"])[len(result["cold"]) // 2]
    size = sorted(r["bytes_transfer"] for r in result["cold"])[len(result["cold"]) // 2]
    return [
        f"| district page all rendered, cold (median of {len(result['cold'])}) | "
        f"{cold['median'] / 1000:.2f} s (min {cold['min'] / 1000:.2f}, max "
        f"{cold['max'] / 1000:.2f}) | ≤ 0.8 s |",
        f"| district page all rendered, warm | {warm['median'] / 1000:.2f} s (min "
        f"{warm['min'] / 1000:.2f}, max {warm['max'] / 1000:.2f}) | ≤ 0.5 s |",
        f"| what it waited for | {expected['cards']} KPI cards, {expected['graphs']} graphs | |",
        f"| cold: first contentful paint; bytes over the wire | {fcp / 1000:.2f} s; "
        f"{size / 1e6:.2f} MB | |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    for line in rows(measure(parser.parse_args().runs)):
        print(line)


if __name__ == "__main__":
    main()
