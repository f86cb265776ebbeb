"""What access control costs per request: resuming the session from the application
database and finding the caller's scope (the set of areas it may read), alone and as the
whole gate a signed-in request passes (Flask-Login, our before_request), against a request
that passes none of it (an anonymous health check), in the same process."""

from __future__ import annotations

import datetime as dt
import statistics

from bench.timing import percentile, sample


def access_rows(label: str, street: str) -> list[str]:
    import flask

    from cockpit.store import accounts, sessions
    from dashboard.access import auth, scope
    from dashboard.reading import warehouse
    from dashboard.shell.app import create_app

    app = create_app()
    url = warehouse.settings().app_db
    name = "bench-street"
    if name not in {u.name for u in accounts.list_users(url)}:
        accounts.add_user(url, name, "viewer", street, "bench password, not secret")
    user = accounts.get_user(url, name)
    session_id = sessions.start_session(url, user_id=user.id)
    idle = dt.timedelta(minutes=30)
    client = app.server.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = session_id
        cookie["_fresh"] = False

    def check() -> object:
        # Per request: the session row, the principal, the scope's area set, one area test.
        with app.server.test_request_context("/"):
            flask.g.principal = sessions.resume(url, session_id, idle)
            return scope.can_see(street) and len(scope.visible())

    def gate() -> object:
        # The whole gate of a signed-in request, through Flask-Login and our before_request.
        with app.server.test_request_context("/api/health", headers=_cookie(client)):
            app.server.preprocess_request()
            return auth.principal()

    def anonymous_health() -> object:
        return app.server.test_client().get("/api/health").status_code

    assert gate() is not None, "the gate's benchmark runs signed in"
    assert check(), "the scope check's benchmark sees its street"
    rows, p95 = [], {}
    runs = {
        "scope check (session, principal, visible areas)": (check, 2000),
        "whole sign-in gate of a request": (gate, 1000),
        "anonymous /api/health (no session, no scope)": (anonymous_health, 500),
    }
    for what, (fn, repeat) in runs.items():
        samples = sample(fn, repeat)
        p95[what] = percentile(samples, 95)
        rows.append(
            f"| {label}: {what} | {statistics.median(samples):.2f} / {p95[what]:.2f} ms | |"
        )
    gate_p95 = p95["whole sign-in gate of a request"]
    rows.append(f"| {label}: the gate's p95 against the 2 ms target | {gate_p95 / 2:.2f}× | |")
    rows.append(
        f"| {label}: the gate ÷ a whole anonymous request, p95 | "
        f"{gate_p95 / p95['anonymous /api/health (no session, no scope)']:.2f}× | |"
    )
    return rows


def _cookie(client) -> dict[str, str]:
    cookie = client.get_cookie("session")
    return {"Cookie": f"session={cookie.value}"} if cookie else {}


if __name__ == "__main__":
    import os
    import tempfile
    from pathlib import Path

    # A street's scope on the demo: `python -m bench.access` after `make demo refresh`.
    os.environ.setdefault("COCKPIT_APP_DB", f"sqlite:///{Path(tempfile.mkdtemp()) / 'app.db'}")
    for line in access_rows("demo", "330103008000"):
        print(line)
