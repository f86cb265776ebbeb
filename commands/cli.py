"""The ``cockpit`` command: starts either side, the pipelines or the dashboard."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence

from cockpit.settings import Settings, SettingsError, load_settings
from commands.admin import add_parsers as add_admin_parsers
from commands.apikeys import add_parsers as add_apikey_parsers
from commands.areas import add_parsers as add_area_parsers
from commands.backup import add_parsers as add_backup_parsers
from commands.doctor import add_parsers as add_doctor_parsers
from commands.services import add_parsers as add_service_parsers
from commands.sources import add_parsers as add_source_parsers
from commands.tasks import add_parsers as add_task_parsers


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from commands.admin import demo_logins
    from pipelines.demo import write_demo

    for path in write_demo(settings):
        print(f"wrote {path}")
    for line in demo_logins(settings):
        print(line)
    return 0


def _refresh(settings: Settings, args: argparse.Namespace) -> int:
    from commands.after_publish import after_publish, audit
    from pipelines.layers.engine import ConsistencyError
    from pipelines.publish.refresh import run_refresh
    from pipelines.warehouse import RefreshBusy

    def warn(line: str) -> None:
        print(line, file=sys.stderr)

    try:
        report = run_refresh(settings, args.sources or None, engine=args.engine)
    except (ValueError, RefreshBusy, ConsistencyError) as exc:
        warn(f"refresh failed, nothing published: {exc}")
        audit(settings, "failed", {"error": str(exc)[:500]}, warn)
        return 1
    for source in report.failed_sources:
        warn(f"source {source} FAILED")
    print(f"published {report.published}")
    outcome = {"published": str(report.published), "failed": report.failed_sources}
    after_publish(settings, "ok" if report.ok else "partial", outcome, print, warn)
    return 0 if report.ok else 1


def _status(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines.publish.status import print_status

    return print_status(settings)


def _schedule(settings: Settings, args: argparse.Namespace) -> int:
    from commands.schedule import run_schedule

    run_schedule(settings)
    return 0


def _layers(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines.layers.check import check_layers

    good, errors = check_layers(settings.layers)
    for error in errors:
        print(f"FAIL {error}", file=sys.stderr)
    tests = sum(len(layer.spec.tests) for layer in good)
    print(f"{len(good)} layer(s) ok ({tests} test(s) passed), {len(errors)} problem(s)")
    return 1 if errors else 0


def _layers_new(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines.layers.scaffold import ScaffoldError, new_layer

    try:
        paths = new_layer(settings.layers, args.name, args.source, args.department)
    except ScaffoldError as exc:
        print(f"layers new: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"wrote {path}")
    print("edit both files, then run: cockpit layers check")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    if args.dev:
        from dashboard.shell.app import create_app

        create_app().run(host=settings.host, port=settings.port, debug=False)
        return 0
    from cockpit import store

    store.migrate(settings.app_db)
    bind = f"{settings.host}:{settings.port}"
    # Each worker counts requests into its own files here; /metrics sums them. A new
    # server starts from zero, as Prometheus expects of a restarted process.
    settings.metrics_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Only prometheus-client's own files: a folder shared with anything else loses nothing.
    for counts in settings.metrics_dir.glob("*.db"):
        counts.unlink(missing_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(settings.metrics_dir)
    logger = "JsonLogger" if settings.log_format == "json" else "RedactingLogger"
    argv = [
        "gunicorn",
        "--config", "python:commands.gunicorn_conf",
        "--bind", bind,
        "--workers", str(settings.workers),
        "--access-logfile", "-",
        # Kiosk tokens in URLs are written redacted (commands/serve_logging.py).
        "--logger-class", f"commands.serve_logging.{logger}",
        "--timeout", "60",
        "dashboard.wsgi:server",
    ]  # fmt: skip
    said = f"serving the cockpit on http://{bind}/"
    if settings.log_format == "json":
        said = json.dumps({"level": "INFO", "logger": "cockpit", "message": said})
    print(said, flush=True)
    os.execvp(sys.executable, [sys.executable, "-m", *argv])
    return 0  # not reached


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cockpit", description="City-brain digital cockpit")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "demo", help="write synthetic extracts for the area tree in force into the inbox"
    ).set_defaults(run=_demo)
    refresh = sub.add_parser("refresh", help="load, validate, materialise and publish")
    refresh.add_argument("sources", nargs="*", metavar="SOURCE", help="only these sources")
    refresh.add_argument(
        "--engine", choices=("duckdb", "spark"), default="duckdb",
        help="what computes the layers: DuckDB here, or Apache Spark (spark_master)",
    )  # fmt: skip
    refresh.set_defaults(run=_refresh)
    sub.add_parser("status", help="sources, last run, freshness, rows, rejects").set_defaults(
        run=_status
    )
    layers = sub.add_parser("layers", help="indicator layers")
    layers_sub = layers.add_subparsers(dest="layers_command", required=True)
    layers_sub.add_parser("check", help="validate every layer and run its tests").set_defaults(
        run=_layers
    )
    new = layers_sub.add_parser("new", help="scaffold <domain>/<id>.yml and .sql with a test")
    new.add_argument("name", metavar="DOMAIN/ID", help="e.g. governance/hotline_repeat_calls")
    new.add_argument("--source", default="stg.hotline_ticket", help="the staging table it reads")
    new.add_argument("--department", default="hotline", help="the owner department's id")
    new.set_defaults(run=_layers_new)
    sub.add_parser(
        "schedule", help="refresh each source on its own cron cadence, until stopped"
    ).set_defaults(run=_schedule)
    add_admin_parsers(sub)
    add_area_parsers(sub)
    add_task_parsers(sub)
    add_source_parsers(sub)
    add_apikey_parsers(sub)
    add_backup_parsers(sub)
    add_doctor_parsers(sub)
    add_service_parsers(sub)
    serve = sub.add_parser("serve", help="serve the cockpit web app")
    serve.add_argument("--dev", action="store_true", help="single-process development server")
    serve.set_defaults(run=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The console command: ``run`` in a process of its own."""
    # Output piped into `head` ends quietly, as Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return run(argv)


def run(argv: Sequence[str] | None = None) -> int:
    """One command, its arguments parsed, against the settings of the environment."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"settings: {exc}", file=sys.stderr)
        return 2
    return args.run(settings, args)


if __name__ == "__main__":
    sys.exit(main())
