"""Load: 50 simulated users against ``cockpit serve`` for 2 minutes, on loopback only.

    .venv/bin/python -m bench.load WAREHOUSE_ROOT [--users 50] [--seconds 120] [--name load]

WAREHOUSE_ROOT is a cockpit built by ``bench.city_scale --keep`` (or any cockpit folder with
the same layout). The cockpit is served by ``cockpit serve`` (gunicorn, its 2 workers); a
kiosk token is issued for the top of the tree. Headless Chromium opens each view once and
its Dash callbacks are recorded; locust (headless, ``bench/locustfile.py``) replays them as
four laptop users to one wall screen, with its CSV stats kept under ``bench/results/``.
Each worker's resident memory is sampled during the run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from bench.browser import serving
from bench.city_scale import RESULTS, _env

REPO = Path(__file__).resolve().parent.parent
DISPATCH = "_dash-update-component"
# A page's own work: the layout (which carries the page opened, named by the Referer) and
# the callbacks. Static files are cached by a browser and left out.
LAYOUT = "/_dash-layout"


def _views(root: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """Pages of every level (a few areas each, two indicators on some) and the indicators
    a switch goes to."""
    con = duckdb.connect(str((root / "warehouse" / "cockpit.duckdb").resolve()), read_only=True)
    levels = dict(con.execute("SELECT level, list(code ORDER BY code) FROM ind.area "
                              "WHERE level <> 'park' GROUP BY level").fetchall())  # fmt: skip
    indicators = [r[0] for r in con.execute(
        "SELECT indicator_id FROM ind.indicator WHERE list_contains(levels, 'street') "
        "ORDER BY indicator_id LIMIT 4").fetchall()]  # fmt: skip
    con.close()
    views = [("top", "/"), ("top", f"/?indicator={indicators[0]}")]
    for level in ("district", "street", "community"):
        codes = levels.get(level, [])
        for code in codes[:: max(1, len(codes) // 3)][:3]:
            views.append((level, f"/{level}/{code}"))
        if codes:
            views.append((level, f"/{level}/{codes[-1]}?indicator={indicators[1]}"))
    return views, indicators


def record(url: str, token: str, root: Path) -> dict:
    """The requests headless Chromium sends for each view, an indicator switch and the
    wall's steps, beyond the static files: the layout (with the page it was opened from)
    and the callbacks."""
    from playwright.sync_api import sync_playwright

    views, indicators = _views(root)
    recording: dict[str, list] = {"pages": [], "switches": [], "wall": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("COCKPIT_CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        calls: list[dict] = []

        def seen(request) -> None:
            if request.method == "POST" and DISPATCH in request.url:
                body = request.post_data or "{}"
                output = json.loads(body).get("output", "?")
                calls.append({"name": output.strip(".").split(".")[0][:40], "body": body})
            elif request.method == "GET" and urlsplit(request.url).path == LAYOUT:
                opened = urlsplit(request.headers.get("referer", ""))
                page = opened.path + (f"?{opened.query}" if opened.query else "")
                calls.append({"name": "layout", "body": None, "opened": page})

        page.on("request", seen)
        page.goto(f"{url}/?token={token}")
        page.wait_for_load_state("networkidle")
        for kind, path in views:
            calls.clear()
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            recording["pages"].append({"kind": kind, "path": path, "callbacks": list(calls)})
        for path in ("/", views[-2][1]):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            calls.clear()
            page.click("#map-indicator")
            page.click(f".dash-dropdown-option:has(input[value='{indicators[2]}'])")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            recording["switches"].append(
                {"kind": "indicator switch", "path": None, "callbacks": list(calls)}
            )
        page.goto(f"{url}/wall?dwell=2")
        page.wait_for_load_state("networkidle")
        calls.clear()
        page.wait_for_timeout(7000)
        recording["wall"] = [
            {"kind": "wall", "path": None, "callbacks": [c]} for c in calls if c["body"]
        ]
        browser.close()
    return recording


def _workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def _rss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((x for x in text.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def _gunicorn_master(port: str) -> int:
    out = subprocess.run(["pgrep", "-f", f"gunicorn .*127.0.0.1:{port}"],
                         capture_output=True, text=True)  # fmt: skip
    pids = [int(p) for p in out.stdout.split()]
    return min(pids)


def run(root: Path, users: int, seconds: int, name: str = "load") -> dict:
    env = _env(root)
    os.environ.update(env)
    from cockpit import store
    from cockpit.settings import load_settings
    from cockpit.store import accounts

    settings = load_settings()
    store.migrate(settings.app_db)
    top = (
        duckdb.connect(str(settings.warehouse.resolve()), read_only=True)
        .execute("SELECT code FROM ind.area WHERE parent_code IS NULL")
        .fetchall()[0][0]
    )
    token = accounts.add_token(settings.app_db, top, 1, "bench.load")
    RESULTS.mkdir(exist_ok=True)
    with serving(env) as url:
        recording = record(url, token, root)
        recorded = RESULTS / "load-recording.json"
        recorded.write_text(json.dumps(recording, ensure_ascii=False))
        master = _gunicorn_master(url.rsplit(":", 1)[1])
        peaks: dict[int, float] = {}
        done = threading.Event()

        def sample() -> None:
            while not done.wait(1.0):
                for pid in _workers(master):
                    peaks[pid] = max(peaks.get(pid, 0.0), _rss_mb(pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        prefix = RESULTS / name
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(REPO / "bench" / "locustfile.py"),
             "--headless", "-u", str(users), "-r", str(max(1, users // 10)),
             "-t", f"{seconds}s", "--host", url, "--csv", str(prefix), "--only-summary",
             "--stop-timeout", "10"],
            env={**os.environ, "COCKPIT_LOAD_RECORDING": str(recorded),
                 "COCKPIT_LOAD_TOKEN": token},
            check=False, timeout=seconds + 120,
        )  # fmt: skip
        done.set()
        sampler.join()
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        stats = list(csv.DictReader(handle))
    return {"users": users, "stats": stats,
            "worker_peak_mb": sorted(peaks.values(), reverse=True)}  # fmt: skip


def table(result: dict) -> list[str]:
    lines = []
    for row in result["stats"]:
        if row["Name"].startswith("sign in"):
            continue
        lines.append(
            f"| {row['Type']} {row['Name']} | {int(row['Request Count']):,} "
            f"| {int(row['Failure Count'])} | {row['50%']} ms | {row['95%']} ms "
            f"| {row['99%']} ms |"
        )
    peaks = ", ".join(f"{mb:.0f} MB" for mb in result["worker_peak_mb"])
    lines.append(f"| peak resident memory per worker | {peaks} | | | | |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    # The results' name under bench/results/: "load" (50 users, the table's load rows) or
    # "load500" (the 500 officials of a city).
    parser.add_argument("--name", default="load")
    args = parser.parse_args()
    started = time.perf_counter()
    result = run(args.root, args.users, args.seconds, args.name)
    result["seconds"] = round(time.perf_counter() - started)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print("| request | count | failures | p50 | p95 | p99 |")
    print("|---|---|---|---|---|---|")
    for line in table(result):
        print(line)


if __name__ == "__main__":
    main()
