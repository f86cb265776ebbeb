"""Every refusal is in the audit log as its own kind, with the caller and the page the
request named; a forged page of another area is a refusal there, never a page view."""

from __future__ import annotations

from cockpit.store import audit
from tests.helpers.client import Cockpit

OTHER_STREET = "330103002000"


def _new_rows(db: str, before: int) -> list:
    return [e for e in audit.events(db, limit=100_000) if e.id > before]


def test_refusals_are_recorded_with_who_and_what_was_named(site, people):
    db = site.app.server.config["COCKPIT_SETTINGS"].app_db
    street = Cockpit(site.url, site.visitor(people["street"]))
    before = max((e.id for e in audit.events(db, limit=1)), default=0)

    assert street.page(f"/street/{OTHER_STREET}").status_code == 200  # the not-found page
    assert street.first_render(f"/street/{OTHER_STREET}").status_code == 200
    assert street.get(f"/export/cards.csv?area={OTHER_STREET}").status_code == 404
    assert street.http.post(f"{site.url}/tasks/new", data={"area_code": OTHER_STREET},
                            allow_redirects=False).status_code == 400  # fmt: skip
    malformed = street.http.post(f"{site.url}/_dash-update-component", json={"output": 1})
    assert malformed.status_code == 400

    rows = _new_rows(db, before)
    kinds = [(e.kind, e.actor) for e in rows]
    name = people["street"]["name"]
    assert kinds.count(("not_found", name)) == 3, kinds
    assert ("csrf_failed", name) in kinds and ("malformed", name) in kinds
    forged = [e for e in rows if e.kind == "not_found" and e.area == OTHER_STREET]
    assert len(forged) == 2 and all(f"/street/{OTHER_STREET}" in e.path for e in forged)
    # Never a view of the forged page.
    assert not [e for e in rows if e.kind == "page_view" and e.area == OTHER_STREET]


def test_a_page_of_ones_own_is_a_view(site, people):
    db = site.app.server.config["COCKPIT_SETTINGS"].app_db
    street = Cockpit(site.url, site.visitor(people["street"]))
    before = max((e.id for e in audit.events(db, limit=1)), default=0)
    code = people["street"]["scope"]
    assert street.page(f"/street/{code}").status_code == 200
    rows = _new_rows(db, before)
    assert [(e.kind, e.area) for e in rows if e.kind in ("page_view", "not_found")] == [
        ("page_view", code)
    ]
