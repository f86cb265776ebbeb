"""The last ``make bench`` run's figures against issue #11's targets, written into
docs/PERFORMANCE.md between its two markers: ``python -m bench.report``, the last step of
``make bench``. Reads what the run left in ``bench/results/``. A figure the run did not
produce is shown as missing, never left out, and each is a ratio against its baseline
from the same run where it has one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import sys
from pathlib import Path

from bench import lighthouse, phone, scene3d
from bench import render as render_bench

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
DOC = REPO / "docs" / "PERFORMANCE.md"
BEGIN = "<!-- make bench: begin (written by python -m bench.report) -->"
END = "<!-- make bench: end -->"
MISSING = "not measured in this run"
# "| city: a street: indicator switch (…) | 82.6 / 96.9 ms | 7 KB |"
_TIMED = re.compile(r"\| (city: a \w+): ([^|]+?) \| ([\d.]+) / ([\d.]+) ms \|")


def _read(name: str) -> dict | str | None:
    path = RESULTS / name
    if not path.exists():
        return None
    return json.loads(path.read_text()) if name.endswith(".json") else path.read_text()


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def machine() -> str:
    import duckdb

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GB, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    )


def refresh_rows(city: dict | None) -> list[str]:
    if city is None:
        return [f"| full and incremental refresh of the city | {MISSING} | | ≤ 180 s; ≤ 0.20× |"]
    areas = city["areas"]
    kept = re.search(r"\((\d+) computed, (\d+) kept", " ".join(city["incremental_log_tail"]))
    full, inc = city["full_refresh_s"], city["incremental_refresh_s"]
    return [
        f"| the city: {areas['district']} districts, {areas['street']} streets, "
        f"{areas['community']:,} communities, {city['events']:,} hotline events "
        f"({city['hotline_bytes'] / 1e9:.1f} GB) | generated in "
        f"{city['generate_extracts_s'] + city['generate_events_s']:.0f} s | | |",
        f"| DuckDB `read_csv` of the hotline files (the baseline) | "
        f"{city['baseline_read_csv_s']:.0f} s | 1.00× | |",
        f"| **full refresh** of the city (peak {city['full_refresh_peak_mb']:,} MB) | "
        f"**{full:.0f} s** | {city['full_vs_baseline']:.2f}× the baseline | ≤ 180 s: "
        f"{_verdict(full <= 180)} |",
        f"| **incremental refresh**, health re-sent (layers computed / kept: "
        f"{kept.group(1) + ' / ' + kept.group(2) if kept else '?'}) | **{inc:.0f} s** | "
        f"{city['incremental_vs_full']:.2f}× the full refresh | ≤ 0.20×: "
        f"{_verdict(city['incremental_vs_full'] <= 0.20)} |",
    ]


def interaction_rows(lines: str | None) -> list[str]:
    if lines is None:
        return [f"| interaction at city scale, p95 | {MISSING} | | ≤ 100 ms |"]
    timed = {(m[1], m[2]): (float(m[3]), float(m[4])) for m in _TIMED.finditer(lines)}
    rows = []
    for cockpit in ("city: a district", "city: a street"):
        switch = timed.get((cockpit, "indicator switch (map recolour, ranking, trend)"))
        points = timed.get((cockpit, "point layer on (hotline tickets)"))
        full = timed.get((cockpit, "the same switch rebuilding the full map figure"))
        if not (switch and points and full):
            rows.append(f"| {cockpit[6:]}'s cockpit, interactions | {MISSING} | | ≤ 100 ms |")
            continue
        rows.append(
            f"| **{cockpit[6:]}'s cockpit**: indicator switch, p50 / p95 | {switch[0]:.0f} / "
            f"**{switch[1]:.0f} ms** | the full-figure rebuild {full[1] / switch[1]:.2f}× | "
            f"≤ 100 ms: {_verdict(switch[1] <= 100)} |"
        )
        rows.append(
            f"| {cockpit[6:]}'s cockpit: point layer on (50M tickets), p50 / p95 | "
            f"{points[0]:.0f} / **{points[1]:.0f} ms** | | ≤ 100 ms: "
            f"{_verdict(points[1] <= 100)} |"
        )
    return rows


def load_rows(load: dict | None) -> list[str]:
    if load is None:
        return [f"| load: 50 users, 120 s | {MISSING} | | p95 ≤ 100 ms, 0 errors, ≤ 500 MB |"]
    served = [r for r in load["stats"] if r["Name"] != "Aggregated"]
    served = [r for r in served if not r["Name"].startswith("sign in")]
    count = sum(int(r["Request Count"]) for r in served)
    errors = sum(int(r["Failure Count"]) for r in load["stats"])
    worst = max(served, key=lambda r: float(r["95%"]))
    overall = next(r for r in load["stats"] if r["Name"] == "Aggregated")
    peak = max(load["worker_peak_mb"])
    return [
        f"| **load**, 50 users for 120 s: all requests, p50 / p95 | {overall['50%']} / "
        f"**{overall['95%']} ms** | {sum(float(r['Requests/s']) for r in served):.0f} "
        f"requests/s | "
        f"≤ 100 ms: {_verdict(float(overall['95%']) <= 100)} |",
        f"| load: the slowest kind, {worst['Type']} {worst['Name']}, p95 | "
        f"{worst['95%']} ms | | ≤ 100 ms: {_verdict(float(worst['95%']) <= 100)} |",
        f"| load: requests, errors | {count:,}, **{errors}** | | 0 errors: "
        f"{_verdict(errors == 0)} |",
        f"| load: peak memory per worker | "
        f"{', '.join(f'{mb:.0f} MB' for mb in load['worker_peak_mb'])} | | ≤ 500 MB: "
        f"{_verdict(peak <= 500)} |",
    ]


def capacity_rows(load: dict | None) -> list[str]:
    """The city's officials: 500 users on one 2-core machine (``bench.load --users 500``)."""
    if load is None:
        return [f"| load: 500 users, 60 s | {MISSING} | | p95 ≤ 100 ms, 0 errors |"]
    overall = next(r for r in load["stats"] if r["Name"] == "Aggregated")
    errors = sum(int(r["Failure Count"]) for r in load["stats"])
    served = [r for r in load["stats"] if r["Name"] != "Aggregated"]
    rate = sum(float(r["Requests/s"]) for r in served if not r["Name"].startswith("sign in"))
    met = float(overall["95%"]) <= 100 and errors == 0
    return [
        f"| **load, {load.get('users', 500)} users** (a city's officials, 60 s; locust on the "
        f"same 2 cores): all requests, p50 / p95 | {overall['50%']} / **{overall['95%']} ms** "
        f"| {rate:.0f} requests/s, {errors} errors | p95 ≤ 100 ms, 0 errors: {_verdict(met)} |"
    ]


