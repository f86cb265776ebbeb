"""The indicator layer spec: ``layers/<domain>/<id>.yml`` beside ``<id>.sql``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Domain = Literal["economy", "governance", "culture", "society", "ecology"]
Level = Literal["city", "district", "street", "community", "park"]
Rollup = Literal["sum", "ratio", "weighted_mean", "max", "min", "latest"]
# Finest first: a layer's SQL returns rows at the finest of its levels, the engine the rest.
LEVEL_ORDER: tuple[Level, ...] = ("park", "community", "street", "district", "city")
ADDITIVE: tuple[str, ...] = ("sum",)
RATIO_LIKE: tuple[str, ...] = ("ratio", "weighted_mean")
DEFAULT_SUPPRESS_BELOW = 5
# A rate on fewer cases than this is "too few to judge", not red (alerts.min_base).
DEFAULT_MIN_BASE = 20
# libyaml's parser where PyYAML was built with it: a refresh parses every spec.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bounds(_Strict):
    """Boundaries of green and amber; the indicator's direction says which side is good."""

    green: float
    amber: float


class Thresholds(Bounds):
    """``basis: target`` reads green and amber as multiples of the target (1.0 = on
    target); ``by_level`` gives some levels bounds of their own."""

    basis: Literal["absolute", "target"] = "absolute"
    by_level: dict[Level, Bounds] = {}

    def for_level(self, level: str) -> Bounds:
        return self.by_level.get(level, self)  # type: ignore[arg-type]


class ColumnCheck(_Strict):
    """Checks on one output column of the layer's SQL, run on the real data at every
    refresh (and on the tests' output): a layer that breaks one is left out."""

    not_null: bool = False
    min: float | None = None
    max: float | None = None


class ForecastBreach(_Strict):
    """Warn before red: the area is forecast to turn red within ``within`` months with
    probability at least ``probability`` (预计N个月内转红). Only where the indicator's
    forecasts beat the seasonal naive forecast in their backtest."""

    within: int = Field(ge=1, le=3)
    probability: float = Field(ge=0.5, le=0.99)


class AlertRules(_Strict):
    """When a value is worth an official's attention (需关注), beyond its colour."""

    # Below this base (the denominator of a rate, else the SQL's ``base``), a value's status
    # is "few" (too few to judge) instead of a colour. Default: 20 for rates, 0 otherwise.
    min_base: int | None = Field(default=None, ge=0)
    # Months red in a row before red alone makes an alert.
    persist: int = Field(default=2, ge=1)
    # Worse than the same month last year by this share (0.3 = 30%) makes an alert.
    worse_than_last_year: float = Field(default=0.3, gt=0)
    # Worse than the siblings' median by this many MADs (a robust z-score) makes an alert.
    sibling_mads: float = Field(default=3.0, gt=0)
    # Days a 督办 task about this indicator has, from dispatch to done, by severity.
    sla_days: dict[Literal["red", "amber"], int] = {"red": 7, "amber": 14}
    # Green months in a row after a task's month before the data verifies it done.
    verify_months: int = Field(default=1, ge=1, le=12)
    # Early warning from the forecasts (off unless given); needs thresholds.
    forecast_breach: ForecastBreach | None = None

    @model_validator(mode="after")
    def _both_severities(self) -> AlertRules:
        missing = {"red", "amber"} - set(self.sla_days)
        if missing or min(self.sla_days.values()) < 1:
            raise ValueError("sla_days needs red and amber, each at least 1 day")
        return self


class LayerTest(_Strict):
    """Given these source rows, the layer's SQL returns exactly these rows."""

    name: str
    given: dict[str, list[dict[str, Any]]]
    expect: list[dict[str, Any]]


