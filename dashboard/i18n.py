"""UI strings: every one comes from a catalog, ``assets/i18n/<lang>.json``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
_CATALOG_DIR = Path(__file__).parent / "assets" / "i18n"


@cache
def catalog(lang: str) -> dict[str, str]:
    return json.loads((_CATALOG_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def pick_lang(value: object) -> str:
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, lang: str, **values: object) -> str:
    """The string for ``key`` in ``lang``; a missing key is a bug and raises KeyError."""
    text = catalog(pick_lang(lang))[key]
    return text.format(**values) if values else text


def name(row: object, lang: str, field: str = "name") -> str:
    """The ``name_zh`` / ``name_en`` (or other ``<field>_<lang>``) of a record."""
    getter = row.get if isinstance(row, dict) else row.__getitem__  # type: ignore[union-attr]
    return str(getter(f"{field}_{pick_lang(lang)}"))
