"""How the CSV downloads write their columns: headers in the page's language, values
rounded as the page shows them, hidden values labelled as they are on the page."""

from __future__ import annotations

import pandas as pd

from dashboard.drawing import fmt
from dashboard.i18n import t


def named(rows: pd.DataFrame, lang: str, columns: dict[str, str]) -> pd.DataFrame:
    """``columns``: output column id → source column; the header is ``col.<id>``."""
    out = pd.DataFrame({t(f"col.{key}", lang): rows[src] for key, src in columns.items()})
    return out.reset_index(drop=True)


def rounded(rows: pd.DataFrame, columns: list[str], decimals: object) -> pd.DataFrame:
    """``columns`` rounded to the indicator's display precision (``decimals``: one number,
    or a column of them, row by row)."""
    places = decimals if isinstance(decimals, pd.Series) else pd.Series(decimals, rows.index)
    for column in columns:
        # object, not float: a whole number is written 5, not 5.0
        rows[column] = pd.Series(
            [
                None if fmt.missing(v) else (round(float(v), int(d)) if int(d) else round(float(v)))
                for v, d in zip(rows[column], places, strict=True)
            ],
            index=rows.index,
            dtype=object,
        )
    return rows


def shown(rows: pd.DataFrame, lang: str, k: object = None) -> pd.Series:
    """Values as published: "<k" where a small count is kept back, "已隐藏" where a value
    is hidden to protect one."""
    ks = rows["suppress_below"] if k is None else pd.Series(k, index=rows.index)
    hidden = rows["suppressed"].fillna(False).astype(bool)
    kinds = rows["suppressed_kind"]
    labels = [fmt.suppressed(k_, kind, lang) for k_, kind in zip(ks, kinds, strict=True)]
    return rows["value"].astype(object).where(~hidden, pd.Series(labels, index=rows.index))


def status_names(rows: pd.DataFrame, lang: str) -> pd.Series:
    return rows["status"].map(lambda s: t(f"status.{s}", lang) if isinstance(s, str) else "")
