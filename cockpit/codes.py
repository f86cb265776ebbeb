"""Area codes, parsed strictly: the one place that says what a code may look like.

12 digits (统计用区划代码), or the 9-digit street form a person would type, or a park's own
code (a street's 9 digits, ``P`` and two digits). Anything else is refused, never padded
or cut into shape.
"""

from __future__ import annotations

import re

_FULL = re.compile(r"\d{12}")
_STREET = re.compile(r"\d{9}")
_PARK = re.compile(r"\d{9}P\d{2}")


class BadCode(ValueError):
    """Not an area code."""


def parse_code(text: object) -> str:
    """The 12-character code ``text`` names; raises ``BadCode`` for anything else."""
    if not isinstance(text, str):
        raise BadCode("an area code is text")
    if _FULL.fullmatch(text) or _PARK.fullmatch(text):
        return text
    if _STREET.fullmatch(text):
        return text + "000"
    raise BadCode("an area code has 12 digits, 9 for a street, or a park's 12 characters")
