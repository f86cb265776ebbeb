"""``cockpit apikeys``: keys for the systems that read the cockpit's data through
``/api/v1`` (docs/api.md). Every change is audited."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys

from cockpit import store
from cockpit.settings import Settings
from cockpit.store import accounts, apikeys, audit
from commands.admin import known_scope


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "-"


def _run(settings: Settings, args: argparse.Namespace) -> int:
    url = settings.app_db
    store.migrate(url)
    actor = f"cli:{getpass.getuser()}"
    try:
        if args.apikeys_command == "list":
            print(f"{'id':>4} {'consumer':<24} {'scope':<14} {'expires':<17} {'revoked':<17} "
                  f"{'last used':<17} indicators")  # fmt: skip
            for k in apikeys.list_api_keys(url):
                print(
                    f"{k.id:>4} {k.consumer:<24} {k.scope:<14} {_when(k.expires):<17} "
                    f"{_when(k.revoked):<17} {_when(k.last_used):<17} {k.indicators or 'all'}"
                )
            return 0
        if args.apikeys_command == "add":
            scope = known_scope(settings, args.scope)
            chosen = [i.strip() for i in (args.indicators or "").split(",") if i.strip()]
            key = apikeys.add_api_key(url, args.consumer, scope, chosen or None, args.days)
            audit.record(url, "apikey_change", actor, detail={
                "action": "add", "consumer": args.consumer, "scope": scope,
                "indicators": chosen or "all", "days": args.days})  # fmt: skip
            print(f"API key for {args.consumer}, reading {scope} and below; send it as "
                  "Authorization: Bearer <key>")  # fmt: skip
            print(key)
            return 0
        row = apikeys.revoke_api_key(url, args.id)
    except accounts.AccountError as exc:
        print(f"apikeys: {exc}", file=sys.stderr)
        return 2
    audit.record(url, "apikey_change", actor, detail={"action": "revoke", "key": row.id})
    print(f"revoked API key {row.id} ({row.consumer})")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("apikeys", help="API keys of consuming systems: add, list, revoke")
    ks = keys.add_subparsers(dest="apikeys_command", required=True)
    add = ks.add_parser("add", help="a read-only key; prints it alone on its last line")
    add.add_argument("--consumer", required=True, help="the system that uses it, by name")
    add.add_argument("--scope", required=True, help="area code: it reads this and below")
    add.add_argument("--indicators", help="only these indicator ids, comma-separated")
    add.add_argument("--days", type=int, help="expires after N days (default: never)")
    ks.add_parser("list", help="every key (never the key itself)")
    rv = ks.add_parser("revoke", help="revoke a key at once")
    rv.add_argument("id", type=int)
    keys.set_defaults(run=_run)