class LayerSpec(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    domain: Domain
    department: str
    sources: list[str] = Field(min_length=1)
    unit_zh: str
    unit_en: str
    direction: Literal["higher_better", "lower_better", "neutral"]
    rollup: Rollup
    scale: float = 1.0
    decimals: int = Field(default=0, ge=0, le=4)
    levels: list[Level] = ["district", "street", "community"]
    cadence: Literal["monthly"] = "monthly"
    thresholds: Thresholds | None = None
    target: float | dict[Level, float] | None = None
    # Small-count suppression: a value whose base (the SQL's optional ``base`` column, else
    # the value of a sum or the denominator of a ratio) is 1..k-1 is published as "<k".
    # 0 switches it off, for figures about facilities or places rather than people.
    suppress_below: int = Field(default=DEFAULT_SUPPRESS_BELOW, ge=0)
    alerts: AlertRules = AlertRules()
    # 街道考核: counted in the street scorecard, which ranks streets across every indicator
    # their departments assess them on.
    assessed: bool = False
    tests: list[LayerTest] = Field(min_length=1)
    column_checks: dict[str, ColumnCheck] = {}

    @model_validator(mode="after")
    def _coherent(self) -> LayerSpec:
        if self.thresholds is not None and self.direction == "neutral":
            raise ValueError("thresholds need a direction (higher_better or lower_better)")
        if self.thresholds is not None:
            self._check_thresholds(self.thresholds)
        for where, keyed in (("target", self.target), ("thresholds.by_level", self._by_level())):
            stray = set(keyed) - set(self.levels) if isinstance(keyed, dict) else set()
            if stray:
                raise ValueError(f"{where}: {sorted(stray)} not among levels {self.levels}")
        if self.alerts.forecast_breach is not None and self.thresholds is None:
            raise ValueError(
                "alerts.forecast_breach: red is where the thresholds say, and this layer has none"
            )
        if self.assessed and ("street" not in self.levels or self.direction == "neutral"):
            raise ValueError(
                "assessed: streets are ranked on it, so it needs the street level "
                "and a direction (higher_better or lower_better)"
            )
        return self

    def _by_level(self) -> dict:
        return self.thresholds.by_level if self.thresholds else {}

    def _check_thresholds(self, t: Thresholds) -> None:
        for where, bounds in [("thresholds", t)] + [
            (f"thresholds.by_level.{lvl}", b) for lvl, b in t.by_level.items()
        ]:
            if self.direction == "higher_better" and bounds.green < bounds.amber:
                raise ValueError(f"higher_better: {where}.green must be ≥ {where}.amber")
            if self.direction == "lower_better" and bounds.green > bounds.amber:
                raise ValueError(f"lower_better: {where}.green must be ≤ {where}.amber")
        if t.basis == "target":
            lacking = [lvl for lvl in self.levels if self.target_for(lvl) is None]
            if lacking:
                raise ValueError(f"thresholds.basis target: no target for level(s) {lacking}")

    def target_for(self, level: str) -> float | None:
        if isinstance(self.target, dict):
            return self.target.get(level)  # type: ignore[call-overload]
        return self.target

    @property
    def min_base(self) -> int:
        if self.alerts.min_base is not None:
            return self.alerts.min_base
        return DEFAULT_MIN_BASE if self.rollup in RATIO_LIKE else 0

    def levels_in(self, tree_levels: set[str]) -> list[Level]:
        """The levels published in a tree with ``tree_levels``: the layer's own, and the
        city above when the layer reaches the district (a city's figure is its districts'
        figures rolled up, as a district's is its streets')."""
        above: list[Level] = ["city"] if "city" in tree_levels and "district" in self.levels else []
        return [*self.levels, *(lvl for lvl in above if lvl not in self.levels)]

    @property
    def finest_level(self) -> Level:
        """The level the SQL returns rows for; parks count with communities."""
        finest = min(self.levels, key=LEVEL_ORDER.index)
        return "community" if finest == "park" else finest


@dataclass(frozen=True)
class Layer:
    spec: LayerSpec
    sql: str
    yml_path: Path
    sql_path: Path

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True)
class LayerError:
    """A layer that cannot be used, and why. ``path`` is the file to fix."""

    path: Path
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def _pydantic_problem(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(spec)"
        parts.append(f"field {where}: {err['msg']}")
    return "; ".join(parts)


def load_layer(yml_path: Path) -> Layer:
    """Load one layer; raises LayerLoadError naming the file and field at fault."""
    try:
        data = yaml.load(yml_path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise LayerLoadError(LayerError(yml_path, f"not valid YAML ({exc})")) from exc
    if not isinstance(data, dict):
        raise LayerLoadError(LayerError(yml_path, "expected a mapping of fields"))
    try:
        spec = LayerSpec.model_validate(data)
    except ValidationError as exc:
        raise LayerLoadError(LayerError(yml_path, _pydantic_problem(exc))) from exc
    if spec.id != yml_path.stem:
        raise LayerLoadError(
            LayerError(
                yml_path, f"field id: {spec.id!r} must match the file name {yml_path.stem!r}"
            )
        )
    if spec.domain != yml_path.parent.name:
        raise LayerLoadError(
            LayerError(
                yml_path,
                f"field domain: {spec.domain!r} but the file is in {yml_path.parent.name}/",
            )
        )
    sql_path = yml_path.with_suffix(".sql")
    if not sql_path.exists():
        raise LayerLoadError(
            LayerError(sql_path, "missing: every layer has a .sql beside its .yml")
        )
    return Layer(spec, sql_path.read_text(encoding="utf-8"), yml_path, sql_path)


class LayerLoadError(Exception):
    def __init__(self, error: LayerError) -> None:
        super().__init__(str(error))
        self.error = error


def discover(folder: Path) -> tuple[list[Layer], list[LayerError]]:
    """Every layer under ``folder``; broken ones come back as errors, not exceptions."""
    layers: list[Layer] = []
    errors: list[LayerError] = []
    seen: dict[str, Path] = {}
    for yml in sorted(folder.glob("*/*.yml")):
        try:
            layer = load_layer(yml)
        except LayerLoadError as exc:
            errors.append(exc.error)
            continue
        if layer.id in seen:
            errors.append(
                LayerError(yml, f"field id: {layer.id!r} is also defined in {seen[layer.id]}")
            )
            continue
        seen[layer.id] = yml
        layers.append(layer)
    for sql in sorted(folder.glob("*/*.sql")):
        if not sql.with_suffix(".yml").exists():
            errors.append(LayerError(sql, "no .yml beside this .sql"))
    return layers, errors
