"""Locust users for ``bench.load``: laptops drilling down and switching indicators, and wall
screens stepping through their playlist and polling for new data.

Both replay the Dash callbacks a real headless Chromium sent for the same views
(``bench.load`` records them into ``COCKPIT_LOAD_RECORDING``), under a session of their own
opened with a kiosk token (``COCKPIT_LOAD_TOKEN``), as a wall screen signs in.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

RECORDING = json.loads(Path(os.environ["COCKPIT_LOAD_RECORDING"]).read_text(encoding="utf-8"))
TOKEN = os.environ["COCKPIT_LOAD_TOKEN"]
_CALLBACK = "/_dash-update-component"


def _replay(user: FastHttpUser, view: dict) -> None:
    """A view as the browser asked for it: the page (none for a change within a page),
    then the layout (rendering the page it names) and the callbacks, in the order sent."""
    if view["path"]:
        user.client.get(view["path"], name=f"page {view['kind']}")
    for call in view["callbacks"]:
        if call["body"] is None:
            user.client.get(
                "/_dash-layout", headers={"Referer": f"{user.host}{call['opened']}"},
                name=f"layout {view['kind']}",
            )  # fmt: skip
            continue
        user.client.post(
            _CALLBACK, data=call["body"], headers={"Content-Type": "application/json"},
            name=f"callback {call['name']}",
        )  # fmt: skip


class Laptop(FastHttpUser):
    """An official at a laptop: opens an area's cockpit, then switches its indicator."""

    weight = 4
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.get(f"/?token={TOKEN}", name="sign in (kiosk token)")

    @task(3)
    def open_area(self) -> None:
        _replay(self, random.choice(RECORDING["pages"]))

    @task(2)
    def switch_indicator(self) -> None:
        _replay(self, random.choice(RECORDING["switches"]))


class WallScreen(FastHttpUser):
    """A wall screen: its playlist steps, and it asks whether a refresh published."""

    weight = 1
    wait_time = constant(5)

    def on_start(self) -> None:
        self.client.get(f"/wall?token={TOKEN}", name="sign in (kiosk token)")

    @task
    def step(self) -> None:
        _replay(self, random.choice(RECORDING["wall"]))
