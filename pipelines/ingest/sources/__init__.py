"""The one place that declares which department sources exist.

Adding a source: write ``pipelines/ingest/sources/<id>.py`` with a ``SOURCE`` and list it here.
"""

from pipelines.ingest.sources import (
    boundaries,
    buildings,
    civil_affairs,
    elevators,
    environment,
    gov_services,
    health,
    hotline,
    housing,
    market_supervision,
    parking,
    qinqing,
    statistics,
    tourism,
    urban_management,
    youth,
)

# Boundaries first: every other source's areas are checked against the tree they complete;
# buildings are filed under the communities those boundaries draw.
SOURCES = {
    s.id: s
    for s in (
        boundaries.SOURCE,
        buildings.SOURCE,
        statistics.SOURCE,
        housing.SOURCE,
        health.SOURCE,
        youth.SOURCE,
        hotline.SOURCE,
        civil_affairs.SOURCE,
        urban_management.SOURCE,
        market_supervision.SOURCE,
        gov_services.ITEMS,
        gov_services.CASES,
        parking.SOURCE,
        elevators.SOURCE,
        tourism.SOURCE,
        environment.SOURCE,
        environment.AIR,
        qinqing.SOURCE,
    )
}
