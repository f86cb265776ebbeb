"""The district page fully rendered in a cold and a warm browser, measured by the shared
tool that measured Apache Superset's "all charts rendered" on this machine
(``../shared/tools/render_bench.py``: headless Chromium at 1920×1080, every KPI card with
its value, every graph drawn, the map's canvas sized, nothing loading for 500 ms).

    .venv/bin/python -m bench.render [--runs 5]

Builds the demo in a temporary folder, serves it with ``cockpit serve`` and opens ``/``
with a kiosk token for the district, as a wall screen would. In the same run, the same
tool measures the framework's floor (``bench.floor``: a bare Dash page with one plotly map
graph), so that the page reads as a ratio of it. Writes ``bench/results/render.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from bench import floor
from bench.browser import district_token, refreshed_demo, render_tool, serving
from bench.city_scale import RESULTS


def measure(runs: int) -> dict:
    with tempfile.TemporaryDirectory(dir=os.environ.get("COCKPIT_BENCH_TMP")) as tmp:
        env, settings, _written = refreshed_demo(Path(tmp))
        token = district_token(settings, "bench.render")
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / "render.json"
        with serving(env) as url:
            result = render_tool(f"{url}/?token={token}", runs, out)
        # The token is a secret of this run only: keep the page, not the key.
        result["url"] = "/?token=…"
        bare = floor.measure(runs)
        result["floor"] = {k: bare[k] for k in ("expected", "cold_all_rendered_ms",
                                                "warm_all_rendered_ms")}  # fmt: skip
        result["floor"]["bytes_transfer"] = sorted(r["bytes_transfer"] for r in bare["cold"])[
            len(bare["cold"]) // 2
        ]
        out.write_text(json.dumps(result, indent=1))
        return result


def floor_ratios(result: dict) -> dict[str, float] | None:
    """The page's median over the framework floor's, cold and warm, from one run."""
    bare = result.get("floor")
    if not bare or not bare.get("cold_all_rendered_ms"):
        return None
    return {
        kind: result[f"{kind}_all_rendered_ms"]["median"]
        / bare[f"{kind}_all_rendered_ms"]["median"]
        for kind in ("cold", "warm")
    }


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
