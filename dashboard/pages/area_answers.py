"""What the callbacks answer, kept under the published version for callers of one scope.

An answer depends on the published data, the view (area, period, language, from the URL
on the server), the choice the official made and, through ``data.VISIBLE``, the caller's
scope; so it is cached under exactly those (``answers.remembered``) and a publish, which changes
the version, is never answered from an old entry. What is recorded per request (the audit
of an indicator view) stays in the callback, outside the cache.
"""

from __future__ import annotations

from dashboard.access.views import View
from dashboard.caching import answers
from dashboard.components.panels import analysis_figures, csv_links, domain_cards, layer_trace
from dashboard.drawing import figures, point_layers
from dashboard.reading import data, insights


def _view_key(view: View) -> list:
    return [view.area["code"], view.parent, view.child_level, view.period, view.lang]


def recolour(view: View, indicator: dict, asked: str) -> dict[str, dict]:
    """The map's value layer and grey ground for another indicator or colouring: the
    properties of each trace that change, the areas' geometry left as it is."""

    def build() -> dict[str, dict]:
        values = data.map_values(view.parent, view.child_level, indicator["indicator_id"],
                                 view.period)  # fmt: skip
        value_range = insights.value_range(view.parent, view.child_level, indicator["indicator_id"])
        mode = figures.map_mode(values, asked)
        codes = values["code"].tolist()
        return {
            "value": figures.recolour(values, indicator, view.lang, mode, value_range),
            # The grey ground says "<k" where this indicator keeps a small count back.
            "base": {
                "locations": codes,
                "z": [0] * len(codes),
                "customdata": figures.base_hover(codes, values, indicator, view.lang),
            },
        }

    key = [*_view_key(view), indicator["indicator_id"], asked]
    return answers.remembered("answer:recolour", key, build)


def analysis(view: View, indicator: dict) -> tuple[dict, dict, dict[str, str]]:
    """The children ranked on ``indicator``, this area's trend, and their downloads."""

    def build() -> tuple[dict, dict, dict[str, str]]:
        values = data.map_values(view.parent, view.child_level, indicator["indicator_id"],
                                 view.period)  # fmt: skip
        ranking, trend = analysis_figures(view.area, indicator, values, view.period, view.lang)
        links = csv_links(view.area["code"], indicator["indicator_id"], view.period, view.lang)
        return ranking, trend, links

    return answers.remembered(
        "answer:analysis", [*_view_key(view), indicator["indicator_id"]], build
    )


def points(view: View, layers: list[str]) -> list[tuple[dict | None, dict]]:
    """For each point layer in its fixed slot: its trace when it is on (none when off),
    and the map's note of its points drawn outside their area."""

    def build() -> list[tuple[dict | None, dict]]:
        shapes = data.shapes(view.parent, view.child_level) if layers else {}
        out = []
        for layer in point_layers.POINT_LAYERS:
            if layer in layers:
                out.append(layer_trace(view.parent, view.child_level, layer, view.period,
                                       view.lang, shapes))  # fmt: skip
            else:
                out.append((None, point_layers.outside_note(layer, 0, view.lang)))
        return out

    return answers.remembered("answer:points", [*_view_key(view), sorted(layers)], build)


def domain(view: View, name: str, layers: list[str], selected: str | None) -> list:
    """A folded domain's cards, opened."""

    def build() -> list:
        return domain_cards(view.area, name, view.period, view.shown_period, layers, selected,
                            view.lang)  # fmt: skip

    key = [*_view_key(view), name, sorted(layers), selected]
    return answers.remembered_components("answer:domain", key, build, {})
