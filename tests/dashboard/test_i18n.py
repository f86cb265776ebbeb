"""Every UI string comes from a catalog, in both languages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from cockpit.store.models import ROLES
from cockpit.tasks.states import PERSON_ACTIONS, TASK_STATES, Action
from dashboard.i18n import LANGS, catalog
from pipelines.layers.spec import LayerSpec, Rollup


def _choices(field: str) -> tuple[str, ...]:
    return get_args(LayerSpec.model_fields[field].annotation)


DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
# Keys whose last part is chosen at run time (a level, a domain, a status).
DYNAMIC = {
    "level": ("city", "district", "street", "community", "park"),
    "cockpit": ("city", "district", "street", "community", "park"),
    "domain": ("economy", "governance", "culture", "society", "ecology"),
    "status": ("green", "amber", "red", "few"),
    "task.state": TASK_STATES,
    "task.action": tuple(Action),
    "task.do": PERSON_ACTIONS,
    "task.col": ("id", "state", "area", "indicator", "period", "due"),
    "wall.tasks": ("new", "done", "overdue"),
    "dept.tasks": ("open", "overdue", "done"),
    "map.children": ("city", "district", "street", "community", "park"),
    "wall.map": ("district", "street", "community", "park"),
    "analysis.ranking": ("city", "district", "street", "community", "park"),
    "points": ("hotline", "elevators", "parking", "kitchens"),
    "map.mode": ("status", "value"),
    "alerts.filter": ("street", "domain", "department"),
    "alerts.members": tuple(
        f"{level}{n}" for level in ("district", "street", "community", "park") for n in ("", ".one")
    ),
    "wall.legend": ("red", "amber", "green"),
    "scene": ("floors", "height", "building"),
    "park.section": ("吃", "住", "行", "游", "娱", "购"),
    "park.scene": ("tourism", "medical", "parking", "kitchens", "elevators"),
    # Export column headers: every key a table names.
    "col": tuple(
        re.findall(
            r'"([a-z_]+)": "', (DASHBOARD / "routes" / "exports.py").read_text(encoding="utf-8")
        )
    ),
    "fresh": ("fresh", "stale", "never"),
    # Every value a layer spec may declare has a label in both languages.
    "direction": _choices("direction"),
    "rollup": get_args(Rollup),
    "cadence": _choices("cadence"),
    "role": ROLES,
    # The audit log's columns on /admin/audit.
    "audit": ("at", "kind", "actor", "role", "scope", "area", "path", "ip", "detail"),
}


def test_both_catalogs_have_the_same_keys_and_no_empty_strings():
    keys = [set(catalog(lang)) for lang in LANGS]
    assert keys[0] == keys[1], keys[0] ^ keys[1]
    for lang in LANGS:
        assert all(value.strip() for value in catalog(lang).values()), lang


def test_every_key_the_code_uses_exists():
    used = set()
    for path in DASHBOARD.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", text))
        for prefix in re.findall(r"""\bt\(\s*f["']([a-z_.]+)\.\{""", text):
            used |= {f"{prefix}.{part}" for part in DYNAMIC[prefix]}
    assert used, "no catalog keys found in the code"
    for lang in LANGS:
        missing = used - set(catalog(lang))
        assert not missing, (lang, missing)
