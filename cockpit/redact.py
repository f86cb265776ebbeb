"""Secrets out of what is written down: a kiosk token travels in a URL once (``?token=``)
and must never be kept in clear, not in the audit log, the access log, an error or a
Referer. Every URL that is logged passes through ``without_secrets``."""

from __future__ import annotations

import re

# Query parameters whose values are secrets.
SECRET_PARAMS = ("token", "api_key", "apikey", "key", "password", "secret")
_SECRET = re.compile(r"(?i)(^|[?&;])(" + "|".join(SECRET_PARAMS) + r")=[^&;#\s]*")


def without_secrets(text: str | None) -> str | None:
    """``text`` (a path with its query, a request line, a Referer) with every secret
    parameter's value replaced by ``[redacted]``."""
    if not text:
        return text
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}=[redacted]", text)
