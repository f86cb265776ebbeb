"""The headline band: the district's chosen figures, in its order, as officials count."""

from __future__ import annotations

import pandas as pd

from dashboard.components.cards import headline_band


def _card(indicator_id: str, value: float, unit: str, status: str | None) -> dict:
    return {
        "indicator_id": indicator_id, "name_zh": indicator_id, "name_en": indicator_id,
        "unit_zh": unit, "unit_en": unit, "decimals": 0, "value": value,
        "prev_value": value, "status": status, "direction": "higher_better",
        "suppressed": False, "suppress_below": 5,
    }  # fmt: skip


def test_the_band_follows_the_setting_and_skips_what_a_level_lacks():
    cards = pd.DataFrame(
        [_card("population", 423_600, "人", None), _card("on_time", 85, "%", "red")]
    )
    band = headline_band(cards, ["on_time", "not_at_this_level", "population"], "zh", str)
    tiles = band.children
    assert [tile.id["indicator"] for tile in tiles] == ["on_time", "population"]
    assert tiles[0].className == "headline-tile status-red"
    value = tiles[1].children[1].children
    assert [value[0].children, value[1].children] == ["42.36", "万人"]
    assert tiles[1].href == "population"
