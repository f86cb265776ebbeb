"""Cell checks as SQL, so that a 5-million-row extract is validated inside DuckDB.

A check runs in stages, each a column computed once from the stage before:

1. ``prep``: the cell, trimmed ('' for an empty cell);
2. ``parts``: pieces pulled out by regex (dates that are not ISO only);
3. ``value``: the parsed value, NULL when unusable;
4. ``reason``: NULL, or a short reason naming what is wrong with the cell.

Almost every cell of a real extract is clean, so each kind first tries a fast path on the
trimmed cell (a cast, a 12-digit match) and only folds full-width characters and tries the
other forms, inside a lazy CASE, for the cells the fast path cannot read. Reasons test the
good case first for the same reason.

Only identifiers are spliced into SQL (quoted with ``quote``) besides this module's own
constants; every value is a named parameter (``$today``, and a field's ``$<field>_min``...).
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
    return {"today": today}


def _literal(text: str) -> str:
    """A constant of this module (never a data value) as an SQL string literal. Patterns
    and translation tables must be literals: DuckDB prepares a constant once, but a bound
    parameter once per row."""
    return "'" + text.replace("'", "''") + "'"


_MISSING_LIST = "[" + ", ".join(_literal(m) for m in MISSING) + "]"
_PART_NAMES = "[" + ", ".join(_literal(n) for n in _PARTS) + "]"


def bind(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The parameters ``sql`` names (DuckDB refuses any it does not use)."""
    used = set(re.findall(r"\$(\w+)", sql))
    missing = used - set(params)
    if missing:
        raise KeyError(f"SQL names parameters with no value: {sorted(missing)}")
    return {name: params[name] for name in used}


_IDENT = re.compile(r"[a-z_][a-z0-9_]*")


