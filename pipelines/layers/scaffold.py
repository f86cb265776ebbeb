"""``cockpit layers new <domain>/<id>``: the two files of a new indicator, with a test that
passes as written, for the analyst to make their own."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from pipelines.layers.spec import Domain

_ID = re.compile(r"[a-z][a-z0-9_]*")
_TABLE = re.compile(r"stg\.[a-z_][a-z0-9_]*")

YML = """\
id: {id}
name_zh: {id}
name_en: {id}
description_zh: 说明这个指标衡量什么、如何计算（统计口径）。
description_en: What this indicator measures and how it is counted.
domain: {domain}
department: {department}
sources: [{source}]
unit_zh: 件
unit_en: items
direction: neutral
rollup: sum
tests:
  - name: counts rows per community and month
    given:
      {source}:
        - {{area_code: "330103001051", period: "2019-12"}}
        - {{area_code: "330103001051", period: "2019-12"}}
        - {{area_code: "330103001052", period: "2019-12"}}
    expect:
      - {{area_code: "330103001051", period: "2019-12", value: 2}}
      - {{area_code: "330103001052", period: "2019-12", value: 1}}
"""

SQL = """\
-- One row per community (or park) and month; the engine rolls it up to streets and the
-- district. Return value (sum, max, min), numerator and denominator (ratio), or value and
-- weight (weighted_mean). See docs/layers.md.
SELECT area_code, period, count(*) AS value
FROM {source}
GROUP BY area_code, period
"""


class ScaffoldError(ValueError):
    pass


def new_layer(folder: Path, name: str, source: str, department: str) -> list[Path]:
    """Write ``<folder>/<domain>/<id>.yml`` and ``.sql``; refuse to overwrite anything."""
    domain, _, layer_id = name.partition("/")
    if domain not in get_args(Domain):
        raise ScaffoldError(f"domain must be one of {', '.join(get_args(Domain))}, not {domain!r}")
    if not _ID.fullmatch(layer_id):
        raise ScaffoldError(
            f"id {layer_id!r}: lower-case letters, digits and _, starting with a letter"
        )
    if not _TABLE.fullmatch(source):
        raise ScaffoldError(f"source {source!r}: name a staging table, e.g. stg.population")
    existing = sorted(folder.glob(f"*/{layer_id}.yml"))
    if existing:
        raise ScaffoldError(f"an indicator {layer_id!r} exists already: {existing[0]}")
    target = folder / domain
    target.mkdir(parents=True, exist_ok=True)
    values = {"id": layer_id, "domain": domain, "source": source, "department": department}
    yml, sql = target / f"{layer_id}.yml", target / f"{layer_id}.sql"
    yml.write_text(YML.format(**values), encoding="utf-8")
    sql.write_text(SQL.format(**values), encoding="utf-8")
    return [yml, sql]
