"""``cockpit tasks list|show|escalate``: the 督办 tasks, for operators."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from cockpit.settings import Settings


def _list(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from cockpit.store import migrate, session
    from cockpit.store.models import Task

    migrate(settings.app_db)
    query = select(Task).order_by(Task.id)
    if args.state:
        query = query.where(Task.state == args.state)
    if args.area:
        query = query.where(Task.area_code == args.area)
    with session(settings.app_db) as s:
        tasks = list(s.scalars(query))
    print(f"{'id':>5} {'state':<10} {'area':<13} {'indicator':<30} {'period':<7} due")
    for t in tasks:
        late = " OVERDUE" if t.escalated_to else ""
        print(
            f"{t.id:>5} {t.state:<10} {t.area_code:<13} {t.indicator_id:<30} {t.period:<7} "
            f"{t.due:%Y-%m-%d}{late}"
        )
    return 0


def _show(settings: Settings, args: argparse.Namespace) -> int:
    from cockpit.store import migrate, session
    from cockpit.store.models import Task
    from cockpit.tasks.store import history

    migrate(settings.app_db)
    with session(settings.app_db) as s:
        task = s.get(Task, args.id)
    if task is None:
        print(f"no task {args.id}", file=sys.stderr)
        return 1
    print(f"task {task.id}: {task.indicator_id} in {task.area_code}, {task.period}, "
          f"{task.severity}, {task.state}, due {task.due:%Y-%m-%d}"
          + (f", escalated to {task.escalated_to}" if task.escalated_to else "")
          + (f", sub-task of {task.parent_id}" if task.parent_id else ""))  # fmt: skip
    for e in history(settings.app_db, task.id):
        print(f"  {e.at:%Y-%m-%d %H:%M} {e.actor:<16} {e.action:<9} "
              f"{e.from_state or '-':>10} → {e.to_state:<10} {e.note or ''}")  # fmt: skip
    return 0


def _escalate(settings: Settings, args: argparse.Namespace) -> int:
    from pipelines.publish.linkage import close_the_loop

    now = dt.datetime.fromisoformat(args.now) if args.now else None
    for line in close_the_loop(settings, now):
        print(line)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    tasks = sub.add_parser("tasks", help="督办 tasks: list, show, escalate")
    tasks_sub = tasks.add_subparsers(dest="tasks_command", required=True)
    listing = tasks_sub.add_parser("list", help="every task, oldest first")
    listing.add_argument("--state", help="only tasks in this state")
    listing.add_argument("--area", help="only tasks of this area code")
    listing.set_defaults(run=_list)
    show = tasks_sub.add_parser("show", help="a task and its whole history")
    show.add_argument("id", type=int)
    show.set_defaults(run=_show)
    escalate = tasks_sub.add_parser(
        "escalate", help="verify done tasks against the served data and escalate overdue ones"
    )
    escalate.add_argument("--now", help="the time to judge due dates by (ISO, UTC)")
    escalate.set_defaults(run=_escalate)
