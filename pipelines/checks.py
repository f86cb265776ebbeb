"""Cell checks as SQL, so that a 5-million-row extract is validated inside DuckDB.

A check runs in stages, each a column computed once from the stage before:

1. ``prep``: the cell as folded text (full-width to ASCII, trimmed);
2. ``parts``: pieces pulled out by regex (dates only);
3. ``value``: the parsed value, NULL when unusable;
4. ``reason``: NULL, or a short reason naming what is wrong with the cell.

Only identifiers are spliced into SQL (quoted with ``quote``); every value is a named
parameter, from ``base_params`` or the field's own (``$<field>_min`` and so on).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Full-width ASCII (what Chinese input methods type) and the ideographic space, folded.
_FULL_WIDTH = "".join(chr(0xFF01 + i) for i in range(94)) + "\u3000"
_HALF_WIDTH = "".join(chr(0x21 + i) for i in range(94)) + " "
MISSING = ["", "nan", "none", "null", "na", "n/a", "-", "—", "/", "#n/a"]

# Date forms departments send; six groups each: year, month, day, hour, minute, second
# (all but the first two may be empty).
DATE_FORMS = (
    r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?$",
    r"^(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?(?: *(\d{1,2})[:时](\d{2})分?(?::?(\d{2})秒?)?)?$",
    r"^(\d{4})(\d{2})(\d{2})?(?:[T ]?(\d{2}):?(\d{2}):?(\d{2})?)?$",
)
_PARTS = ["year", "month", "day", "hour", "minute", "second"]


def base_params(today: dt.date) -> dict[str, object]:
    params: dict[str, object] = {
        "fw": _FULL_WIDTH,
        "hw": _HALF_WIDTH,
        "missing": MISSING,
        "today": today,
        "date_parts": _PARTS,
    }
    params.update({f"date_form_{i}": form for i, form in enumerate(DATE_FORMS)})
    return params


def bind(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The parameters ``sql`` names (DuckDB refuses any it does not use)."""
    used = set(re.findall(r"\$(\w+)", sql))
    missing = used - set(params)
    if missing:
        raise KeyError(f"SQL names parameters with no value: {sorted(missing)}")
    return {name: params[name] for name in used}


def quote(identifier: str) -> str:
    """An identifier (a header from a department's file) safe to splice into SQL."""
    return '"' + identifier.replace('"', '""') + '"'


def folded(col: str) -> str:
    """Full-width folded, trimmed, inner runs of space as one; '' for NULL."""
    return f"regexp_replace(trim(translate(coalesce({col}, ''), $fw, $hw)), '\\s+', ' ', 'g')"


@dataclass(frozen=True)
class Stages:
    """SQL for one field's stages; ``{p}``, ``{x}``, ``{v}`` name its prep, parts and value
    columns, and ``{k}`` an area field's lookup row."""

    prep: str
    value: str
    reason: str
    parts: tuple[str, ...] = ()
    final: str = "{v}"  # the value as stored


def render(template: str, col: str, **tokens: str) -> str:
    """Fill a stage template's ``{p}``, ``{v}``, ``{k}``, ``{x0}``… tokens, then ``{col}``
    (the one that carries a department's header text) last."""
    for name, value in tokens.items():
        template = template.replace("{" + name + "}", value)
    return template.replace("{col}", col)


def _missing(p: str) -> str:
    return f"list_contains($missing, lower({p}))"


def _number(p: str) -> str:
    return f"TRY_CAST(replace(replace({p}, ',', ''), ' ', '') AS DOUBLE)"


def count_check() -> Stages:
    return Stages(
        prep="{col}",
        value=_number("{p}"),
        reason=(
            "CASE WHEN " + _missing("{p}") + " THEN 'missing value' "
            "WHEN {v} IS NULL THEN 'not a number: ' || {p} "
            "WHEN {v} < 0 THEN 'negative count: ' || {p} "
            "WHEN {v} <> floor({v}) THEN 'not a whole number: ' || {p} END"
        ),
        final="CAST({v} AS BIGINT)",
    )


