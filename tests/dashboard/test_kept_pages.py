"""An area's page is kept whole in the answer cache, shared by every caller of one scope
and kind (``components/cockpit.area_page``); what is a request's own is filled in as it
is sent: who is signed in, the forms' CSRF token, and how fresh the data is at this
moment. (That two sessions' 督办 forms carry their own tokens is checked against a
served cockpit in ``tests/browser/test_linkage.py``.)"""

from __future__ import annotations

import datetime as dt
import re

from cockpit.store import accounts
from dashboard.drawing import fmt
from dashboard.reading import warehouse
from tests.helpers.cockpits import PASSWORD, STREET

PAGE = f"/street/{STREET}"


def _layout(visitor, site, path: str = PAGE, query: str = "") -> dict:
    answer = visitor.get(
        f"{site.url}/_dash-layout", headers={"Referer": f"{site.url}{path}{query}"}
    )
    assert answer.status_code == 200
    return answer.json()


def _find(node: object, wanted: str) -> dict | None:
    """The component with id ``wanted`` in component JSON."""
    if isinstance(node, list):
        return next((f for child in node if (f := _find(child, wanted))), None)
    if not isinstance(node, dict):
        return None
    props = node.get("props") or {}
    if props.get("id") == wanted:
        return node
    return _find(props.get("children"), wanted)


def _signed_in_as(layout: dict) -> str:
    found = _find(layout, "signed-in-as")
    assert found is not None, "the page says nobody is signed in"
    return found["props"]["children"]


def test_officials_of_one_scope_share_a_page_and_each_sees_their_own_name(site, people):
    settings = site.app.server.config[warehouse.SETTINGS_KEY]
    accounts.add_user(settings.app_db, "kept-page-second", "handler", STREET, PASSWORD)
    first = site.visitor(people["street"])
    second = site.visitor({"name": "kept-page-second", "password": PASSWORD})
    names = [_signed_in_as(_layout(who, site, query="?lang=en")) for who in (first, second)]
    assert names == ["test-street · handler", "kept-page-second · handler"], names
    # The HTML sent first says so too, each to its own reader.
    copies = [who.get(f"{site.url}{PAGE}?lang=en").text for who in (first, second)]
    copy_of = [text.split('id="react-entry-point"')[0] for text in copies]
    assert "test-street · handler" in copy_of[0] and "kept-page-second" not in copy_of[0]
    assert "kept-page-second · handler" in copy_of[1]
    assert "slot-signed-in" not in copies[1] and "csrf-slot" not in copies[1]


def test_how_fresh_the_data_is_follows_the_clock_on_a_kept_page(site, people, monkeypatch):
    official = site.visitor(people["street"])
    today = _layout(official, site, query="?lang=en")
    period_now = _find(today, "period-badge")["props"]["children"]
    # Two years on, with nothing published since: every source is overdue and the latest
    # period is two dozen months behind, though the page itself is the kept one.
    later = fmt.utc_now() + dt.timedelta(days=730)
    monkeypatch.setattr(fmt, "utc_now", lambda: later)
    then = _layout(official, site, query="?lang=en")
    freshness = _find(then, "freshness-badge")["props"]
    period_then = _find(then, "period-badge")["props"]["children"]
    assert "stale" in freshness["children"] and "stale" in freshness["className"]
    behind = int(re.search(r"(\d+) months behind", period_then).group(1))
    assert behind >= 24 and period_then != period_now
    # Everything else on the page is as it was.
    assert _signed_in_as(then) == _signed_in_as(today)
    assert _find(then, "period-select") == _find(today, "period-select")
