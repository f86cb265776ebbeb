"""Speaking to a served cockpit as its browser does (and as a forger would): pages through
the pages router's callback or in the shell of a first load, callbacks by their declared
inputs, exports and geometry."""

from __future__ import annotations

import re

import requests

ROUTER = "_pages_content.children"


def _outputs(output: str) -> list[dict]:
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        out.append({"id": ident, "property": prop.split("@")[0]})
    return out if output.startswith("..") else out[0]


class Cockpit:
    def __init__(self, url: str, http: requests.Session) -> None:
        self.url, self.http = url, http
        deps = http.get(f"{url}/_dash-dependencies", timeout=30)
        self.deps = deps.json() if deps.status_code == 200 else []

    def spec(self, fragment: str, first_input: str | None = None) -> dict:
        for d in self.deps:
            if fragment in d["output"] and (
                first_input is None or d["inputs"][0]["id"] == first_input
            ):
                return d
        raise KeyError(fragment)

    def call(self, spec: dict, inputs: list, state: list = (), changed: int = 0):
        body = {
            "output": spec["output"],
            "outputs": _outputs(spec["output"]),
            "inputs": [{**ref, "value": v} for ref, v in zip(spec["inputs"], inputs, strict=True)],
            "state": [{**ref, "value": v} for ref, v in zip(spec["state"], state, strict=True)],
            "changedPropIds": [
                f"{spec['inputs'][changed]['id']}.{spec['inputs'][changed]['property']}"
            ],
        }
        return self.http.post(f"{self.url}/_dash-update-component", json=body, timeout=60)

    def page(self, path: str, search: str = "") -> requests.Response:
        """The content of a page, as the pages router renders it for this caller."""
        return self.call(self.spec(ROUTER), [path, search])

    def first_render(self, path: str) -> requests.Response:
        """The app's shell as the browser fetches it on opening ``path`` (which the
        Referer names), with that page rendered in it."""
        return self.http.get(
            f"{self.url}/_dash-layout", headers={"Referer": f"{self.url}{path}"}, timeout=60
        )

    def get(self, path: str) -> requests.Response:
        return self.http.get(f"{self.url}{path}", timeout=60, allow_redirects=False)


def geometry_urls(text: str) -> set[str]:
    return set(re.findall(r"/geo/[^\"'\s]+\.json", text))
