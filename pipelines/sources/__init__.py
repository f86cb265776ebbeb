"""The one place that declares which department sources exist.

Adding a source: write ``pipelines/sources/<id>.py`` with a ``SOURCE`` and list it here.
"""

from pipelines.sources import boundaries, health, hotline, housing, statistics, youth

# Boundaries first: every other source's areas are checked against the tree they complete.
SOURCES = {
    s.id: s
    for s in (
        boundaries.SOURCE,
        statistics.SOURCE,
        housing.SOURCE,
        health.SOURCE,
        youth.SOURCE,
        hotline.SOURCE,
    )
}
