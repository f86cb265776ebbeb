"""Component ids: constants, never strings glued together at run time."""

NAV = "nav-location"
MAP = "area-map"
INDICATOR = "map-indicator"
PAGE_CONTEXT = "page-context"
