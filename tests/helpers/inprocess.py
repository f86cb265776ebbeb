"""The cockpit app in this process, spoken to through Flask's test client with the
surface of a ``requests`` session (get, post, request; answers with status_code, text,
content, headers, url and json), so that request-level checks (scope, bad requests,
exports, geometry, privacy) run in milliseconds against the real app and the real
warehouse, with no server and no browser."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import urlsplit

import orjson

from cockpit.settings import Settings
from tests.helpers.cockpits import csrf_token, environment_of

BASE = "http://localhost"


class Answer:
    """A test client's response, read as a ``requests.Response`` is."""

    def __init__(self, response) -> None:
        self._response = response
        self.status_code: int = response.status_code
        self.headers = response.headers
        self.content: bytes = response.get_data()
        request = getattr(response, "request", None)
        self.url = request.url if request is not None else BASE

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self):
        return orjson.loads(self.content)


class Visitor:
    """One browser's cookies against the app: a session of its own."""

    def __init__(self, app) -> None:
        self.client = app.server.test_client()

    def request(self, method: str, url: str, *, json=None, data=None, headers=None,
                allow_redirects: bool = True, timeout: float | None = None) -> Answer:  # fmt: skip
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        answer = self.client.open(path, method=method, json=json, data=data,
                                  headers=headers or {}, follow_redirects=allow_redirects)  # fmt: skip
        return Answer(answer)

    def get(self, url: str, **options) -> Answer:
        return self.request("GET", url, **options)

    def post(self, url: str, **options) -> Answer:
        return self.request("POST", url, **options)


class Site:
    """The demo cockpit's app, in this process."""

    url = BASE

    def __init__(self, app) -> None:
        self.app = app

    def visitor(self, person: dict | None = None) -> Visitor:
        """A new visitor, signed in as ``person`` (or through its kiosk token), or
        anonymous."""
        visitor = Visitor(self.app)
        if person is None:
            return visitor
        if "token" in person:
            answer = visitor.get(f"{BASE}/wall?token={person['token']}")
            assert answer.status_code == 200 and "token=" not in answer.url
            return visitor
        form = visitor.get(f"{BASE}/login").text
        answer = visitor.post(f"{BASE}/login", data={"csrf_token": csrf_token(form),
                              "name": person["name"], "password": person["password"]})  # fmt: skip
        assert answer.status_code == 200 and "/login" not in answer.url, answer.text[:300]
        return visitor


@contextlib.contextmanager
def app_for(settings: Settings) -> Iterator[Site]:
    """The cockpit app on ``settings``, as ``cockpit serve`` would make it from the same
    environment; the environment is put back afterwards."""
    from dashboard.reading import warehouse
    from dashboard.shell.app import create_app

    with environment_of(settings):
        warehouse._from_environment.cache_clear()
        try:
            yield Site(create_app(settings=settings))
        finally:
            warehouse._from_environment.cache_clear()