def api_rows(api: dict | None) -> list[str]:
    if api is None:
        return [f"| the data API, 50 consumers | {MISSING} | | p95 ≤ 50 ms, 0 errors |"]
    overall = next(r for r in api["stats"] if r["Name"] == "Aggregated")
    errors = sum(int(r["Failure Count"]) for r in api["stats"] if r["Name"] != "Aggregated")
    p95 = float(overall["95%"])
    return [
        f"| **the data API** (`/api/v1`), {api['users']} consumers with their own keys: p50 / "
        f"p95 | {overall['50%']} / **{overall['95%']} ms** | {int(overall['Request Count']):,} "
        f"calls, {errors} errors | ≤ 50 ms: {_verdict(p95 <= 50 and errors == 0)} |"
    ]


def pull_rows(pulled: dict | None) -> list[str]:
    if pulled is None:
        return [f"| a 5M-row table pulled from PostgreSQL | {MISSING} | | ≥ 0.5× COPY |"]
    return [
        f'| **pull** of {pulled["rows"]:,} rows from PostgreSQL (`from = "sql"`) into '
        f"the file a refresh loads | {pulled['pull_s']} s | **{pulled['ratio']}×** the "
        f"speed of `COPY … TO STDOUT` ({pulled['copy_s']} s) | ≥ 0.5×: "
        f"{_verdict(pulled['ratio'] >= 0.5)} |"
    ]


