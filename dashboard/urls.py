"""The URL scheme, in one place: every view is a URL, the drill-down in the path and the
choices in the query string. The pages register their paths from here, the server reads
area pages back with ``parse_area_path``, and every link is made here.

- ``/`` the top of the tree; ``/<level>/<code>`` an area (12-digit code, or the 9-digit
  form a person types for a street); ``/brief/<code>`` its one-page brief; ``/3d`` and
  ``/3d/<level>/<code>`` the same areas as a 3D scene;
- ``?lang=en``, ``?indicator=<id>``, ``?period=YYYY-MM`` (a month other than the latest),
  ``?layers=a,b`` (map point layers).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode, urlsplit

from dashboard.i18n import DEFAULT_LANG

HOME = "/"
# The levels with a page of their own, in the path as /<level>/<code>.
AREA_LEVELS = ("district", "street", "community", "park")
LEVEL_PATH = {level: f"/{level}/" for level in AREA_LEVELS}
BRIEF = "/brief/"
LOGIN = "/login"
LOGOUT = "/logout"
WALL = "/wall"
TASKS = "/tasks"
DEPT = "/dept"
HEALTH = "/api/health"
# The front-end's files: the app's own (``dashboard/assets``) and Dash's component suites
# (its scripts, from the installed packages).
ASSETS = "/assets/"
SUITES = "/_dash-component-suites/"
# The web app manifest (``routes.manifest``), and what every page's <head> says of it: the
# manifest, the colour of a phone's bar, and the icon iOS pins.
MANIFEST = "/manifest.webmanifest"
HEAD_LINKS = (
    f'<link rel="manifest" href="{MANIFEST}">'
    '<meta name="theme-color" content="#0f3a6b">'
    '<link rel="apple-touch-icon" href="/assets/icons/icon-192.png">'
)
# Sign-in at the unified identity service, and where it sends people back.
OIDC_START, OIDC_CALLBACK = "/login/oidc", "/login/oidc/callback"
CAS_START, CAS_CALLBACK = "/login/cas", "/login/cas/callback"
_AREA_PATH = re.compile(rf"/(?:({'|'.join(AREA_LEVELS)})/([0-9P]{{1,16}}))?")


def area_template(level: str) -> str:
    """The path template a level's page registers (Dash pages)."""
    return f"{LEVEL_PATH[level]}<code>"


BRIEF_TEMPLATE = f"{BRIEF}<code>"


def parse_area_path(path: object) -> tuple[str | None, str | None] | None:
    """(level, code as written) of an area page's path, (None, None) for the top of the
    tree, None for any other path."""
    if not isinstance(path, str) or not (match := _AREA_PATH.fullmatch(path)):
        return None
    return match.group(1), match.group(2)


def same_site_path(target: object) -> str:
    """Where to go after signing in: a path on this server, parsed and rebuilt from its
    parts (never the string as sent), or ``/``. Anything with a scheme, a host, a
    backslash, a control character or a leading ``//`` (after the browser would drop
    whitespace) is refused: no open redirect, no header split."""
    if not isinstance(target, str) or not target or len(target) > 2000:
        return HOME
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target) or "\\" in target:
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return HOME
    if parts.path.startswith("//"):
        return HOME
    path = quote(parts.path, safe="/-._~!$&'()*+,;=:@%")
    query = quote(parts.query, safe="=&%+,;:@/-._~")
    return f"{path}?{query}" if query else path


def area_in_path(path: str) -> str | None:
    """The code an area page or a brief names in its path, as written, for the audit."""
    parts = path.strip("/").split("/")
    if len(parts) == 2 and (parts[0] in AREA_LEVELS or f"/{parts[0]}/" == BRIEF):
        return parts[1]
    return None


def area_href(
    level: str,
    code: str,
    lang: str,
    indicator: str | None = None,
    period: str | None = None,
    layers: list[str] | None = None,
) -> str:
    """The page of one area; an empty ``code`` names the top of the tree, whose page is
    ``/``. ``period`` (a month other than the latest) and map point ``layers`` are part
    of the view, so part of the URL."""
    path = f"{LEVEL_PATH[level]}{code}" if code else HOME
    query = {}
    if lang != DEFAULT_LANG:
        query["lang"] = lang
    if indicator:
        query["indicator"] = indicator
    if period:
        query["period"] = period
    if layers:
        query["layers"] = ",".join(layers)
    return f"{path}?{urlencode(query)}" if query else path


# The 3D scene (三维实景) of any area: ``/3d`` before the area page's own path.
SCENE = "/3d"


def scene_template(level: str) -> str:
    return f"{SCENE}{area_template(level)}"


def scene_href(level: str, code: str, lang: str, indicator: str | None = None) -> str:
    """The 3D scene of one area; an empty ``code`` names the top of the tree."""
    page = area_href(level, code, lang, indicator)
    # The top's page is ``/``: its scene is ``/3d``, not ``/3d/``.
    return SCENE + (page[1:] if page == HOME or page.startswith("/?") else page)


def scene_area_path(path: object) -> str | None:
    """The area page's path that a scene's path names (``/3d/street/X`` → ``/street/X``,
    ``/3d`` → ``/``), None for any other path."""
    if not isinstance(path, str) or not (path == SCENE or path.startswith(SCENE + "/")):
        return None
    rest = path[len(SCENE) :] or HOME
    return rest if parse_area_path(rest) is not None else None


def link_code(area: dict) -> str:
    """The code an area's own links carry: none for the top of the tree, whose page is
    ``/`` whatever its level."""
    return area["code"] if area.get("parent_code") is not None else ""


def with_lang(path: str, lang: str) -> str:
    return path if lang == DEFAULT_LANG else f"{path}?{urlencode({'lang': lang})}"


def dept_href(department: str, lang: str) -> str:
    return with_lang(f"/dept/{department}", lang)


def brief_href(code: str, lang: str, period: str | None = None) -> str:
    query = {} if lang == DEFAULT_LANG else {"lang": lang}
    if period:
        query["period"] = period
    return f"/brief/{code}?{urlencode(query)}" if query else f"/brief/{code}"


# 督办: the forms post here (``routes.tasks``).
TASK_NEW = "/tasks/new"


def task_href(task_id: int) -> str:
    return f"/tasks/{task_id}"


def export_href(table: str, lang: str, **query: str | None) -> str:
    """The CSV download of one table (``routes.exports``): a plain URL that can be shared."""
    args = {k: v for k, v in query.items() if v}
    args["lang"] = lang
    return f"/export/{table}.csv?" + "&".join(f"{k}={quote(str(v))}" for k, v in args.items())


def buildings_href(version: str, scope_code: str, code: str, lang: str) -> str:
    """An area's buildings as GeoJSON (``routes.geometry``), for one data version and scope,
    their communities named in ``lang``."""
    path = f"/geo/{version}/{scope_code}/{code}/building.geojson"
    return path if lang == DEFAULT_LANG else f"{path}?lang={lang}"


def geometry_href(version: str, scope_code: str, parent_code: str, level: str) -> str:
    """A level's shapes under ``parent_code`` (``routes.geometry``), for one data version
    and scope: the browser keeps it for good."""
    return f"/geo/{version}/{scope_code}/{parent_code}/{level}.json"
