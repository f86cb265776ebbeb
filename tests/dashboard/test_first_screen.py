"""The page sent as HTML in the first answer (``dashboard/shell/first_screen.py``): an
official on a slow phone reads the header, the headline and 需关注 before any script has
run, and what the copy says is exactly what the app then draws, for that caller."""

from __future__ import annotations

import html
import re

import orjson
import pytest
from dash import dcc
from dash import html as dhtml

from dashboard.dash_adapter import component_json
from dashboard.shell.first_screen import render
from tests.helpers.cockpits import COMMUNITY, STREET

COPY = re.compile(r'(<div id="first-screen"[^>]*>.*?)<div id="react-entry-point">', re.S)
# What the app draws that a copy cannot: graphs' figures, and the values a dropdown
# offers but has not chosen.
_DRAWN_BY_SCRIPT = {"Graph", "Store", "Interval", "Location", "Dropdown", "RadioItems",
                    "Checklist", "Input", "Textarea"}  # fmt: skip


def _copy(page_html: str) -> str | None:
    found = COPY.search(page_html)
    return found.group(1) if found else None


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _texts(node: object) -> list[str]:
    """The words of component JSON, as the app will show them."""
    if isinstance(node, str):
        return [node] if node.strip() else []
    if isinstance(node, int | float) and not isinstance(node, bool):
        return [str(int(node) if float(node).is_integer() else node)]
    if isinstance(node, list):
        return [text for child in node for text in _texts(child)]
    if isinstance(node, dict) and node.get("type") not in _DRAWN_BY_SCRIPT:
        return _texts((node.get("props") or {}).get("children"))
    return []


def _opened(visitor, site, path: str) -> tuple[str | None, list[str], str]:
    """The copy in ``path``'s HTML, the words of the page the app draws there for the same
    caller (its layout, asked for as the browser asks), and the HTML's Cache-Control."""
    answer = visitor.get(f"{site.url}{path}")
    assert answer.status_code == 200
    layout = visitor.get(f"{site.url}/_dash-layout", headers={"Referer": f"{site.url}{path}"})
    return _copy(answer.text), _texts(layout.json()), answer.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "persona, path",
    [
        ("district", "/"),
        ("district", f"/street/{STREET}"),
        ("street", f"/street/{STREET}"),
        ("community", f"/community/{COMMUNITY}"),
        ("kiosk_street", "/"),
    ],
)
def test_the_page_comes_as_html_saying_what_the_app_then_draws(site, people, persona, path):
    visitor = site.visitor(people[persona])
    copy, words, kept = _opened(visitor, site, path)
    assert copy is not None, "no first screen in the page's HTML"
    opening = copy[: copy.index(">") + 1]
    assert " inert" in opening, "the copy can be clicked before the app has drawn it"
    # No ids: a script asking for #period-select finds the app's own, never the copy.
    assert re.findall(r'\sid="', copy) == [' id="']
    shown = _text(copy)
    missing = [word for word in words if word not in shown]
    assert words and not missing, f"the copy lacks {missing[:5]}"
    # It is this caller's page at this moment: no browser or proxy keeps it.
    assert kept == "private, no-store"


def test_the_district_copy_has_the_first_screen_an_official_needs(site, people):
    visitor = site.visitor(people["district"])
    copy, _words, _kept = _opened(visitor, site, "/")
    layout = visitor.get(f"{site.url}/_dash-layout", headers={"Referer": f"{site.url}/"}).text
    for part in ('class="cockpit-header"', 'class="head-count red"', 'class="headline-tile',
                 'class="dash-dropdown period-select"', 'class="kpi-card'):  # fmt: skip
        assert part in copy, part
    # The cards' sparklines, inline SVG, come with them.
    sparks = len(re.findall(r'"src":\s*"data:image(?:/|\\u002f)svg\+xml', layout))
    assert sparks > 0 and copy.count('src="data:image/svg+xml') == sparks
    # Every alert the app lists, in the copy too, and every KPI card.
    for kind in ("alert-item", "kpi-card"):
        drawn = len(re.findall(rf'"className":\s*"{kind}[ "]', layout))
        assert drawn > 0 and len(re.findall(rf'class="{kind}[ "]', copy)) == drawn, kind


