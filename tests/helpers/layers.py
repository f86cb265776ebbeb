"""Layer files for the tests that add, break or run a layer of their own."""

from __future__ import annotations

from pathlib import Path

import yaml

GOOD_YML = """\
id: {id}
name_zh: 户均人口
name_en: People per household
description_zh: 户籍人口除以户数。
description_en: Registered population divided by households.
domain: society
department: statistics
sources: [stg.population]
unit_zh: 人/户
unit_en: per household
direction: neutral
rollup: ratio
decimals: 2
tests:
  - name: people over households
    given:
      stg.population:
        - {{period: "2019-12", area_code: "330103001051", registered_population: 500, households: 200}}
    expect:
      - {{area_code: "330103001051", period: "2019-12", numerator: 500, denominator: 200}}
"""


GOOD_SQL = """\
SELECT area_code, period, registered_population AS numerator, households AS denominator
FROM stg.population
WHERE households > 0
"""


def layer_spec(layer_id: str, **fields: object) -> dict:
    spec = {
        "id": layer_id, "name_zh": "测试", "name_en": "Test", "description_zh": "测试指标。",
        "description_en": "A test indicator.", "domain": "society", "department": "statistics",
        "sources": ["stg.reading"], "unit_zh": "个", "unit_en": "units",
        "direction": "higher_better", "rollup": "sum",
        "tests": [{"name": "t", "given": {"stg.reading": [{"area_code": "x", "period": "2019-12",
                                                             "value": 1}]},
                   "expect": [{"area_code": "x", "period": "2019-12", "value": 1}]}],
    }  # fmt: skip
    spec.update(fields)
    return spec


def write_layer(folder: Path, spec: dict, sql: str) -> Path:
    domain = folder / str(spec["domain"])
    domain.mkdir(parents=True, exist_ok=True)
    yml = domain / f"{spec['id']}.yml"
    yml.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    yml.with_suffix(".sql").write_text(sql, encoding="utf-8")
    return yml
