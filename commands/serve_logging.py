"""gunicorn's access log for ``cockpit serve``, without secrets: a wall screen opens its
first page as ``/wall?token=…``, and the request line, the query and the Referer are
written with the token's value redacted (``cockpit.redact``)."""

from __future__ import annotations

from gunicorn.glogging import Logger

from cockpit.redact import without_secrets

_REDACTED = ("r", "q", "f", "{referer}i", "{query_string}e", "{raw_uri}e", "{request_uri}e")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001 - gunicorn's API
        atoms = super().atoms(resp, req, environ, request_time)
        for key in _REDACTED:
            if isinstance(atoms.get(key), str):
                atoms[key] = without_secrets(atoms[key])
        return atoms
