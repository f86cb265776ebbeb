"""Which area of the tree a boundary file's feature is: by code, or by name as people
write it (with or without 街道, 社区居委会, full-width characters, stray spaces), and,
for a name that matches none, the areas it may mean."""

from __future__ import annotations

import difflib
import re
import unicodedata

import geopandas as gpd
import pandas as pd
from pypinyin import lazy_pinyin

from pipelines.areas.boundary_report import ImportReport
from pipelines.ingest.sources.boundaries import CODE_PROPERTIES

NAME_PROPERTIES = ("name_zh", "name", "NAME", "名称", "社区名称", "街道名称", "园区名称", "Name")
# What an area's name may carry besides the name itself, by level, longest first. Only the
# level's own words are dropped: 石桥社区 is never 石桥街道.
_SUFFIXES = {
    "city": re.compile(r"市$"),
    "district": re.compile(r"区$"),
    "street": re.compile(r"(街道办事处|街道)$"),
    "community": re.compile(r"(社区居民委员会|社区居委会|居民委员会|居委会|社区)$"),
    "park": re.compile(r"园区$"),
}
_CODE = re.compile(r"\d{12}|\d{9}|\d{9}P\d{2}")


def name_key(name: object, level: str) -> str:
    """A name as matching sees it: full-width folded, no spaces, no word of its level."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = re.sub(r"\s+", "", text)
    return _SUFFIXES[level].sub("", text)


def _pick_field(frame: gpd.GeoDataFrame, wanted: str | None, known: tuple[str, ...]) -> str | None:
    if wanted:
        if wanted not in frame.columns:
            fields = ", ".join(c for c in frame.columns if c != "geometry")
            raise ValueError(f"no field {wanted!r} in the file; its fields: {fields}")
        return wanted
    return next((c for c in known if c in frame.columns), None)


def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text))


def did_you_mean(label: object, areas: pd.DataFrame, level: str, limit: int = 3) -> list[str]:
    """The areas of ``level`` a name that matched none may mean: close in characters (a
    typo, a character dropped) or in sound (the same pinyin, another character)."""
    key = name_key(label, level)
    if not key:
        return []
    keys = {name_key(n, level): f"{n} ({c})" for c, n in zip(areas["code"], areas["name_zh"],
                                                          strict=True)}  # fmt: skip
    close = difflib.get_close_matches(key, list(keys), n=limit, cutoff=0.5)
    sounds = {_pinyin(k): k for k in keys}
    close += [
        sounds[s]
        for s in difflib.get_close_matches(_pinyin(key), list(sounds), n=limit, cutoff=0.8)
        if sounds[s] not in close
    ]
    return [keys[k] for k in close[:limit]]


def match_areas(
    frame: gpd.GeoDataFrame,
    tree: pd.DataFrame,
    level: str,
    code_field: str | None,
    name_field: str | None,
    report: ImportReport,
) -> pd.Series:
    """Each feature's area code (None where it matches none), by code or by name."""
    areas = tree[tree["level"] == level]
    by_code = set(areas["code"])
    code_field = _pick_field(frame, code_field, CODE_PROPERTIES) if not name_field else None
    if code_field:

        def code_of(value: object) -> str | None:
            text = unicodedata.normalize("NFKC", str(value or "")).strip()
            text = re.sub(r"\.0+$", "", text)
            if not _CODE.fullmatch(text):
                return None
            code = text + "000" if len(text) == 9 else text
            return code if code in by_code else None

        labels = frame[code_field].astype(str)
        codes = frame[code_field].map(code_of)
    else:
        field = _pick_field(frame, name_field, NAME_PROPERTIES)
        if field is None:
            fields = ", ".join(c for c in frame.columns if c != "geometry")
            raise ValueError(
                f"no code or name field found: give --code-field or --name-field (fields: {fields})"
            )
        keys = areas.assign(key=areas["name_zh"].map(lambda n: name_key(n, level)))
        counts = keys["key"].value_counts()
        unique = keys[keys["key"].map(counts) == 1].set_index("key")["code"]
        shared = set(counts[counts > 1].index)
        labels = (
            frame[field]
            .astype(str)
            .map(
                lambda v: (
                    f"{v} (ambiguous: {level} areas share this name; join by --code-field)"
                    if name_key(v, level) in shared
                    else v
                )
            )
        )
        codes = frame[field].map(lambda v: unique.get(name_key(v, level)))
    names = dict(zip(tree["code"], tree["name_zh"], strict=True))
    codes = codes.astype(object).where(codes.notna(), None)
    for label, code in zip(labels, codes, strict=True):
        if code is None:
            guesses = did_you_mean(label, areas, level)
            hint = f" (did you mean {', '.join(guesses)}?)" if guesses else ""
            report.unmatched.append(f"{label}{hint}")
        else:
            report.matched.append(f"{label} → {names[code]} ({code})")
    report.missing = sorted(names[c] for c in by_code - set(codes.dropna()))
    return codes
