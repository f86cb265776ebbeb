"""The district page on a phone over a slow network (issue #27): how long until an official
sees the header with the period and the red and amber counts, the headline figures and the
需关注 list.

    .venv/bin/python -m bench.phone [--runs 3]

Builds the demo in a temporary folder, serves it with ``cockpit serve`` and opens ``/``
with a district kiosk token in headless Chromium as a 390×844 phone (touch, 3× pixels),
throttled by Chromium itself: 1.6 Mbps down, 750 kbps up, 150 ms round trip, and the CPU
slowed 4×. Each run is cold (a fresh context). Writes ``bench/results/phone.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

from bench.browser import chromium, district_token, refreshed_demo, serving
from bench.city_scale import RESULTS

NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}
CPU_SLOWDOWN = 4
# What the first screens must show, polled each frame from the start of the navigation:
# the header's period and counts, the headline figures with their values, the alerts.
# By their classes, not ids: the page sent as HTML in the first answer
# (dashboard/shell/first_screen.py) shows the same before the app has drawn it.
_WATCH = """() => {
    const seen = () => {
        const counts = document.querySelector('.cockpit-header .head-counts .head-count.red');
        const period = document.querySelector('.cockpit-header .period-select');
        const tiles = [...document.querySelectorAll('.headline-tile .headline-tile-value .v')];
        const alerts = document.querySelectorAll('.alerts-panel .alert-item');
        return period && period.textContent.trim() && counts && tiles.length >= 4
            && tiles.every((t) => t.textContent.trim() !== '') && alerts.length > 0;
    };
    const tick = () => {
        if (seen()) { window.__phoneReadyAt = performance.now(); return; }
        requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
}"""


def _run(browser, url: str, token: str) -> dict:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True,
        has_touch=True, locale="zh-CN",
    )  # fmt: skip
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    context.add_init_script(f"({_WATCH})()")
    sent = {"bytes": 0}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sent.update(bytes=sent["bytes"] + e["encodedDataLength"]),
    )
    page.goto(f"{url}/?token={token}", timeout=120_000)
    page.wait_for_function("() => window.__phoneReadyAt !== undefined", timeout=120_000)
    ready = page.evaluate("() => window.__phoneReadyAt")
    # And when the app itself has drawn the page (the map's canvas sized), for the record.
    page.wait_for_function(
        "() => [...document.querySelectorAll('#area-map canvas')].some(c => c.width > 0)",
        timeout=120_000,
    )
    app = page.evaluate("() => performance.now()")
    fcp = page.evaluate(
        "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
    )
    context.close()
    # Shown means painted: the elements are in the document at ``ready``, on the screen at
    # the first paint after it.
    return {
        "ready_ms": round(max(ready, fcp or 0)),
        "fcp_ms": round(fcp or 0),
        "app_drawn_ms": round(app),
        "bytes": sent["bytes"],
    }


def measure(runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(dir=os.environ.get("COCKPIT_BENCH_TMP")) as tmp:
        env, settings, _written = refreshed_demo(Path(tmp))
        token = district_token(settings, "bench.phone")
        with serving(env) as url, sync_playwright() as p:
            browser = chromium(p)
            results = [_run(browser, url, token) for _ in range(runs)]
            browser.close()
    out = {
        "network": NETWORK,
        "cpu_slowdown": CPU_SLOWDOWN,
        "runs": results,
        "ready_ms_median": statistics.median(r["ready_ms"] for r in results),
        "bytes_median": statistics.median(r["bytes"] for r in results),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "phone.json").write_text(json.dumps(out, indent=1))
    return out


def rows(result: dict | None, missing: str, verdict) -> list[str]:
    """The report's row (``bench.report``) against issue #27's aim."""
    if result is None:
        return [f"| the district page on a throttled phone: header, headline, alerts | {missing} "
                "| | ≤ 3 s |"]  # fmt: skip
    ready = result["ready_ms_median"] / 1000
    fcp = statistics.median(r["fcp_ms"] for r in result["runs"]) / 1000
    return [
        f"| **the district page on a phone** (390×844, 1.6 Mbps, 150 ms, CPU 4× slower; "
        f"median of {len(result['runs'])}, cold): header, headline and alerts shown | "
        f"**{ready:.2f} s** (first paint {fcp:.2f} s; "
        f"{result['bytes_median'] / 1e6:.2f} MB) | | ≤ 3 s: {verdict(ready <= 3)} |",
        f"| the same phone: the app drawn and usable (the map's canvas sized) | "
        f"{statistics.median(r['app_drawn_ms'] for r in result['runs']) / 1000:.2f} s | | |",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    print(json.dumps(measure(parser.parse_args().runs), indent=1))
