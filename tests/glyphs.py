"""Whether a screenshot draws Chinese as Chinese: without a CJK font, chromium draws every Chinese
character as the same missing-glyph box ("tofu"), and a screenshot is taken all the same. The
tests of the HTML audit (test_report_html.py) and of the workspace (test_serve_browser.py) look
at the pixels with these: characters that differ must give bitmaps that differ."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from PIL import Image, ImageChops, ImageFilter, ImageStat

Box = tuple[int, int, int, int]


def _ink(im: Image.Image) -> Image.Image:
    """Dark pixels as 255, the rest 0 (one byte a pixel)."""
    return im.convert("L").point(lambda v: 255 if v < 128 else 0)


def first_line(im: Image.Image) -> Box:
    """The first band of rows with ink from the top of a screenshot, the full width."""
    ink = _ink(im)
    rows = [ink.crop((0, y, ink.width, y + 1)).getbbox() is not None for y in range(ink.height)]
    top = rows.index(True) if True in rows else 0
    bottom = rows.index(False, top) if False in rows[top:] else ink.height
    return 0, top, ink.width, bottom


def glyph_crops(im: Image.Image, box: Box, n: int) -> list[Image.Image | None]:
    """The ink of ``n`` characters side by side in ``box``: the box's ink cut in ``n`` equal
    slices, each cropped to its own ink (None: a slice without any). Characters of one width
    each fall in their own slice: a CJK character is one em wide, and so is a box."""
    ink = _ink(im.crop(box))
    bbox = ink.getbbox()
    if bbox is None:
        return [None] * n
    x0, y0, x1, y1 = bbox
    width = (x1 - x0) / n
    out: list[Image.Image | None] = []
    for k in range(n):
        piece = ink.crop((round(x0 + k * width), y0, round(x0 + (k + 1) * width), y1))
        b = piece.getbbox()
        out.append(piece.crop(b) if b is not None else None)
    return out


def _stray(a: Image.Image, b: Image.Image) -> float:
    """The share of ``a``'s ink farther than a pixel from ``b``'s (both at the top left of one
    canvas): a box drawn a pixel off is the same box, a different character is not."""
    w, h = max(a.width, b.width), max(a.height, b.height)
    pa, pb = Image.new("L", (w, h)), Image.new("L", (w, h))
    pa.paste(a, (0, 0))
    pb.paste(b, (0, 0))
    near = pb.filter(ImageFilter.MaxFilter(3))
    ink = pa.histogram()[255]
    outside = ImageChops.subtract(pa, near).histogram()[255]
    return outside / ink if ink else 0.0


def _unlike(a: Image.Image, b: Image.Image) -> float:
    """How far apart two glyphs look once both are scaled to 12×12 (0 to 1): a box one pixel
    wider is still the same box."""
    small = [g.resize((12, 12), Image.Resampling.BOX) for g in (a, b)]
    return float(ImageStat.Stat(ImageChops.difference(*small)).mean[0]) / 255


def alike(a: Image.Image, b: Image.Image) -> bool:
    """Two glyphs drawn the same. Measured: missing-glyph boxes give a stray share of 0 and are
    at most 0.16 unlike (12 and 13 pixels wide at 26px); the 26px bold heading's characters in
    WenQuanYi Micro Hei are at least 0.09 stray (抽 and 报, which share 扌) and 0.27 unlike, at
    64px at least 0.35 and 0.36."""
    return max(_stray(a, b), _stray(b, a)) < 0.03 and _unlike(a, b) < 0.2


def tofu(crops: Sequence[Image.Image | None]) -> str | None:
    """Why ``crops`` (of distinct characters) are not drawn as distinct glyphs, or None.

    >>> box = Image.new("L", (10, 14), 255)
    >>> box.paste(0, (1, 1, 9, 13)); box.paste(255, (2, 2, 8, 12))
    >>> tofu(glyph_crops(box, (0, 0, 10, 14), 1) * 2)
    'characters 1 and 2 are drawn the same (a missing-glyph box)'
    """
    if any(c is None for c in crops):
        return "nothing drawn for some characters"
    drawn = [c for c in crops if c is not None]
    for (i, a), (j, b) in combinations(enumerate(drawn, 1), 2):
        if alike(a, b):
            return f"characters {i} and {j} are drawn the same (a missing-glyph box)"
    return None




def crops_at(im: Image.Image, boxes: Sequence[Box]) -> list[Image.Image | None]:
    """The ink of the character in each box of a screenshot (the box's ink cropped to itself;
    None for a box without any)."""
    return [glyph_crops(im, box, 1)[0] for box in boxes]
