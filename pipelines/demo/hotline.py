"""Synthetic 12345 hotline tickets, vectorised so the benchmark can make millions.

Each ticket has a community, a point near that community's centre, a category, the time it
was accepted (more by day than by night), and the times it was answered and closed. A few
are still open. Callers' names and phone numbers are there, as in a real export, so that
the pipeline's job of dropping them is exercised.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from shapely.geometry import shape

from pipelines.ingest.sources.hotline import CATEGORIES

_CATEGORY_WEIGHTS = np.array([0.24, 0.12, 0.14, 0.10, 0.09, 0.11, 0.08, 0.05, 0.07])
_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗")


def community_points(boundaries: dict) -> pd.DataFrame:
    """code, lon, lat of a point inside every community of a boundary FeatureCollection."""
    rows = []
    for feature in boundaries["features"]:
        if feature["properties"]["level"] == "community":
            point = shape(feature["geometry"]).representative_point()
            rows.append((feature["properties"]["code"], point.x, point.y))
    return pd.DataFrame(rows, columns=["code", "lon", "lat"])


def tickets(
    points: pd.DataFrame,
    months: pd.PeriodIndex,
    count: int,
    seed: int = 12345,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """``count`` tickets over ``months``, spread over the points' communities by
    ``weights`` (their population, say) times some noise of each community's own."""
    rng = np.random.default_rng(seed)
    base = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    weights = base * rng.lognormal(0.0, 0.12, len(points))
    which = rng.choice(len(points), size=count, p=weights / weights.sum())
    month = rng.integers(0, len(months), count)
    starts = months.to_timestamp().to_numpy()[month]
    days = months.days_in_month.to_numpy()[month]
    hour = np.clip(rng.normal(13.5, 3.5, count), 0, 23.99)
    accepted = (
        starts
        + (rng.integers(0, 1 << 30, count) % days).astype("timedelta64[D]")
        + (hour * 3600).astype("int64").astype("timedelta64[s]")
    )
    answer_minutes = rng.lognormal(2.6, 0.7, count)
    close_hours = rng.lognormal(2.9, 0.8, count)
    still_open = rng.random(count) < 0.03
    responded = accepted + (answer_minutes * 60).astype("int64").astype("timedelta64[s]")
    closed = responded + (close_hours * 3600).astype("int64").astype("timedelta64[s]")
    frame = pd.DataFrame(
        {
            "工单编号": np.arange(1, count + 1),
            "受理时间": accepted,
            "诉求类别": np.array(CATEGORIES)[
                rng.choice(len(CATEGORIES), size=count, p=_CATEGORY_WEIGHTS)
            ],
            "社区代码": points["code"].to_numpy()[which],
            "经度": np.round(points["lon"].to_numpy()[which] + rng.normal(0, 0.0015, count), 6),
            "纬度": np.round(points["lat"].to_numpy()[which] + rng.normal(0, 0.0012, count), 6),
            "响应时间": responded,
            "办结时间": pd.Series(closed).where(~still_open),
            "诉求人": np.array(_SURNAMES)[rng.integers(0, len(_SURNAMES), count)] + "先生",
            "联系电话": "138" + pd.Series(rng.integers(10_000_000, 99_999_999, count)).astype(str),
        }
    )
    return frame.sort_values("受理时间", kind="stable").reset_index(drop=True)


def renumbered(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Several batches of tickets as one export: in time order, numbered from 1."""
    frame = pd.concat(frames).sort_values("受理时间", kind="stable").reset_index(drop=True)
    frame["工单编号"] = np.arange(1, len(frame) + 1)
    return frame


def write_tickets(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV as the hotline system exports it, written by DuckDB (fast enough for
    millions of rows): ticket numbers as XC000000001, times as 2019-03-01 08:30:00."""
    con = duckdb.connect()
    try:
        con.register("_tickets", frame)
        con.execute(
            f"""COPY (SELECT 'XC' || lpad(工单编号::VARCHAR, 9, '0') AS 工单编号,
                   strftime(受理时间, '{_TIME}') AS 受理时间, 诉求类别, 社区代码, 经度, 纬度,
                   strftime(响应时间, '{_TIME}') AS 响应时间,
                   coalesce(strftime(办结时间, '{_TIME}'), '') AS 办结时间, 诉求人, 联系电话
                 FROM _tickets) TO '{_path_literal(path)}' (HEADER, DELIMITER ',')"""
        )
    finally:
        con.close()


_TIME = "%Y-%m-%d %H:%M:%S"


def _path_literal(path: Path) -> str:
    # COPY ... TO takes no parameters; the path is ours (the demo's inbox), quoted.
    return str(path).replace("'", "''")