def ident(name: str) -> str:
    """A table or column name from a source declaration, checked before it enters SQL."""
    if not _IDENT.fullmatch(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return name


def quote(identifier: str) -> str:
    """An identifier (a header from a department's file) safe to splice into SQL."""
    return '"' + identifier.replace('"', '""') + '"'


def trimmed(col: str) -> str:
    return f"coalesce(trim({col}), '')"


def folded(p: str) -> str:
    """Full-width characters to ASCII, inner runs of space as one."""
    # translate() with a long table costs per character: only cells that need it pay.
    table = f"{_literal(_FULL_WIDTH)}, {_literal(_HALF_WIDTH)}"
    fold = f"CASE WHEN regexp_matches({p}, '[！-～　]') THEN translate({p}, {table}) ELSE {p} END"
    return f"regexp_replace(trim({fold}), '\\s+', ' ', 'g')"


def is_missing(p: str) -> str:
    return f"list_contains({_MISSING_LIST}, lower({p}))"


@dataclass(frozen=True)
class Stages:
    """SQL for one field's stages. Tokens: ``{col}`` the raw column, ``{p}`` its prep,
    ``{x0}``… its parts, ``{v}`` its value, ``{k}`` an area field's lookup row."""

    prep: str
    value: str
    reason: str
    parts: tuple[str, ...] = ()
    final: str = "{v}"  # the value as stored
    fast: str = "NULL"  # a cheap first try, ``{f}``, computed once before the parts


def render(template: str, col: str, **tokens: str) -> str:
    """Fill a stage template's ``{p}``, ``{v}``, ``{k}``, ``{x0}``… tokens, then ``{col}``
    (the one that carries a department's header text) last."""
    for name, value in tokens.items():
        template = template.replace("{" + name + "}", value)
    return template.replace("{col}", col)


def _number(p: str) -> str:
    slow = f"TRY_CAST(replace(replace({folded(p)}, ',', ''), ' ', '') AS DOUBLE)"
    return f"coalesce(TRY_CAST({p} AS DOUBLE), CASE WHEN {p} <> '' THEN {slow} END)"


def count_check() -> Stages:
    return Stages(
        prep=trimmed("{col}"),
        value=_number("{p}"),
        reason=(
            "CASE WHEN {v} < 0 THEN 'negative count: ' || {p} "
            "WHEN {v} <> floor({v}) THEN 'not a whole number: ' || {p} "
            "WHEN {v} IS NOT NULL THEN NULL "
            "WHEN " + is_missing("{p}") + " THEN 'missing value' "
            "ELSE 'not a number: ' || {p} END"
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
        prep=trimmed("{col}"),
        value=_number("{p}"),
        reason=(
            "CASE" + bounds + " WHEN {v} IS NOT NULL THEN NULL "
            "WHEN " + is_missing("{p}") + " THEN 'missing value' "
            "ELSE 'not a number: ' || {p} END"
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
    """A date or date-time in any of DATE_FORMS, or an Excel serial number. ISO forms take
    the fast path; the regexes run only for cells it cannot read (CASE is lazy per row)."""
    parts = tuple(
        "CASE WHEN {f} IS NULL AND {p} <> '' "
        f"THEN regexp_extract({folded('{p}')}, {_literal(form)}, {_PART_NAMES}) END"
        for form in DATE_FORMS
    )
    serial = (
        "CASE WHEN regexp_full_match({p}, '\\d{5}(\\.\\d+)?') THEN TIMESTAMP '1899-12-30' + "
        "to_microseconds(CAST(round(CAST({p} AS DOUBLE) * 86400e6) AS BIGINT)) END"
    )
    tries = [_timestamp(f"{{x{i}}}") for i in range(len(DATE_FORMS))]
    return Stages(
        prep=trimmed("{col}"),
        fast="TRY_CAST({p} AS TIMESTAMP)",
        parts=parts,
        value=f"coalesce({{f}}, {', '.join([*tries, serial])})",
        reason=(
            "CASE WHEN CAST({v} AS DATE) > $today THEN 'date in the future: ' || {p} "
            "WHEN {v} IS NOT NULL THEN NULL "
            "WHEN " + is_missing("{p}") + " THEN 'missing date' "
            "ELSE 'not a date: ' || {p} END"
        ),
    )


def month_check() -> Stages:
    ts = timestamp_check()
    return Stages(
        ts.prep, ts.value, ts.reason, ts.parts, final="strftime({v}, '%Y-%m')", fast=ts.fast
    )


def area_key_sql(p: str) -> str:
    """The lookup key of an area cell: a code whatever Excel did to it (330103001051.0,
    3.30103001051E+11, spaces, full-width digits; a 9-digit street code gets its 000), or a
    name. A clean 12-character code is its own key."""
    f = f"replace({folded(p)}, ' ', '')"
    code = f"""(CASE
        WHEN regexp_full_match({f}, '\\d+(\\.0+)?') THEN regexp_replace({f}, '\\.0+$', '')
        WHEN regexp_full_match({f}, '\\d(\\.\\d+)?[eE]\\+?\\d+')
            THEN CAST(CAST({f} AS DOUBLE) AS HUGEINT)::VARCHAR
        ELSE {f} END)"""
    slow = f"(CASE WHEN regexp_full_match({code}, '\\d{{9}}') THEN {code} || '000' ELSE {code} END)"
    return f"CASE WHEN regexp_full_match({p}, '[0-9A-Z]{{12}}') THEN {p} ELSE {slow} END"


def area_check(field: str) -> Stages:
    """``{p}`` is the lookup key (``area_key_sql``); ``{k}`` the joined lookup row."""
    return Stages(
        prep=area_key_sql(trimmed("{col}")),
        value="{k}.code",
        reason=(
            f"CASE WHEN list_contains(${field}_levels, {{k}}.level) THEN NULL "
            "WHEN " + is_missing("{p}") + " THEN 'missing area' "
            "WHEN {k}.ambiguous THEN 'ambiguous area name: ' || {p} "
            "WHEN {k}.code IS NULL THEN 'unknown area: ' || {p} "
            "ELSE 'area ' || {p} || ' is a ' || {k}.level || ', expected ' "
            f"|| array_to_string(${field}_levels, '/') END"
        ),
    )


def text_check(field: str, has_choices: bool) -> Stages:
    """Text as sent, trimmed. A cell starting with =, +, - or @ stays text: nothing here
    ever evaluates a cell."""
    reason = "NULL"
    if has_choices:
        reason = (
            f"CASE WHEN {{v}} IS NULL OR list_contains(${field}_choices, {{v}}) THEN NULL "
            f"ELSE 'not one of ' || array_to_string(${field}_choices, '/') || ': ' || {{v}} END"
        )
    return Stages(prep=trimmed("{col}"), value="nullif({p}, '')", reason=reason)


# Kinds that DuckDB's CSV reader can type as it reads: their cells arrive typed, and the
# few that do not cast are set aside by the reader and checked the long way.
# Counts are read as DOUBLE: the reader would round 1.5 into a BIGINT without a word.
READ_TYPES = {"count": "DOUBLE", "number": "DOUBLE", "datetime": "TIMESTAMP"}
# A number as a person wrote it: 3, not 3.0.
_SHOWN = (
    "CASE WHEN {v} = floor({v}) THEN CAST(CAST({v} AS HUGEINT) AS VARCHAR) "
    "ELSE CAST({v} AS VARCHAR) END"
)


def typed_check(kind: str, field: str, has_min: bool, has_max: bool) -> Stages:
    """Checks for a cell the reader already typed: only NULL and range remain to test."""
    missing = {"count": "missing value", "number": "missing value", "datetime": "missing date"}
    final = "{v}"
    if kind == "count":
        why = (
            f"WHEN {{v}} < 0 THEN 'negative count: ' || ({_SHOWN}) "
            "WHEN {v} <> floor({v}) THEN 'not a whole number: ' || {v}"
        )
        final = "CAST({v} AS BIGINT)"
    elif kind == "number":
        why = ""
        if has_min:
            why += f" WHEN {{v}} < ${field}_min THEN 'below ' || ${field}_min || ': ' || ({_SHOWN})"
        if has_max:
            why += f" WHEN {{v}} > ${field}_max THEN 'above ' || ${field}_max || ': ' || ({_SHOWN})"
    else:
        why = "WHEN CAST({v} AS DATE) > $today THEN 'date in the future: ' || {v}"
    # Each bound is tested once, in the order a reason is given: a redundant "all good"
    # test in front would make the comparisons at the bound unreachable, and so untested.
    return Stages(
        prep="{col}",
        value="{p}",
        reason=f"CASE WHEN {{v}} IS NULL THEN '{missing[kind]}' {why} END",
        final=final,
    )
