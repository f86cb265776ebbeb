"""The cockpit's home-screen icons (web app manifest): drawn, not downloaded.

    .venv/bin/python packaging/icons.py

Writes ``dashboard/assets/icons/icon-{192,512}.png`` and ``icon-maskable-512.png``: the
header's deep blue, a stylised city of three towers and the red-amber-green of the
cockpit's statuses. Drawn with Pillow so that the recipe is in the repository; no font."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "dashboard" / "assets" / "icons"
BLUE, DEEP = (15, 58, 107), (10, 38, 72)
STATUS = ((46, 157, 106), (224, 162, 30), (214, 69, 69))


def icon(size: int, maskable: bool = False) -> Image.Image:
    scale = 4  # drawn large, then reduced: smooth edges without a font or an SVG renderer
    big = size * scale
    image = Image.new("RGB", (big, big), BLUE)
    draw = ImageDraw.Draw(image)
    # A maskable icon keeps everything inside the central 80% (the platform's safe zone).
    inset = big * (0.2 if maskable else 0.12)
    left, right, ground = inset, big - inset, big - inset
    width = (right - left) / 3.6
    for n, (height, colour) in enumerate(zip((0.45, 0.7, 0.55), STATUS, strict=True)):
        x = left + n * width * 1.3
        top = ground - (ground - inset) * height
        draw.rectangle([x, top, x + width, ground], fill=(233, 238, 245))
        draw.rectangle([x, top, x + width, top + width * 0.35], fill=colour)
    draw.rectangle(
        [left - width * 0.2, ground, right + width * 0.2, ground + big * 0.02], fill=DEEP
    )
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