def render_rows(render: dict | None) -> list[str]:
    if render is None or not render.get("cold_all_rendered_ms"):
        return [f"| the top page all rendered, cold / warm | {MISSING} | | ≤ 0.8 s / ≤ 0.5 s |"]
    cold = render["cold_all_rendered_ms"]["median"] / 1000
    warm = render["warm_all_rendered_ms"]["median"] / 1000
    expected = render["expected"]
    size = sorted(r["bytes_transfer"] for r in render["cold"])[len(render["cold"]) // 2]
    fcp = sorted(r["fcp_ms"] or 0 for r in render["cold"])[len(render["cold"]) // 2] / 1000
    ratios, bare = render_bench.floor_ratios(render), render.get("floor")
    rows = [
        f"| **the top page all rendered, cold** ({expected['cards']} cards, "
        f"{expected['graphs']} graphs; median of {len(render['cold'])}; first paint "
        f"{fcp:.2f} s) | **{cold:.2f} s** | "
        + (f"{ratios['cold']:.2f}× the framework's floor | " if ratios else "| ")
        + f"≤ 0.8 s: {_verdict(cold <= 0.8)} |",
        f"| **the same, warm** | **{warm:.2f} s** | "
        + (f"{ratios['warm']:.2f}× the floor warm | " if ratios else f"{warm / cold:.2f}× cold | ")
        + f"≤ 0.4 s: {_verdict(warm <= 0.4)} |",
        f"| the top page's first load, compressed | **{size / 1e3:,.0f} KB** | | ≤ 600 KB: "
        f"{_verdict(size <= 600e3)} |",
    ]
    if ratios:
        floor_cold = bare["cold_all_rendered_ms"]["median"] / 1000
        floor_warm = bare["warm_all_rendered_ms"]["median"] / 1000
        rows.append(
            f"| the framework's floor (`bench.floor`: a bare Dash page, one plotly map graph), "
            f"cold / warm | {floor_cold:.2f} s / {floor_warm:.2f} s "
            f"({bare['bytes_transfer'] / 1e3:,.0f} KB) | page ÷ floor, cold: "
            f"{ratios['cold']:.2f}× | ≤ 1.3×: {_verdict(ratios['cold'] <= 1.3)} |"
        )
    return rows


def ingest_rows(hotline: dict | None) -> list[str]:
    if hotline is None:
        return [f"| ingest of the 5M-row extract | {MISSING} | | ≥ 0.5× `read_csv` |"]
    rows = [
        f"| DuckDB `read_csv` of the {hotline['rows']:,}-row extract ({hotline['mb']:,} MB) | "
        f"{hotline['read_csv_s']:.1f} s | 1.00× | |"
    ]
    for run in hotline["runs"]:
        failed = "" if run["exit"] == 0 else f" (exit {run['exit']})"
        rows.append(
            f"| **ingest**, `cockpit refresh hotline`, {run['encoding']}{failed} | "
            f"{run['seconds']:.1f} s | **{run['vs_read_csv']:.2f}×** `read_csv`'s speed | "
            f"≥ 0.5×: {_verdict(run['vs_read_csv'] >= 0.5 and run['exit'] == 0)} |"
        )
    return rows


def spark_rows(spark: dict | None) -> list[str]:
    if spark is None:
        return [f"| the demo's refresh on Spark against DuckDB | {MISSING} | | |"]
    return [
        f"| the demo's refresh, DuckDB / Spark local | {spark['duckdb']['seconds']:.0f} s / "
        f"{spark['spark']['seconds']:.0f} s | Spark {spark['spark_vs_duckdb']:.2f}× | |"
    ]


def section() -> list[str]:
    stamps = [p.stat().st_mtime for p in RESULTS.glob("*.json")]
    ran = dt.datetime.fromtimestamp(max(stamps), dt.UTC) if stamps else None
    return [
        BEGIN,
        "## The last `make bench` run, against issue #11's targets",
        "",
        f"Written by `python -m bench.report` from `bench/results/` "
        f"({ran:%Y-%m-%d %H:%M} UTC). Machine: {machine()}. Command: `make bench`."
        if ran
        else "No results yet: run `make bench`.",
        "",
        "| measure | result | ratio in the same run | target |",
        "|---|---|---|---|",
        *refresh_rows(_read("city.json")),
        *interaction_rows(_read("city-interactions.md")),
        *load_rows(_read("load.json")),
        *capacity_rows(_read("load500.json")),
        *api_rows(_read("api-load.json")),
        *pull_rows(_read("pull.json")),
        *render_rows(_read("render.json")),
        *phone.rows(_read("phone.json"), MISSING, _verdict),
        *lighthouse.rows(_read("lighthouse.json"), MISSING, _verdict),
        *scene3d.rows(_read("scene3d.json"), MISSING, _verdict),
        *ingest_rows(_read("hotline.json")),
        *spark_rows(_read("spark-demo.json")),
        END,
    ]


def write(doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    block = "\n".join(section())
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:  # first run: after the introduction
        intro, rest = text.split("\n## ", 1)
        text = f"{intro}\n{block}\n\n## {rest}"
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write()
    print("\n".join(section()[1:-1]))
    sys.exit(0)
