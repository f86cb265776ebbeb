"""What a source declares of its columns (``Field``) and what reading one extract gives
(``Batch``): the declarations the checks read, apart from the reading itself
(``contract``), so that the checks need nothing of the contract."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from pipelines.ingest import checks

FieldKind = Literal["area", "month", "datetime", "count", "number", "text"]
_SQL_TYPES = {
    "area": "VARCHAR",
    "month": "VARCHAR",
    "datetime": "TIMESTAMP",
    "count": "BIGINT",
    "number": "DOUBLE",
    "text": "VARCHAR",
}
_IDENT = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Field:
    """One canonical column. ``aliases`` are the headers departments use for it."""

    name: str
    kind: FieldKind
    aliases: tuple[str, ...]
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    # For an area: headers of a column naming the area instead of giving its code.
    name_aliases: tuple[str, ...] = ()
    levels: tuple[str, ...] = ("community",)

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.kind]

    def stages(self) -> checks.Stages:
        if self.kind == "area":
            return checks.area_check(self.name)
        if self.kind == "month":
            return checks.month_check()
        if self.kind == "datetime":
            return checks.timestamp_check()
        if self.kind == "count":
            return checks.count_check()
        if self.kind == "number":
            return checks.number_check(
                self.name, self.minimum is not None, self.maximum is not None
            )
        return checks.text_check(self.name, bool(self.choices))

    def params(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.kind == "area":
            out[f"{self.name}_levels"] = list(self.levels)
        if self.minimum is not None:
            out[f"{self.name}_min"] = self.minimum
        if self.maximum is not None:
            out[f"{self.name}_max"] = self.maximum
        if self.choices:
            out[f"{self.name}_choices"] = list(self.choices)
        return out


@dataclass(frozen=True)
class Batch:
    """One extract after validation. The rows are in the temp table ``_checked`` (typed
    columns and ``reasons``; a row is good when it has none) beside ``_extract``."""

    file: Path
    rows_in: int
    rows_rejected: int
    periods: tuple[str, ...]
    mapping: dict[str, str]
    notes: tuple[str, ...] = ()


class Declared(Protocol):
    """What the row checks read of a source: its fields, its key and the headers whose
    values are personal (``contract.TabularSource`` is one)."""

    fields: tuple[Field, ...]
    key: tuple[str, ...]
    personal_headers: tuple[str, ...]
