"""Usage, read from the audit log (僵尸系统 are systems built and then left unused): views
per week by level and by page, the streets and departments whose people never opened
their cockpit, and the indicators nobody has looked at. Pure functions over DataFrames;
the page gathers the inputs."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from cockpit.store import audit, utcnow

_PAGE = re.compile(r"^/(street|community|park|brief|dept|wall|catalog|indicators|admin)?")


USES = ("page_view", "indicator_view", "export", "api_call")


def events_frame(url: str, since: dt.datetime, kind: str | None = None) -> pd.DataFrame:
    """The audit log's uses since ``since`` (only ``kind``, read as such, when given)."""
    rows = [
        {
            "at": e.at,
            "kind": e.kind,
            "actor": e.actor,
            "scope": e.scope,
            "area": e.area,
            "path": e.path or "",
            "detail": e.detail or {},
        }
        for e in audit.events(url, since=since, kind=kind, limit=200_000)
        if e.kind in USES
    ]
    columns = ["at", "kind", "actor", "scope", "area", "path", "detail"]
    return pd.DataFrame(rows, columns=columns)


def page_of(path: str) -> str:
    match = _PAGE.match(path or "")
    return (match.group(1) if match else None) or "district"


def week_of(at: pd.Series) -> pd.Series:
    days = pd.to_datetime(at).dt.normalize()
    return (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d")


def views_by_week(events: pd.DataFrame, levels: dict[str, str]) -> pd.DataFrame:
    """Page views per week, by the level of the area viewed and by page."""
    views = events[events["kind"] == "page_view"].copy()
    if views.empty:
        return pd.DataFrame(columns=["week", "level", "page", "views"])
    views["week"] = week_of(views["at"])
    views["page"] = views["path"].map(page_of)
    # "/" names no area in its path: it is the top of the tree.
    top = views["page"].eq("district") & views["area"].isna()
    views["level"] = views["area"].map(levels).where(~top, "district").fillna("—")
    out = views.groupby(["week", "level", "page"]).size().rename("views").reset_index()
    return out.sort_values(["week", "views"], ascending=[False, False], kind="stable")


def silent_streets(
    events: pd.DataFrame, streets: pd.DataFrame, parents: dict[str, str], week: str
) -> pd.DataFrame:
    """Streets none of whose people (users scoped to the street or below) opened a page
    in ``week``."""
    views = events[events["kind"] == "page_view"]
    views = views[week_of(views["at"]) == week] if not views.empty else views
    active = set()
    for scope in views["scope"].dropna().unique():
        code = scope
        while code is not None:
            active.add(code)
            code = parents.get(code)
    return streets[~streets["code"].isin(active)].reset_index(drop=True)


def silent_departments(events: pd.DataFrame, departments: pd.DataFrame, week: str) -> pd.DataFrame:
    """Departments whose cockpit (``/dept/<id>``) nobody opened in ``week``."""
    views = events[events["kind"] == "page_view"]
    views = views[week_of(views["at"]) == week] if not views.empty else views
    opened = {
        p.split("?")[0].rstrip("/").split("/")[-1] for p in views["path"] if p.startswith("/dept/")
    }
    return departments[~departments["department"].isin(opened)].reset_index(drop=True)


def unseen_indicators(
    events: pd.DataFrame, indicators: pd.DataFrame, days: int = 30, now: dt.datetime | None = None
) -> pd.DataFrame:
    """Indicators nobody chose on a map, switched to, or exported in the last ``days``."""
    since = (now or utcnow()) - dt.timedelta(days=days)
    recent = events[pd.to_datetime(events["at"]) >= since] if not events.empty else events
    seen = {d.get("indicator") for d in recent["detail"] if isinstance(d, dict)}
    return indicators[~indicators["indicator_id"].isin(seen)].reset_index(drop=True)


def api_use(events: pd.DataFrame) -> pd.DataFrame:
    """Calls to ``/api/v1`` per week and consumer (the system its key was made for), with
    the indicators it read."""
    calls = events[events["kind"] == "api_call"].copy() if not events.empty else events
    if calls.empty:
        return pd.DataFrame(columns=["week", "consumer", "calls", "indicators"])
    calls["week"] = week_of(calls["at"])
    calls["consumer"] = calls["detail"].map(lambda d: d.get("consumer") or "—")
    calls["indicator"] = calls["detail"].map(lambda d: d.get("indicator"))
    out = calls.groupby(["week", "consumer"]).agg(
        calls=("kind", "size"),
        indicators=("indicator", lambda s: ", ".join(sorted({i for i in s if isinstance(i, str)}))),
    )
    return out.reset_index().sort_values(["week", "calls"], ascending=[False, False])


def consumers_by_source(events: pd.DataFrame, sources_of: dict[str, list[str]]) -> dict:
    """谁使用谁负责: each source table (``stg.…``), the consumers whose keys read an
    indicator computed from it."""
    calls = events[events["kind"] == "api_call"] if not events.empty else events
    out: dict[str, set[str]] = {}
    for detail in calls["detail"] if not calls.empty else []:
        for table in sources_of.get(detail.get("indicator") or "", []):
            out.setdefault(table, set()).add(detail.get("consumer") or "—")
    return {table: sorted(names) for table, names in out.items()}


def this_week(now: dt.datetime | None = None) -> str:
    return week_of(pd.Series([now or utcnow()])).iloc[0]
