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
# Headers, panels and pages
ALERTS = "alerts"
BREADCRUMB = "breadcrumb"
HEADLINE_BAND = "headline-band"
# A folded domain's heading and its cards, drawn when it is first opened (pattern ids,
# one per domain).
DOMAIN_SUMMARY = "domain-summary"
DOMAIN_CARDS = "domain-cards"
BRIEF_LINK = "brief-link"
CARDS_CSV = "cards-csv"
FRESHNESS_BADGE = "freshness-badge"
PERIOD_BADGE = "period-badge"
TASKS_LINK = "tasks-link"
LOGOUT_BUTTON = "logout-button"
SIGNED_IN_AS = "signed-in-as"
LANG_SWITCH = "lang-switch"
TEXT_SIZE = "text-size-switch"
AS_OF_PERIOD = "as-of-period"
SYNTHETIC_NOTE = "synthetic-note"
PARK_SECTIONS_CHART = "park-sections-chart"
SCORECARD = "scorecard"
WALL_TASKS_SLOT = "wall-tasks-slot"
WALL_LEGEND = "wall-legend"
WALL_MAP = "wall-map"
WALL_AREA = "wall-area"
WALL_REFRESHED = "wall-refreshed"
TASK_NOTE = "task-note"
TASK_MISSING = "task-missing"
TASK_TITLE = "task-title"
TASK_HISTORY = "task-history"
TASK_TABLE = "task-table"
TASK_NEW_AREA = "task-new-area"
TASK_NEW_INDICATOR = "task-new-indicator"
TASK_NEW_SEVERITY = "task-new-severity"
TASK_FORWARD_SELECT = "task-forward-select"


# Ids that carry a key: one function each, so that the pattern lives here.
def count_tile(prefix: str, key: str) -> str:
    return f"{prefix}-{key}"


def catalog_source(source: str) -> str:
    return f"source-{source}"


def dictionary_entry(indicator_id: str) -> str:
    return f"indicator-{indicator_id}"


def dictionary_domain(domain: str) -> str:
    return f"domain-{domain}"


def head_count(status: str) -> str:
    return f"head-count-{status}"


def park_scene(scene: str) -> str:
    return f"scene-{scene}"


def wall_count(status: str) -> str:
    return f"wall-count-{status}"


def csv_link(table: str) -> str:
    return f"{table}-csv"


# The wall's 3D scene: what it draws, and the slot in each step where it stands.
WALL_SCENE_SPEC = "wall-scene-spec"
WALL_SCENE_SLOT = "wall-scene-slot"
