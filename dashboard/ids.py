"""Component ids: constants, never strings glued together at run time."""

NAV = "nav-location"
MAP = "area-map"
INDICATOR = "map-indicator"
POINT_LAYERS = "map-point-layers"
MAP_MODE = "map-mode"
# The alerts panel: its filters ({"type": ALERT_FILTER, "kind": street|domain|department})
# and the list they narrow.
ALERT_FILTER = "alert-filter"
ALERT_BODY = "alert-body"
PERIOD = "period-select"
# The note on an area opened by a code it had before a re-zoning.
FORMER_NOTE = "former-note"
RANKING = "ranking-chart"
TREND = "trend-chart"
RANKING_CSV = "ranking-csv"
TREND_CSV = "trend-csv"
# The wall screen
WALL_STEP = "wall-step"
WALL_CLOCK_TICK = "wall-clock-tick"
WALL_CLOCK = "wall-clock"
WALL_STATE = "wall-state"
WALL_BODY = "wall-body"
WALL_VERSION_TICK = "wall-version-tick"
BRIEF_PRINT = "brief-print"
WALL_NEXT = "wall-next"
WALL_PREV = "wall-prev"
WALL_PAUSE = "wall-pause"
