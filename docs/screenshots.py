"""Regenerate the screenshots in docs/screenshots/ from a running cockpit, signed in as
the demo's district viewer (from data/demo-logins.txt, which `cockpit demo` writes).

make run                      # in one terminal
.venv/bin/python docs/screenshots.py http://127.0.0.1:8050 [name.png ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).parent / "screenshots"
LOGINS = Path(__file__).parent.parent / "data" / "demo-logins.txt"
VIEWS = [
    ("wall-1920x1080.png", "/wall?dwell=600&scene=2d", (1920, 1080)),
    ("wall-3840x2160.png", "/wall?dwell=600&scene=2d", (3840, 2160)),
    ("district-3840x2160.png", "/", (3840, 2160)),
    ("district-1920x1080.png", "/", (1920, 1080)),
    ("street-points-1920x1080.png", "/street/330103002?layers=hotline,parking", (1920, 1080)),
    ("park-1920x1080.png", "/park/330103008P01", (1920, 1080)),
    ("street-1280x800.png", "/street/330103008", (1280, 800)),
    ("street-en-1920x1080.png", "/street/330103008?lang=en", (1920, 1080)),
    ("community-1920x1080.png", "/community/330103002053", (1920, 1080)),
    ("district-1280x800.png", "/", (1280, 800)),
    ("catalog-1920x1080.png", "/catalog", (1920, 1080)),
    ("indicators-1920x1080.png", "/indicators", (1920, 1080)),
    ("dept-market-supervision-1920x1080.png", "/dept/market_supervision", (1920, 1080)),
    ("scene3d-1920x1080.png", "/3d", (1920, 1080)),
    ("wall-scene-3840x2160.png", "/wall?dwell=600&scene=3d", (3840, 2160)),
]
MAP = "#area-map .js-plotly-plot canvas"
# Pages without a map are ready when their main table or list is drawn.
READY = {
    "/catalog": ".catalog-table",
    "/indicators": ".dict-entry",
    "/wall?dwell=600&scene=2d": "#wall-map .js-plotly-plot canvas",
    "/3d": "#scene3d[data-state=drawn]",
    "/wall?dwell=600&scene=3d": "#wall-scene[data-state=drawn]",
}


def demo_login(who: str = "demo-district") -> tuple[str, str]:
    for line in LOGINS.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts and parts[0] == who:
            return parts[0], parts[1]
    raise SystemExit(f"{who} is not in {LOGINS}: run `cockpit demo` first")


def main(base: str, only: list[str]) -> None:
    OUT.mkdir(exist_ok=True)
    name, password = demo_login()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/login")
        page.fill("#login-name", name)
        page.fill("#login-password", password)
        page.click("#login-submit")
        page.wait_for_url(lambda u: "/login" not in u)
        state = context.storage_state()
        context.close()
        for shot, path, (width, height) in VIEWS:
            if only and shot not in only:
                continue
            context = browser.new_context(
                viewport={"width": width, "height": height}, storage_state=state
            )
            page = context.new_page()
            page.goto(base + path)
            if path.startswith("/dept/"):
                page.wait_for_selector(".dept-matrix")
            elif path in READY:
                page.wait_for_selector(READY[path])
            else:
                page.wait_for_selector(MAP)
                page.wait_for_function(
                    "() => { const g = document.querySelector('#area-map .js-plotly-plot');"
                    " return g._fullLayout.map._subplot.map.loaded() && g.__fitted; }"
                )
            page.wait_for_timeout(800)
            page.screenshot(path=OUT / shot)
            context.close()
            print(OUT / shot)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050", sys.argv[2:])
