"""What ``cockpit doctor`` finds: one line per check, ok, a warning, or a failure with
what to do about it."""

from __future__ import annotations

from dataclasses import dataclass

OK, WARN, FAIL = "ok", "warn", "FAIL"


@dataclass(frozen=True)
class Finding:
    status: str
    check: str
    message: str
    fix: str = ""
