"""The area tree: district → street → community, plus parks beside communities.

A district is files, never code. ``cockpit areas init`` reads NBS-style code lists
(streets: ``street_code,street_name,district_code,district_name``; communities:
``code,name,street_code,street_name``), with parks and English names or official areas
beside them, and writes the tree in force as ``<areas>/tree.csv``. Until a deployment
has run it, the tree is the one shipped with the demo in ``<reference>/tree.csv``.

Codes are the official 12-digit 统计用区划代码 strings; parks get ``<street9>P<nn>``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cockpit.settings import Settings
from pipelines.areas.files import (
    AREA_COLUMNS,
    AreaFileError,
    check_tree,
    code_column,
    read_table,
    require_columns,
)

TREE_FILE = "tree.csv"
CHANGES_FILE = "code_changes.csv"
CHANGE_COLUMNS = ["level", "old_code", "old_name", "new_code", "new_name", "effective"]


def read_code_changes(path: Path, effective: str | None = None) -> pd.DataFrame:
    """Old code → new code (``level,old_code,old_name,new_code,new_name`` and an optional
    ``effective`` date). ``effective``, the date an operator confirmed, overrides the file's."""
    changes = read_table(path)
    require_columns(changes, path, ("level", "old_code", "new_code"))
    for column in ("old_code", "new_code"):
        changes[column] = code_column(changes, path, column, (6, 9, 12))
    for column in ("old_name", "new_name", "effective"):
        if column not in changes.columns:
            changes[column] = ""
    if effective:
        changes["effective"] = effective
    return changes[CHANGE_COLUMNS].replace("", None)


@dataclass(frozen=True)
class AreaTree:
    """The tree in force and the code changes beside it."""

    areas: pd.DataFrame
    changes: pd.DataFrame

    def former(self) -> pd.DataFrame:
        """Changes whose old code is no longer an area and whose new code is: the codes an
        extract may still use, and the former areas a URL may still name."""
        codes = set(self.areas["code"])
        keep = ~self.changes["old_code"].isin(codes) & self.changes["new_code"].isin(codes)
        return self.changes[keep].reset_index(drop=True)


def tree_folder(settings: Settings) -> Path:
    """The deployment's own tree once ``cockpit areas init`` has written it, else the
    demo's shipped one."""
    own = settings.areas / TREE_FILE
    return settings.areas if own.exists() else settings.reference


def load_area_tree(settings: Settings) -> pd.DataFrame:
    """The area table in force."""
    return load_tree(settings).areas


def load_tree(settings: Settings) -> AreaTree:
    """The tree in force, with its code changes."""
    effective = settings.code_changes_effective
    return read_tree(tree_folder(settings), effective.isoformat() if effective else None)


def read_tree(folder: Path, effective: str | None = None) -> AreaTree:
    """The tree written into ``folder`` (``tree.csv``, and ``code_changes.csv`` if any)."""
    path = folder / TREE_FILE
    if not path.exists():
        raise AreaFileError(
            f"{path}: no area tree; run `cockpit areas init --codes STREETS.csv COMMUNITIES.csv`"
        )
    tree = read_table(path).replace("", None)
    tree["area_km2"] = pd.to_numeric(tree["area_km2"]).astype("Float64")
    check_tree(tree)
    changes_path = folder / CHANGES_FILE
    changes = (
        read_code_changes(changes_path, effective)
        if changes_path.exists()
        else pd.DataFrame(columns=CHANGE_COLUMNS)
    )
    return AreaTree(tree[AREA_COLUMNS], changes)


def write_tree(folder: Path, tree: pd.DataFrame, changes: Path | None = None) -> list[Path]:
    """Write the tree (and a copy of the code changes) into ``folder``; each file appears
    whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [_replace(folder / TREE_FILE, tree[AREA_COLUMNS].to_csv(index=False))]
    if changes is not None:
        read_code_changes(changes)  # refuse a broken file before anything is written
        written.append(_replace(folder / CHANGES_FILE, changes.read_text(encoding="utf-8-sig")))
    elif (folder / CHANGES_FILE).exists():
        (folder / CHANGES_FILE).unlink()
    return written


def _replace(path: Path, text: str) -> Path:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
