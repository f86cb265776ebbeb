"""The same refresh on DuckDB and on Spark (local mode), on the demo's extracts or a city
built by ``bench.city_scale --keep``: wall time of ``cockpit refresh`` from an empty
warehouse with each engine, in the same run.

    .venv/bin/python -m bench.spark [--city ROOT]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from bench.city_scale import RESULTS, _env, _run


def _fresh(source_inbox: Path, root: Path) -> dict[str, str]:
    shutil.copytree(source_inbox, root / "inbox")
    return _env(root)


def measure(inbox: Path | None) -> dict:
    cockpit = [sys.executable, "-m", "commands.cli", "refresh"]
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        if inbox is None:
            env = _env(base / "demo")
            _run([sys.executable, "-m", "commands.cli", "demo"], env)
            inbox = base / "demo" / "inbox"
        for engine in ("duckdb", "spark"):
            env = _fresh(inbox, base / engine)
            seconds, mb, log = _run([*cockpit, "--engine", engine], env)
            said = [x for x in log.splitlines() if x.startswith(("spark", "layers"))]
            out[engine] = {"seconds": round(seconds, 1), "peak_mb": round(mb), "log": said}
    out["spark_vs_duckdb"] = round(out["spark"]["seconds"] / out["duckdb"]["seconds"], 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", type=Path, help="a city built by bench.city_scale --keep")
    args = parser.parse_args()
    # A kept city's extracts were archived by its refreshes: the archive is its inbox.
    result = measure(args.city / "archive" if args.city else None)
    RESULTS.mkdir(exist_ok=True)
    label = "city" if args.city else "demo"
    (RESULTS / f"spark-{label}.json").write_text(json.dumps(result, indent=2))
    for engine in ("duckdb", "spark"):
        r = result[engine]
        ratio = "1.00×" if engine == "duckdb" else f"{result['spark_vs_duckdb']:.2f}×"
        print(f"| {label}: `cockpit refresh --engine {engine}` from empty | {r['seconds']:.0f} s "
              f"| {ratio} | {r['peak_mb']:,} MB |")  # fmt: skip


if __name__ == "__main__":
    main()
