"""The indicator layer spec: ``layers/<domain>/<id>.yml`` beside ``<id>.sql``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Domain = Literal["economy", "governance", "culture", "society", "ecology"]
Level = Literal["district", "street", "community", "park"]
Rollup = Literal["sum", "ratio", "weighted_mean", "max", "min"]
ADDITIVE: tuple[str, ...] = ("sum",)
RATIO_LIKE: tuple[str, ...] = ("ratio", "weighted_mean")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    """Boundaries of green and amber; the indicator's direction says which side is good."""

    green: float
    amber: float


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
    target: float | None = None
    suppress_below: int | None = Field(default=None, ge=1)
    tests: list[LayerTest] = Field(min_length=1)

    @model_validator(mode="after")
    def _coherent(self) -> LayerSpec:
        if self.thresholds is not None and self.direction == "neutral":
            raise ValueError("thresholds need a direction (higher_better or lower_better)")
        if self.thresholds is not None:
            t = self.thresholds
            if self.direction == "higher_better" and t.green < t.amber:
                raise ValueError("higher_better: thresholds.green must be ≥ thresholds.amber")
            if self.direction == "lower_better" and t.green > t.amber:
                raise ValueError("lower_better: thresholds.green must be ≤ thresholds.amber")
        return self


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
        data = yaml.safe_load(yml_path.read_text(encoding="utf-8"))
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
