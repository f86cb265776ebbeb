"""Rejection reasons in the reader's language.

The pipeline writes every reason in one canonical form ("<column>: <what>[: <cell>]",
English, as `cockpit status` and the operators' guide show it). The catalog names the
check a rejected row failed ("社区: unknown area"); here that name is put into the page's
language. The kinds of reason are a closed set, those of ``pipelines/ingest/checks.py``,
``pipelines/ingest/validation.py`` and the boundaries source; a name outside it is shown as is.
"""

from __future__ import annotations

import re

from cockpit.levels import LEVELS
from dashboard.i18n import t

_FIXED = {
    "missing value": "reason.missing_value",
    "missing date": "reason.missing_date",
    "missing area": "reason.missing_area",
    "not a number": "reason.not_a_number",
    "negative count": "reason.negative_count",
    "not a whole number": "reason.not_a_whole_number",
    "not a date": "reason.not_a_date",
    "date in the future": "reason.future_date",
    "unknown area": "reason.unknown_area",
    "ambiguous area name": "reason.ambiguous_area",
    "duplicate of row": "reason.duplicate",
    "same key as row": "reason.same_key",
    "coordinates are not WGS84 longitude/latitude": "reason.not_wgs84",
}
# (pattern over the reason kind, catalog key): the groups fill the key's {0}, {1}, {2}.
_SHAPED = (
    (re.compile(r"below (.+)"), "reason.below"),
    (re.compile(r"above (.+)"), "reason.above"),
    (re.compile(r"not one of (.+)"), "reason.not_one_of"),
    (re.compile(r"area (.+) is a (\w+), expected (.+)"), "reason.wrong_level"),
    (re.compile(r"a (\w+), expected a polygon"), "reason.not_a_polygon"),
)


def check_name(name: str, lang: str) -> str:
    """``"<column>: <kind>"`` with the kind in ``lang``."""
    column, _, kind = name.partition(": ")
    if not kind:
        return name
    key = _FIXED.get(kind)
    if key:
        return f"{column}: {t(key, lang)}"
    for pattern, shaped in _SHAPED:
        found = pattern.fullmatch(kind)
        if found:
            parts = list(found.groups())
            if shaped == "reason.wrong_level":
                parts[1:] = [_levels(parts[1], lang), _levels(parts[2], lang)]
            return f"{column}: {t(shaped, lang).format(*parts)}"
    return name


def _levels(text: str, lang: str) -> str:
    """'street' or 'community/park' in ``lang``."""
    names = text.split("/")
    if not all(n in LEVELS for n in names):
        return text
    return "/".join(t(f"level.{n}", lang) for n in names)
