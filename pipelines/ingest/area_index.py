"""How an extract's area cells find their areas: codes and names, and the codes areas had
before a re-zoning."""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from pipelines.ingest import checks
from pipelines.ingest.extract import EXTRACT, EXTRACT_SLOW
from pipelines.ingest.validation import AREA_KEYS


class AreaIndex:
    """Resolves codes and names (with or without the 社区/街道 suffix) to area codes,
    as the temp table ``_area_key(key, code, level, ambiguous, former)`` of a connection.
    A former code (re-zoning) resolves to the area that replaced it, flagged ``former``."""

    TABLE = AREA_KEYS

    def __init__(self, areas: pd.DataFrame, former: pd.DataFrame | None = None) -> None:
        rows = [
            (code, code, level) for code, level in zip(areas["code"], areas["level"], strict=True)
        ]
        for row in areas.itertuples():
            short = re.sub(r"(社区|街道|园区)$", "", row.name_zh)
            rows += [(name, row.code, row.level) for name in {row.name_zh, short}]
        frame = pd.DataFrame(rows, columns=["key", "code", "level"]).drop_duplicates()
        counts = frame.groupby("key")["code"].transform("nunique")
        frame["ambiguous"] = counts > 1
        frame.loc[frame["ambiguous"], ["code", "level"]] = None
        frame["former"] = False
        if former is not None and not former.empty:
            level = dict(zip(areas["code"], areas["level"], strict=True))
            old = pd.DataFrame(
                {
                    "key": former["old_code"],
                    "code": former["new_code"],
                    "level": former["new_code"].map(level),
                    "ambiguous": False,
                    "former": True,
                }
            )
            frame = pd.concat([frame, old[~old["key"].isin(frame["key"])]], ignore_index=True)
        self.frame = frame.drop_duplicates("key").reset_index(drop=True)

    def install(self, con: duckdb.DuckDBPyConnection) -> None:
        con.register("_area_frame", self.frame)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {self.TABLE} AS SELECT * FROM _area_frame")
        finally:
            con.unregister("_area_frame")


def former_codes_note(
    con: duckdb.DuckDBPyConnection, fields: tuple, mapping: dict[str, str], slow: bool
) -> str | None:
    """How many rows named an area by a code it no longer has, and were filed under the
    area that replaced it: a load note, never a rejection."""
    if not con.execute(f"SELECT count(*) FROM {AREA_KEYS} WHERE former").fetchall()[0][0]:
        return None
    total, examples = 0, set()
    for f in fields:
        if f.kind != "area" or f.name not in mapping:
            continue
        key = checks.area_key_sql(checks.trimmed("e." + checks.quote(mapping[f.name])))
        for extract in (EXTRACT, EXTRACT_SLOW) if slow else (EXTRACT,):
            n, seen = con.execute(
                f"SELECT count(*), list(DISTINCT k.key || ' → ' || k.code) "
                f"FROM {extract} e JOIN {AREA_KEYS} k ON k.key = ({key}) WHERE k.former"
            ).fetchall()[0]
            total += n
            examples.update(seen or [])
    if not total:
        return None
    shown = ", ".join(sorted(examples)[:3]) + (" …" if len(examples) > 3 else "")
    return f"{total:,} row(s) under former area codes, filed under the areas now in force ({shown})"
