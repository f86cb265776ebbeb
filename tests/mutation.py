"""``make mutation``: does the test suite notice when the roll-up engine or the extract
checks are wrong? Each mutant changes one thing in ``pipelines/layers/`` or
``pipelines/ingest/checks.py`` (``sum`` becomes ``avg``, ``>=`` becomes ``>``, a ``WHERE`` stops
filtering, ...); the fast non-browser tests run against it, and it is killed when one fails.

Hand-written rather than mutmut or cosmic-ray: most of the engine is SQL inside Python
strings, which those tools mutate only as whole strings (any change to a query string
breaks it, so every such mutant dies and says nothing). These operators change the SQL's
meaning while keeping it valid.

    python -m tests.mutation [--jobs 2] [--only engine.py] [--list]

Each job works in its own copy of the repository; the checkout is never changed. The
result is written into ``docs/testing.md`` between its mutation markers.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import io
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tokenize
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = sorted((REPO / "pipelines" / "layers").glob("*.py")) + [
    REPO / "pipelines/ingest/checks.py"
]
# The fast tests that exercise each file, quickest to fail first (-x stops at the first
# failure). Every file's list ends with the demo's whole published output.
_FIGURES = [
    "tests/pipelines/test_layer_engine.py",
    "tests/pipelines/test_suppression.py",
    "tests/pipelines/test_alerts.py",
    "tests/pipelines/test_rollup_property.py",
    "tests/pipelines/test_parks.py",
    "tests/pipelines/test_values_snapshot.py",
]
_SPECS = ["tests/pipelines/test_layers.py", *_FIGURES]
TESTS = {
    "checks.py": ["tests/pipelines/test_checks.py", *_FIGURES],
    "check.py": _SPECS,
    "spec.py": _SPECS,
    "portability.py": _SPECS,
    "scaffold.py": _SPECS,
}
REPORT = REPO / "docs" / "testing.md"
BEGIN, END = "<!-- mutation:begin -->", "<!-- mutation:end -->"
TIMEOUT_SECONDS = 900

# (name, pattern, replacement, where): each match is one mutant. "sql" operators apply in
# code and inside strings (the engine's SQL is in strings); "python" ones in code only, so
# that a "not" in an error message is not taken for the operator.
OPERATORS: list[tuple[str, str, str, str]] = [
    ("sum→avg", r"\bsum\(", "avg(", "sql"),
    ("max→min", r"\bmax\(", "min(", "sql"),
    ("min→max", r"\bmin\(", "max(", "sql"),
    (">=→>", r" >= ", " > ", "sql"),
    ("<=→<", r" <= ", " < ", "sql"),
    (">→>=", r" > ", " >= ", "sql"),
    ("<→<=", r" < ", " <= ", "sql"),
    ("==→!=", r" == ", " != ", "python"),
    ("!=→==", r" != ", " == ", "python"),
    ("<>→=", r" <> ", " = ", "sql"),
    ("AND→OR", r" AND ", " OR ", "sql"),
    ("drop WHERE", r"\bWHERE ", "WHERE true OR ", "sql"),
    ("DESC→ASC", r"\bDESC\b", "ASC", "sql"),
    ("drop not", r"\bnot ", "", "python"),
    ("drop NOT", r"\bNOT ", "", "sql"),
    # Not keyword arguments (strict=True, drop=True): those change how, not what.
    ("True→False", r"(?<!=)\bTrue\b", "False", "python"),
    ("False→True", r"(?<!=)\bFalse\b", "True", "python"),
]


@dataclass(frozen=True)
class Mutant:
    path: Path
    line: int
    operator: str
    start: int
    end: int
    replacement: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def _skipped_lines(source: str) -> set[int]:
    """Docstrings and comments: changing them changes nothing a test could see."""
    skipped: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                skipped.update(range(value.lineno, (value.end_lineno or value.lineno) + 1))
    for number, text in enumerate(source.splitlines(), 1):
        if text.strip().startswith(("#", "--")):
            skipped.add(number)
    return skipped


def _string_spans(source: str) -> list[tuple[int, int]]:
    """Where string literals (f-strings included) lie, as character offsets."""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spans = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_START", -1):
            (r1, c1), (r2, c2) = token.start, token.end
            spans.append((starts[r1 - 1] + c1, starts[r2 - 1] + c2))
    return spans


def mutants(path: Path) -> list[Mutant]:
    source = path.read_text(encoding="utf-8")
    skipped = _skipped_lines(source)
    strings = _string_spans(source)
    found = []
    for name, pattern, replacement, where in OPERATORS:
        for match in re.finditer(pattern, source):
            if where == "python" and any(a <= match.start() < b for a, b in strings):
                continue
            line = source.count("\n", 0, match.start()) + 1
            text = source.splitlines()[line - 1]
            # Past an inline comment, or inside a type hint's "not": not code either.
            column = match.start() - (source.rfind("\n", 0, match.start()) + 1)
            if line in skipped or "#" in text[:column]:
                continue
            found.append(Mutant(path, line, name, match.start(), match.end(), replacement))
    return found


def _copy_repo(into: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.split(b"\0")  # fmt: skip
    for name in filter(None, files):
        target = into / name.decode()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name.decode(), target)
    return into


def _run(copy: Path, mutant: Mutant) -> tuple[str, float]:
    """'killed', 'survived' or 'timeout' (a mutant that hangs the suite counts as caught)."""
    target = copy / mutant.path.relative_to(REPO)
    original = target.read_text(encoding="utf-8")
    target.write_text(
        original[: mutant.start] + mutant.replacement + original[mutant.end :], encoding="utf-8"
    )
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
             *TESTS.get(mutant.path.name, _FIGURES)],
            cwd=copy, capture_output=True, timeout=TIMEOUT_SECONDS,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )  # fmt: skip
        outcome = "survived" if result.returncode == 0 else "killed"
    except subprocess.TimeoutExpired:
        outcome = "timeout"
    finally:
        target.write_text(original, encoding="utf-8")
    return outcome, time.perf_counter() - started


def _report(results: list[tuple[Mutant, str]], seconds: float, jobs: int) -> str:
    by_file: dict[str, Counter] = {}
    for mutant, outcome in results:
        by_file.setdefault(str(mutant.path.relative_to(REPO)), Counter())[outcome] += 1
    lines = [
        BEGIN,
        f"Last run {dt.date.today():%Y-%m-%d}: `make mutation` ({len(results)} mutants, "
        f"{jobs} jobs, {seconds / 60:.0f} min on {os.cpu_count()} cores).",
        "",
        "| file | mutants | killed | survived | score |",
        "|---|---:|---:|---:|---:|",
    ]
    total = Counter()
    for name, counts in sorted(by_file.items()):
        total += counts
        n, dead = sum(counts.values()), counts["killed"] + counts["timeout"]
        lines.append(f"| `{name}` | {n} | {dead} | {counts['survived']} | {dead / n:.0%} |")
    n, dead = sum(total.values()), total["killed"] + total["timeout"]
    lines.append(f"| **all** | {n} | {dead} | {total['survived']} | **{dead / n:.0%}** |")
    survivors = [m for m, outcome in results if outcome == "survived"]
    if survivors:
        lines += ["", "Survivors:", ""]
        lines += [f"- `{m.where}` {m.operator}" for m in survivors]
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", help="mutate only these files (names, comma-separated)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    todo = [m for path in TARGETS for m in mutants(path) if only is None or path.name in only]
    if args.list:
        for m in todo:
            print(m.where, m.operator)
        print(f"{len(todo)} mutants")
        return 0
    work: queue.Queue[Mutant] = queue.Queue()
    for m in todo:
        work.put(m)
    results: list[tuple[Mutant, str]] = []
    lock = threading.Lock()
    started = time.perf_counter()

    def worker(copy: Path) -> None:
        while True:
            try:
                mutant = work.get_nowait()
            except queue.Empty:
                return
            outcome, seconds = _run(copy, mutant)
            with lock:
                results.append((mutant, outcome))
                print(f"[{len(results)}/{len(todo)}] {outcome:<8} {mutant.where} "
                      f"{mutant.operator} ({seconds:.0f} s)", flush=True)  # fmt: skip

    with tempfile.TemporaryDirectory() as scratch:
        copies = [_copy_repo(Path(scratch) / f"job{i}") for i in range(args.jobs)]
        threads = [threading.Thread(target=worker, args=(c,)) for c in copies]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    results.sort(key=lambda r: (str(r[0].path), r[0].line, r[0].operator))
    report = _report(results, time.perf_counter() - started, args.jobs)
    print(report)
    if not args.only:
        text = REPORT.read_text(encoding="utf-8")
        head, _, rest = text.partition(BEGIN)
        REPORT.write_text(head + report + rest.partition(END)[2], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
