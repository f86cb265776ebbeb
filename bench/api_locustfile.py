"""Locust users for ``bench.api_load``: consuming systems reading ``/api/v1`` with their
own keys, an indicator's values for an area (the area alone, or its areas a level down)
and the alerts, with a short pause between calls."""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

PLAN = json.loads(os.environ["COCKPIT_API_PLAN"])


class Consumer(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.key = random.choice(PLAN["keys"])
        self.client.headers["Authorization"] = f"Bearer {self.key['key']}"

    @task(4)
    def values(self) -> None:
        indicator = random.choice(PLAN["indicators"])
        area = random.choice(self.key["areas"])
        self.client.get(
            f"/api/v1/indicators/{indicator}/values?area={area}&from=2019-01",
            name="values of an area",
        )

    @task(2)
    def values_below(self) -> None:
        indicator = random.choice(PLAN["indicators"])
        self.client.get(
            f"/api/v1/indicators/{indicator}/values?area={self.key['scope']}"
            f"&level={self.key['below']}&from=2019-12",
            name="values of the areas a level down",
        )

    @task(1)
    def alerts(self) -> None:
        self.client.get(f"/api/v1/alerts?area={self.key['scope']}", name="alerts")