def number_check(field: str, has_min: bool, has_max: bool) -> Stages:
    bounds = ""
    if has_min:
        bounds += f" WHEN {{v}} < ${field}_min THEN 'below ' || ${field}_min || ': ' || {{p}}"
    if has_max:
        bounds += f" WHEN {{v}} > ${field}_max THEN 'above ' || ${field}_max || ': ' || {{p}}"
    return Stages(
        prep="{col}",
        value=_number("{p}"),
        reason=(
            "CASE WHEN " + _missing("{p}") + " THEN 'missing value' "
            "WHEN {v} IS NULL THEN 'not a number: ' || {p}" + bounds + " END"
        ),
    )


def _timestamp(parts: str) -> str:
    def part(name: str, default: str, kind: str = "BIGINT") -> str:
        return f"coalesce(TRY_CAST(nullif({parts}.{name}, '') AS {kind}), {default})"

    return (
        f"CASE WHEN {parts}.year <> '' THEN try(make_timestamp("
        f"{parts}.year::BIGINT, {parts}.month::BIGINT, {part('day', '1')}, {part('hour', '0')}, "
        f"{part('minute', '0')}, {part('second', '0', 'DOUBLE')})) END"
    )


def timestamp_check() -> Stages:
    """A date or date-time in any of DATE_FORMS, or an Excel serial number."""
    parts = tuple(
        f"regexp_extract({{p}}, $date_form_{i}, $date_parts)" for i in range(len(DATE_FORMS))
    )
    serial = (
        "CASE WHEN regexp_full_match({p}, '\\d{5}(\\.\\d+)?') THEN TIMESTAMP '1899-12-30' + "
        "to_microseconds(CAST(round(CAST({p} AS DOUBLE) * 86400e6) AS BIGINT)) END"
    )
    tries = [_timestamp(f"{{x{i}}}") for i in range(len(DATE_FORMS))]
    return Stages(
        prep="{col}",
        parts=parts,
        value="coalesce(" + ", ".join([*tries, serial]) + ")",
        reason=(
            "CASE WHEN " + _missing("{p}") + " THEN 'missing date' "
            "WHEN {v} IS NULL THEN 'not a date: ' || {p} "
            "WHEN CAST({v} AS DATE) > $today THEN 'date in the future: ' || {p} END"
        ),
    )


def month_check() -> Stages:
    ts = timestamp_check()
    return Stages(ts.prep, ts.value, ts.reason, ts.parts, final="strftime({v}, '%Y-%m')")


def area_code_sql(p: str) -> str:
    """The lookup key of an area cell: a code whatever Excel did to it (330103001051.0,
    3.30103001051E+11, spaces; a 9-digit street code gets its 000), or a name."""
    code = f"""(CASE
        WHEN regexp_full_match(replace({p}, ' ', ''), '\\d+(\\.0+)?')
            THEN regexp_replace(replace({p}, ' ', ''), '\\.0+$', '')
        WHEN regexp_full_match(replace({p}, ' ', ''), '\\d(\\.\\d+)?[eE]\\+?\\d+')
            THEN CAST(CAST(replace({p}, ' ', '') AS DOUBLE) AS HUGEINT)::VARCHAR
        ELSE replace({p}, ' ', '') END)"""
    return f"(CASE WHEN regexp_full_match({code}, '\\d{{9}}') THEN {code} || '000' ELSE {code} END)"


def area_check(field: str) -> Stages:
    """``{p}`` is the lookup key (``area_code_sql``); ``{k}`` the joined lookup row."""
    return Stages(
        prep=area_code_sql("{col}"),
        value="{k}.code",
        reason=(
            "CASE WHEN " + _missing("{p}") + " THEN 'missing area' "
            "WHEN {k}.ambiguous THEN 'ambiguous area name: ' || {p} "
            "WHEN {k}.code IS NULL THEN 'unknown area: ' || {p} "
            f"WHEN NOT list_contains(${field}_levels, {{k}}.level) THEN 'area ' || {{p}} "
            "|| ' is a ' || {k}.level || ', expected ' "
            f"|| array_to_string(${field}_levels, '/') END"
        ),
    )


def text_check(field: str, has_choices: bool) -> Stages:
    reason = "NULL"
    if has_choices:
        reason = (
            f"CASE WHEN {{v}} IS NOT NULL AND NOT list_contains(${field}_choices, {{v}}) "
            f"THEN 'not one of ' || array_to_string(${field}_choices, '/') || ': ' || {{v}} END"
        )
    return Stages(prep="{col}", value="nullif({p}, '')", reason=reason)
