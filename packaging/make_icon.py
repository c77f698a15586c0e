"""Draw the app icon: a red 年 on a white square. Writes resources/icons/nianbao.png (256 px) and nianbao.ico
(16–256 px). The generated files are committed; run this again only to change the icon:

    python packaging/make_icon.py [--font PATH_TO_CJK_TTF_OR_TTC]

Needs Pillow and a CJK TrueType font (default: WenQuanYi Micro Hei, Debian's fonts-wqy-microhei, whose glyph
outlines may be used under its Apache-2.0 option).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
RED = (200, 16, 46, 255)  # 中国红, close to the red of an official document's header
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw(size: int, font_path: str) -> Image.Image:
    scale = 4  # draw large, then downsample: smooth edges at every size
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    radius = big // 8
    border = max(scale, big // 64)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=(255, 255, 255, 255), outline=RED, width=border)
    font = ImageFont.truetype(font_path, int(big * 0.78), index=0)
    left, top, right, bottom = pen.textbbox((0, 0), "年", font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    # a slightly thicker stroke so the character stays legible at 16 px
    pen.text((x, y), "年", font=font, fill=RED, stroke_width=max(1, big // 96), stroke_fill=RED)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", default=DEFAULT_FONT)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    largest = draw(256, args.font)
    largest.save(OUT / "nianbao.png", optimize=True)
    # Each size drawn on its own (not scaled from 256 px) for crisp small icons.
    frames = {w: draw(w, args.font) for w, _ in ICO_SIZES}
    frames[256].save(OUT / "nianbao.ico", sizes=ICO_SIZES, append_images=[frames[w] for w, _ in ICO_SIZES if w != 256])
    print(f"wrote {OUT / 'nianbao.png'} and {OUT / 'nianbao.ico'}")


if __name__ == "__main__":
    main()
