"""gunicorn's logs for ``cockpit serve``, without secrets: a wall screen opens its first
page as ``/wall?token=…``, and the request line, the query and the Referer are written
with the token's value redacted (``cockpit.redact``).

``log_format = "json"`` writes one JSON object a line instead (python-json-logger), for
the intranet's log collectors: the access log with each request's fields, gunicorn's own
messages, and the cockpit's."""

from __future__ import annotations

import logging

from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter

from cockpit.redact import without_secrets

_REDACTED = ("r", "q", "f", "{referer}i", "{query_string}e", "{raw_uri}e", "{request_uri}e")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001 - gunicorn's API
        atoms = super().atoms(resp, req, environ, request_time)
        for key in _REDACTED:
            if isinstance(atoms.get(key), str):
                atoms[key] = without_secrets(atoms[key])
        return atoms


def json_formatter() -> JsonFormatter:
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}", style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )  # fmt: skip


class JsonLogger(RedactingLogger):
    def setup(self, cfg) -> None:  # noqa: ANN001 - gunicorn's API
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(json_formatter())
        # The cockpit's own messages (and its libraries'), in the same form.
        root = logging.getLogger()
        if not any(getattr(h, "_cockpit_json", False) for h in root.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(json_formatter())
            handler._cockpit_json = True  # type: ignore[attr-defined]
            root.addHandler(handler)
            root.setLevel(logging.INFO)

    def access(self, resp, req, environ, request_time) -> None:  # noqa: ANN001 - gunicorn's API
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        fields = {
            "remote": atoms["h"], "method": atoms["m"], "path": atoms["U"],
            "query": atoms["q"] or None, "status": int(atoms["s"]), "bytes": atoms["B"],
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "referer": atoms["f"] if atoms["f"] != "-" else None, "user_agent": atoms["a"],
        }  # fmt: skip
        self.access_log.info("request", extra=fields)
