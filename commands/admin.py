"""``cockpit users``, ``cockpit tokens`` and ``cockpit audit``: accounts, wall-screen
tokens and the audit log, from the command line. Every change is itself audited."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import secrets
import sys

from cockpit import store
from cockpit.codes import BadCode, parse_code
from cockpit.settings import Settings
from cockpit.store import accounts, audit
from cockpit.store.models import ROLES


def known_scope(settings: Settings, text: str) -> str:
    """The 12-character code of an area of the configured tree; raises AccountError."""
    from pipelines.areas.tree import load_tree

    try:
        code = parse_code(text)
    except BadCode as exc:
        raise accounts.AccountError(f"scope {text!r}: {exc}") from exc
    tree = load_tree(settings)
    if code in set(tree.areas["code"]):
        return code
    # A code from before a re-zoning names the area it became.
    former = tree.former()
    moved = former.loc[former["old_code"] == code, "new_code"]
    if not moved.empty:
        return str(moved.iloc[0])
    raise accounts.AccountError(f"scope {text!r}: no such area in the area tree")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise accounts.AccountError("the two passwords differ")
    return first


def _audit_change(settings: Settings, kind: str, detail: dict) -> None:
    audit.record(settings.app_db, kind, f"cli:{getpass.getuser()}", detail=detail)


def users(settings: Settings, args: argparse.Namespace) -> int:
    url = settings.app_db
    store.migrate(url)
    try:
        if args.users_command == "list":
            print(f"{'name':<20} {'role':<9} {'scope':<14} {'department':<12} identity")
            for u in accounts.list_users(url):
                scope = u.scope or "(none yet)"
                print(f"{u.name:<20} {u.role:<9} {scope:<14} {u.department or '':<12} "
                      f"{u.subject or ''}")  # fmt: skip
            return 0
        if args.users_command == "add":
            scope = known_scope(settings, args.scope)
            accounts.add_user(url, args.name, args.role, scope, _password(args), args.department)
            detail = {"action": "add", "user": args.name, "role": args.role, "scope": scope,
                      "department": args.department}  # fmt: skip
        elif args.users_command == "remove":
            accounts.remove_user(url, args.name)
            detail = {"action": "remove", "user": args.name}
        elif args.users_command == "set-password":
            accounts.change_user(url, args.name, password=_password(args))
            detail = {"action": "set-password", "user": args.name}
        elif args.users_command == "link":
            accounts.link_subject(url, args.name, args.subject)
            detail = {"action": "link", "user": args.name, "subject": args.subject}
        elif args.users_command == "set-scope":
            scope = known_scope(settings, args.scope)
            accounts.change_user(url, args.name, scope=scope)
            detail = {"action": "set-scope", "user": args.name, "scope": scope}
        else:
            accounts.change_user(url, args.name, role=args.role)
            detail = {"action": "set-role", "user": args.name, "role": args.role}
    except accounts.AccountError as exc:
        print(f"users: {exc}", file=sys.stderr)
        return 2
    _audit_change(settings, "user_change", detail)
    print(f"{detail['action']}: {args.name}")
    return 0


def tokens(settings: Settings, args: argparse.Namespace) -> int:
    url = settings.app_db
    store.migrate(url)
    try:
        if args.tokens_command == "list":
            print(
                f"{'id':>4} {'scope':<14} {'expires':<20} {'revoked':<20} {'last used':<20} label"
            )
            for k in accounts.list_tokens(url):
                print(
                    f"{k.id:>4} {k.scope:<14} {_when(k.expires):<20} {_when(k.revoked):<20} "
                    f"{_when(k.last_used):<20} {k.label or ''}"
                )
            return 0
        if args.tokens_command == "add":
            scope = known_scope(settings, args.scope)
            days = args.days if args.days is not None else settings.kiosk_token_days
            token = accounts.add_token(url, scope, days, args.label)
            _audit_change(settings, "token_change", {"action": "add", "scope": scope,
                                                     "days": days})  # fmt: skip
            print(f"kiosk token for {scope}; open any page within it as <path>?token=<token>")
            print(token)
            return 0
        token_row = accounts.revoke_token(url, args.id)
    except accounts.AccountError as exc:
        print(f"tokens: {exc}", file=sys.stderr)
        return 2
    _audit_change(settings, "token_change", {"action": "revoke", "token": token_row.id})
    print(f"revoked token {token_row.id}")
    return 0


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _since(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from exc


def show_audit(settings: Settings, args: argparse.Namespace) -> int:
    store.migrate(settings.app_db)
    if args.action == "verify":
        held, broken = audit.verify(settings.app_db)
        if broken:
            print(f"audit log: BROKEN after {held} row(s): {broken}", file=sys.stderr)
            return 1
        print(f"audit log: {held} row(s), the chain holds")
        return 0
    rows = audit.events(settings.app_db, args.user, args.since, args.kind, args.limit)
    for e in reversed(rows):
        where = " ".join(x for x in (e.area, e.path) if x)
        detail = "" if not e.detail else " " + ", ".join(f"{k}={v}" for k, v in e.detail.items())
        print(f"{e.at:%Y-%m-%d %H:%M:%S} {e.kind:<15} {e.actor or '-':<16} {where}{detail}")
    return 0


def demo_logins(settings: Settings) -> list[str]:
    """The demo's accounts, made (or given new passwords) by ``cockpit demo`` only: an
    administrator and a viewer of the top of the tree (the district, or the city), a
    district official where there is a city, a street and a community official, and a
    kiosk token for the top's wall. A deployment that never runs the demo has no
    account until an operator adds one, and so no default password."""
    from pipelines.areas.tree import load_area_tree

    url = settings.app_db
    store.migrate(url)
    tree = load_area_tree(settings)
    top = tree[tree["parent_code"].isna()].iloc[0]
    district = tree[tree["level"] == "district"].iloc[0]
    street = tree[(tree["level"] == "street") & (tree["parent_code"] == district["code"])]
    street = street.iloc[0]
    community = tree[(tree["level"] == "community") & (tree["parent_code"] == street["code"])]
    community = community.iloc[0]
    people = [("demo-admin", "admin", top), ("demo-district", "viewer", district)]
    if top["level"] == "city":
        people.insert(1, ("demo-city", "viewer", top))
    # The street and the community work the 督办 loop (handlers); the district official
    # reads; the administrator dispatches.
    people += [("demo-street", "handler", street), ("demo-community", "handler", community)]
    lines = ["Demo sign-ins (made by `cockpit demo`; never in a deployment):"]
    existing = {u.name for u in accounts.list_users(url)}
    for name, role, area in people:
        password = secrets.token_urlsafe(12)
        if name in existing:
            accounts.change_user(url, name, password=password, role=role, scope=area["code"])
        else:
            accounts.add_user(url, name, role, area["code"], password)
        lines.append(f"  {name:<15} {password:<18} {role:<8} {area['name_zh']} ({area['code']})")
    token = accounts.add_token(url, top["code"], 30, "demo wall")
    lines.append(f"  wall screen: http://{settings.host}:{settings.port}/wall?token={token}")
    _audit_change(settings, "user_change", {"action": "demo logins", "users": len(people)})
    out = settings.secret_key_file.parent / "demo-logins.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    lines.append(f"(also in {out}, readable by you only)")
    return lines


def add_parsers(sub: argparse._SubParsersAction) -> None:
    u = sub.add_parser("users", help="accounts: add, list, remove, set-password/scope/role")
    us = u.add_subparsers(dest="users_command", required=True)
    add = us.add_parser("add", help="a new user with a role and a scope (an area code)")
    add.add_argument("name")
    add.add_argument(
        "--role", required=True, choices=ROLES,
        help="viewer reads; handler (处置) also dispatches and works 督办 tasks; analyst and "
        "operator read; admin also reads the audit log and usage",
    )  # fmt: skip
    add.add_argument("--scope", required=True, metavar="CODE")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.add_argument(
        "--department", default=None, metavar="ID", help="a department's user: sees its usage"
    )
    us.add_parser("list", help="every user")
    rm = us.add_parser("remove", help="delete a user and end their sessions")
    rm.add_argument("name")
    pw = us.add_parser("set-password", help="a new password (ends the user's sessions)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    sc = us.add_parser("set-scope", help="another area")
    sc.add_argument("name")
    sc.add_argument("scope", metavar="CODE")
    ln = us.add_parser(
        "link", help="the user signs in at the unified identity service as SUBJECT (its sub)"
    )
    ln.add_argument("name")
    ln.add_argument("--subject", required=True, metavar="SUB")
    ro = us.add_parser("set-role", help="another role")
    ro.add_argument("name")
    ro.add_argument("role", choices=ROLES)
    u.set_defaults(run=users)

    t = sub.add_parser("tokens", help="wall-screen kiosk tokens: add, list, revoke")
    ts = t.add_subparsers(dest="tokens_command", required=True)
    tadd = ts.add_parser("add", help="a read-only token; prints it alone on its last line")
    tadd.add_argument("--scope", required=True, metavar="CODE")
    tadd.add_argument(
        "--days", type=int, default=None,
        help="expires after N days (default: kiosk_token_days in cockpit.toml, 180)",
    )  # fmt: skip
    tadd.add_argument("--label", default=None, help="where the screen hangs")
    ts.add_parser("list", help="every token (never the token itself)")
    rv = ts.add_parser("revoke", help="revoke a token and end its sessions at once")
    rv.add_argument("id", type=int)
    t.set_defaults(run=tokens)

    a = sub.add_parser("audit", help="the audit log, oldest first; `audit verify` checks it")
    a.add_argument("action", nargs="?", choices=("verify",),
                   help="verify: check that no row was changed or removed")  # fmt: skip
    a.add_argument("--user", default=None)
    a.add_argument("--since", type=_since, default=None, metavar="DATE")
    a.add_argument("--kind", default=None, choices=audit.KINDS)
    a.add_argument("--limit", type=int, default=1000)
    a.set_defaults(run=show_audit)