def test_another_streets_page_is_copied_only_as_the_app_refuses_it(site, people, wh):
    other = wh.execute(
        "SELECT code, name_zh FROM ind.area WHERE level = 'street' AND code <> ? ORDER BY code",
        [STREET],
    ).fetchone()
    visitor = site.visitor(people["street"])
    copy, words, _kept = _opened(visitor, site, f"/street/{other[0]}")
    assert copy is not None and "cockpit-header" not in copy
    assert other[1] not in _text(copy)
    assert all(word in _text(copy) for word in words)


def test_no_copy_without_a_session_nor_on_the_task_pages_or_the_wall(site, people):
    anonymous = site.visitor()
    answer = anonymous.get(f"{site.url}/", allow_redirects=False)
    assert answer.status_code in (302, 303) and _copy(answer.text) is None
    kiosk = site.visitor(people["kiosk"])
    wall = kiosk.get(f"{site.url}/wall")
    assert wall.status_code == 200 and _copy(wall.text) is None
    tasks = site.visitor(people["district"]).get(f"{site.url}/tasks")
    assert tasks.status_code == 200 and _copy(tasks.text) is None


def test_the_copy_escapes_words_and_drops_unsafe_links():
    tree = dhtml.Div(
        [
            dhtml.Span("<script>alert(1)</script> & 工单", className='x" onmouseover="y'),
            dhtml.A("go", href="javascript:alert(1)"),
            dhtml.Img(src="data:text/html;base64,PHNjcmlwdD4="),
            dhtml.Img(src="data:image/svg+xml;utf8,<svg/>", alt="趋势"),
            dcc.Link("street", href="/street/330103001000?lang=en&period=2026-11"),
            dhtml.Span(12.0),
            dcc.Graph(id="g", style={"height": "var(--map-height)", "minWidth": 0}),
        ],
        id="kept-out",
    )
    out = render(orjson.loads(component_json(tree)))
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; 工单" in out
    assert 'class="x&#34; onmouseover=&#34;y"' in out
    assert "javascript:" not in out and "<a>go</a>" in out
    assert "data:text/html" not in out and 'src="data:image/svg+xml;utf8,&lt;svg/&gt;"' in out
    assert 'href="/street/330103001000?lang=en&amp;period=2026-11"' in out
    assert "<span>12</span>" in out
    # A graph keeps its place and size, empty until the app draws it.
    graph = re.search(r"<div [^>]*dash-graph[^>]*></div>", out).group()
    assert 'style="height:var(--map-height);min-width:0"' in graph
    assert "kept-out" not in out


def test_scripts_never_hold_up_the_paint_and_assets_are_kept_for_good(site, people):
    visitor = site.visitor(people["district"])
    page = visitor.get(f"{site.url}/").text
    scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", page)
    assert len(scripts) > 10 and all(" defer " in tag for tag in scripts), scripts[:3]
    # Dash's renderer starts once the deferred scripts have run, not before.
    renderer = re.search(r'<script id="_dash-renderer"[^>]*>(.*?)</script>', page, re.S).group(1)
    assert "DOMContentLoaded" in renderer and "new DashRenderer" in renderer
    # An asset named with its file's time is kept by the browser without asking again;
    # the same file asked for without it is not.
    asset = re.search(r'src="(/assets/[^"]+\?m=[^"]+)"', page).group(1)
    kept = visitor.get(f"{site.url}{asset}")
    assert kept.status_code == 200
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    bare = visitor.get(f"{site.url}{asset.split('?')[0]}")
    assert bare.status_code == 200 and "immutable" not in bare.headers.get("Cache-Control", "")
