"""A DingTalk-style group robot on 127.0.0.1, for the notification tests: it keeps what
it is sent and answers with the status codes it is told to."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SECRET = "SEC-test-only-0123456789abcdef"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        self.server.arrived.set()
        self.server.hold.wait(timeout=60)  # a slow robot: answers once let go
        self.server.received.append((query, body))
        status = self.server.answers.pop(0) if self.server.answers else 200
        payload = json.dumps({"errcode": 0 if status == 200 else 1, "errmsg": "ok"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_args) -> None:
        pass


class Receiver(ThreadingHTTPServer):
    """A group robot on 127.0.0.1: keeps what it is sent, answers as told."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[tuple[dict, dict]] = []
        self.answers: list[int] = []  # status codes to give first, then 200
        self.hold = threading.Event()  # cleared: every answer waits until it is set
        self.hold.set()
        self.arrived = threading.Event()  # set when a message first reaches it
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/robot/send?access_token=test"


def valid_signature(query: dict) -> bool:
    wanted = hmac.new(SECRET.encode(), f"{query['timestamp']}\n{SECRET}".encode(),
                      hashlib.sha256).digest()  # fmt: skip
    return query["sign"] == base64.b64encode(wanted).decode()
