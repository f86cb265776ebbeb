"""``cockpit sources list`` and ``cockpit sources test NAME``: how each department source
arrives (a file in the inbox, a database query, an interface), and a dry run of one."""

from __future__ import annotations

import argparse
import sys

from cockpit.settings import Settings


def _list(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines.publish.pulls import arrivals

    print(f"{'source':<19} {'how':<5} {'schedule':<12} {'last delivery (UTC)':<20} status")
    for row in arrivals(settings):
        last = f"{row['last_success']:%Y-%m-%d %H:%M}" if row["last_success"] else "-"
        print(
            f"{row['source']:<19} {row['how']:<5} {row['schedule']:<12} {last:<20} "
            f"{row['last_status'] or '-'}"
        )
        if row["last_pull"] is not None:
            print(
                f"    last pull {row['last_pull']:%Y-%m-%d %H:%M}: {row['last_pull_rows']:,} rows"
            )
        if row["last_status"] == "failed" and row["last_message"]:
            print(f"    {row['last_message']}")
    return 0


def _test(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines.ingest.extract import ExtractError
    from pipelines.ingest.sources import SOURCES
    from pipelines.publish.pulls import PullError, try_source

    if args.name not in SOURCES:
        print(
            f"sources test: no source {args.name!r}; known: {', '.join(SOURCES)}", file=sys.stderr
        )
        return 2
    try:
        trial = try_source(settings, args.name, args.rows)
    except (PullError, ExtractError) as exc:
        print(f"sources test {args.name}: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"{trial.source} ({trial.how}): {trial.file}, nothing loaded")
    print("  columns: " + ", ".join(f"{k} ← {v}" for k, v in trial.mapping.items()))
    months = ", ".join(trial.periods[:6]) + (" …" if len(trial.periods) > 6 else "")
    print(f"  would load {trial.rows_in - trial.rows_rejected:,} of {trial.rows_in:,} rows"
          f" ({months or 'no month'})")  # fmt: skip
    print(f"  would reject {trial.rows_rejected:,}")
    for row, reasons in trial.rejected:
        print(f"    row {row}: {'; '.join(reasons)}")
    for note in trial.notes:
        print(f"  note: {note}")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    sources = sub.add_parser("sources", help="department sources: how they arrive, dry runs")
    sources_sub = sources.add_subparsers(dest="sources_command", required=True)
    sources_sub.add_parser(
        "list", help="every source, how it arrives, its schedule and last delivery"
    ).set_defaults(run=_list)
    test = sources_sub.add_parser(
        "test", help="connect, pull a sample, run the checks; changes nothing"
    )
    test.add_argument("name")
    test.add_argument("--rows", type=int, default=1_000, help="rows to sample (default 1000)")
    test.set_defaults(run=_test)
