"""督办 is a permission of the role (docs/security.md): viewers and walls read tasks and
never create or work them; handlers work their own level's; a task names only an
indicator, a period and an area the warehouse publishes."""

from __future__ import annotations

import pytest

from cockpit.store import accounts
from tests.helpers.cockpits import PASSWORD, STREET, csrf_token

DISTRICT = "330103000000"


@pytest.fixture(scope="module")
def viewer(site, people):
    accounts.add_user(site.app.server.config["COCKPIT_SETTINGS"].app_db, "test-reader",
                      "viewer", DISTRICT, PASSWORD)  # fmt: skip
    return site.visitor({"name": "test-reader", "password": PASSWORD})


def _dispatch(visitor, site, **fields) -> int:
    token = csrf_token(visitor.get(f"{site.url}/login").text)
    form = {"csrf_token": token, "indicator_id": "hotline_closed_48h", "area_code": STREET,
            "period": "2019-12", "severity": "red", **fields}  # fmt: skip
    return visitor.post(f"{site.url}/tasks/new", data=form, allow_redirects=False).status_code


def test_a_viewer_reads_but_never_dispatches(site, viewer, people):
    assert viewer.get(f"{site.url}/tasks").status_code == 200
    assert _dispatch(viewer, site) == 403
    # Nor does its page offer the button, while an administrator's does.
    viewer_page = viewer.get(f"{site.url}/_dash-layout", headers={"Referer": f"{site.url}/"})
    admin = site.visitor(people["district"])
    admin_page = admin.get(f"{site.url}/_dash-layout", headers={"Referer": f"{site.url}/"})
    assert "dispatch-form" not in viewer_page.text and "dispatch-form" in admin_page.text


def test_a_handler_dispatches_only_what_the_warehouse_publishes(site, people):
    admin = site.visitor(people["district"])
    assert _dispatch(admin, site) == 303
    assert _dispatch(admin, site, period="0000-00") == 400
    assert _dispatch(admin, site, period="2031-01") == 400
    assert _dispatch(admin, site, indicator_id="no_such_indicator") == 400
    assert _dispatch(admin, site, area_code="330103099000") == 404


def test_dispatches_are_limited_per_person(demo, people, tmp_path):
    from tests.helpers.cockpits import copy_of_demo
    from tests.helpers.inprocess import app_for

    limited = copy_of_demo(demo, tmp_path).with_overrides(dispatch_rate_limit="3 per hour")
    with app_for(limited) as site:
        admin = site.visitor(people["district"])
        codes = [_dispatch(admin, site) for _ in range(5)]
        assert codes == [303, 303, 303, 429, 429]
        # Another person's dispatches are their own count.
        accounts.add_user(limited.app_db, "test-second-admin", "admin", DISTRICT, PASSWORD)
        second = site.visitor({"name": "test-second-admin", "password": PASSWORD})
        assert _dispatch(second, site) == 303
