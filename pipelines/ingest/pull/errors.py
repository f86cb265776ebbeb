"""What a failed pull says: the source and the cause, in one line, with every secret
(a database URL or its password, a token, an app secret) taken out."""

from __future__ import annotations

import re

# SQLAlchemy's link to its error page, and the statement it echoes.
_NOISE = re.compile(r"\s*\((Background on this error at|SQL:)[^)]*\)?.*$", re.S)


class PullError(Exception):
    """A pull that failed: the message names the source and the cause, never a secret."""


def scrubbed(text: str, secrets: list[str]) -> str:
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    return text


def described(source: str, exc: BaseException, secrets: list[str]) -> str:
    """``exc`` as one line: its first line, without SQLAlchemy's trailers or secrets."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    text = _NOISE.sub("", text)
    return f"{source}: {scrubbed(text, secrets)}"
