"""Lighthouse's scores for the district page, signed in, with its mobile preset (issue #27:
performance ≥ 90, accessibility ≥ 95).

    .venv/bin/python -m bench.lighthouse [--runs 3]

Builds the demo in a temporary folder, serves it with ``cockpit serve``, signs a district
administrator in through the form, and runs Google's Lighthouse (the npm package pinned
in ``bench/lighthouse/``, installed by ``make bench``) against ``/`` with that session's
cookie, in the local Chromium, headless. The preset is Lighthouse's default: a mid-range
phone, its network and CPU throttling simulated. Writes ``bench/results/lighthouse.json``
with the median run's scores, metrics and the audits that lost points.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.browser import refreshed_demo, serving, signed_in_cookie
from bench.city_scale import RESULTS

HERE = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
METRICS = (
    "first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
    "cumulative-layout-shift", "speed-index",
)  # fmt: skip


def _run(url: str, cookie: str, out: Path) -> dict:
    chromium = os.environ.get("COCKPIT_CHROMIUM", "/usr/bin/chromium")
    subprocess.run(
        [str(LIGHTHOUSE), f"{url}/", "--quiet", "--output=json", f"--output-path={out}",
         "--only-categories=performance,accessibility",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
         "--extra-headers", json.dumps({"Cookie": f"session={cookie}"})],
        check=True, timeout=300, env={**os.environ, "CHROME_PATH": chromium},
    )  # fmt: skip
    report = json.loads(out.read_text())
    audits, categories = report["audits"], report["categories"]
    lost = {
        name: sorted(
            ref["id"]
            for ref in categories[name]["auditRefs"]
            if ref["weight"] > 0 and (audits[ref["id"]].get("score") or 0) < 0.9
        )
        for name in ("performance", "accessibility")
    }
    # Where accessibility lost points: the elements Lighthouse names (a few each).
    where = {
        audit: [
            item.get("node", {}).get("selector")
            for item in (audits[audit].get("details") or {}).get("items", [])[:5]
        ]
        for audit in lost["accessibility"]
    }
    lcp_items = (audits.get("largest-contentful-paint-element", {}).get("details") or {}).get(
        "items", []
    )
    lcp = next((i["items"][0]["node"].get("selector") for i in lcp_items if i.get("items")), None)
    return {
        "final_url": report["finalDisplayedUrl"],
        "largest_contentful_element": lcp,
        "performance": round(categories["performance"]["score"] * 100),
        "accessibility": round(categories["accessibility"]["score"] * 100),
        "metrics": {name: audits[name]["numericValue"] for name in METRICS},
        "lost_points": lost,
        "accessibility_where": where,
        "lighthouse": report["lighthouseVersion"],
        "form_factor": report["configSettings"]["formFactor"],
        "throttling": report["configSettings"]["throttling"],
    }


def measure(runs: int) -> dict:
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"bench.lighthouse: run `npm ci` in {HERE} first (make bench does)")
    with tempfile.TemporaryDirectory(dir=os.environ.get("COCKPIT_BENCH_TMP")) as tmp:
        env, _settings, _written = refreshed_demo(Path(tmp))
        with serving(env) as url:
            cookie = signed_in_cookie(url, env)
            results = [_run(url, cookie, Path(tmp) / f"run{n}.json") for n in range(runs)]
    assert all(r["final_url"].rstrip("/") == url.rstrip("/") for r in results), "not signed in"
    middle = sorted(results, key=lambda r: r["performance"])[len(results) // 2]
    out = {
        **middle,
        "final_url": "/",
        "runs": [
            {k: r[k] for k in ("performance", "accessibility", "largest_contentful_element")}
            | {"lcp_ms": r["metrics"]["largest-contentful-paint"]}
            for r in results
        ],
        "performance_median": statistics.median(r["performance"] for r in results),
        "accessibility_median": statistics.median(r["accessibility"] for r in results),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lighthouse.json").write_text(json.dumps(out, indent=1))
    return out


def rows(result: dict | None, missing: str, verdict) -> list[str]:
    """The report's rows (``bench.report``) against issue #27's aims."""
    if result is None:
        return [f"| Lighthouse, mobile preset, `/` signed in | {missing} | | ≥ 90 / ≥ 95 |"]
    m = result["metrics"]
    performance, accessibility = result["performance_median"], result["accessibility_median"]
    return [
        f"| **Lighthouse {result['lighthouse']}**, mobile preset, `/` signed in "
        f"(median of {len(result['runs'])}): performance | **{performance:.0f}** (FCP "
        f"{m['first-contentful-paint'] / 1000:.1f} s, LCP "
        f"{m['largest-contentful-paint'] / 1000:.1f} s, TBT "
        f"{m['total-blocking-time'] / 1000:.1f} s, CLS {m['cumulative-layout-shift']:.2f}) "
        f"| | ≥ 90: {verdict(performance >= 90)} |",
        f"| Lighthouse: accessibility | **{accessibility:.0f}** | | "
        f"≥ 95: {verdict(accessibility >= 95)} |",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    print(json.dumps(measure(parser.parse_args().runs), indent=1))
