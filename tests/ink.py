"""Ink collisions: does any letter of one printed line touch a letter of another line?

In: a laid-out WeasyPrint document (`pipeline.formats.pdf.layout`, with `NO_RULES` added to its page CSS so
that only letters leave ink), or an edition page's HTML and CSS (`collisions_of_page`).
Out: the `Collision`s: page, the two lines (numbered from 1 on their page, in layout order: header and
footer lines are lines too), where (mm from the page's top right corner) and the rows the touching ink
spans. `stack_heights` measures how far words' ink reaches above and below the baseline, in em.

Definition. The lines are the document's LineBoxes, numbered per page in layout order. The page is drawn
CLASSES + 1 times: once with every line emptied (what is left is not letters: list bullets drawn outside a
line, images), and once per class c with only the lines whose number is c modulo CLASSES. Each drawing
is rasterised (pdftoppm, `dpi`, grey); a pixel is ink when darker than INK_LEVEL, and ink of the emptied
drawing is taken away from the others. The ink of a line is thus exactly what that line drew, nuqtas and
other marks included, though they are separate blobs on the page. Two lines collide where a pixel of one
line's ink is the same as, or one of the 8 neighbours of, a pixel of another line's ink (within
`reach` pixels: 1 means touching at that resolution); equivalently, one connected blob of the page's
ink holds ink of two lines. Lines CLASSES apart are in one class and are not told apart: three lines
is farther than any stack reaches. Touching points closer than GROUP pixels are one collision.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

CLASSES = 3
INK_LEVEL = 128  # grey value below which a pixel is ink (0 black, 255 white)
GROUP = 12  # touching pixels nearer than this (in pixels) are one collision
PX_PER_MM = 96 / 25.4  # WeasyPrint's CSS pixels
# Only letters leave ink: rules, borders, underlines and backgrounds keep their size but are not drawn.
NO_RULES = """
*, *::before, *::after, *::marker { border-color: transparent !important; background: none !important;
  text-decoration-color: transparent !important; outline-color: transparent !important; }
@page { @footnote { border-color: transparent !important; } }
"""


# The Urdu line heights before issue 11 (templates/style.css, print), to lay a page out as it was then.
OLD_URDU_LINE_HEIGHTS = """
html:lang(ur) { line-height: 2.2 !important; }
html:lang(ur) .headline, html:lang(ur) h1, html:lang(ur) h2, html:lang(ur) h3 { line-height: 2.2 !important; }
html:lang(ur) .fn-print { line-height: 2 !important; }
html:lang(ur) strong, html:lang(ur) b, html:lang(ur) th, html:lang(ur) .label, html:lang(ur) .author {
  line-height: inherit !important; }
"""


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    number: int  # 1-based, on its page
    baseline: float  # CSS px from the page top
    left: float
    right: float


@dataclass(frozen=True)
class Collision:
    page: int
    lines: tuple[int, int]  # the upper line first
    x_mm: float  # from the page's right edge (Urdu reads from there)
    y_mm: float  # from the page's top edge
    rows: tuple[int, int]  # the pixel rows the touching ink spans

    def __str__(self) -> str:
        return (f"page {self.page}, lines {self.lines[0]} and {self.lines[1]}: ink touches {self.x_mm:.0f} mm from "
                f"the right, {self.y_mm:.0f} mm from the top")


def line_boxes(document: Any) -> list[list[tuple[Any, Line]]]:
    """Every page's LineBoxes with where they are, in layout order."""
    from weasyprint.formatting_structure.boxes import LineBox

    pages = []
    for index, page in enumerate(document.pages):
        boxes = [box for box in page._page_box.descendants() if isinstance(box, LineBox)]
        pages.append([(box, Line(index + 1, number + 1, box.position_y + box.baseline, box.position_x,
                                 box.position_x + box.width)) for number, box in enumerate(boxes)])
    return pages


def _drawn(document: Any, pages: list[list[tuple[Any, Line]]], keep: int | None) -> bytes:
    """The PDF with only the lines of class `keep` (None: no line) drawn; the document is left as it was."""
    emptied = []
    for lines in pages:
        for box, line in lines:
            if keep is None or (line.number - 1) % CLASSES != keep:
                emptied.append((box, box.children))
                box.children = []
    try:
        return document.write_pdf()
    finally:
        for box, children in emptied:
            box.children = children


def rasterise(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Every page as an ink mask: mode L, 255 where ink, 0 elsewhere."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-", f"{folder}/p"], input=pdf, check=True)
        masks = []
        for path in sorted(Path(folder).glob("p*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            with Image.open(path) as grey:
                masks.append(grey.point(lambda value: 255 if value < INK_LEVEL else 0))
    return masks


def _grown(mask: Image.Image, reach: int) -> Image.Image:
    """The mask grown by `reach` pixels in all 8 directions (a square dilation, done as two passes of
    shifted copies: much faster than a rank filter). Shifts wrap around the page's edge, where the page
    margins hold no ink."""
    for dx, dy in ((1, 0), (0, 1)):
        grown = mask
        for step in range(1, reach + 1):
            grown = ImageChops.lighter(grown, ImageChops.offset(mask, dx * step, dy * step))
            grown = ImageChops.lighter(grown, ImageChops.offset(mask, -dx * step, -dy * step))
        mask = grown
    return mask


def _touching_points(mine: Image.Image, others: Image.Image, reach: int) -> list[tuple[int, int]]:
    """Pixels of `others` within `reach` pixels (8-neighbourhood) of a pixel of `mine`."""
    touch = ImageChops.darker(_grown(mine, reach), others)
    box = touch.getbbox()
    if box is None:
        return []
    crop = touch.crop(box)
    width = crop.width
    return [(box[0] + i % width, box[1] + i // width) for i, value in enumerate(crop.tobytes()) if value]


def _groups(points: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Points into groups of neighbours nearer than GROUP pixels (single linkage on a grid)."""
    groups: list[list[tuple[int, int]]] = []
    for point in sorted(points):
        for group in groups:
            if any(abs(point[0] - x) < GROUP and abs(point[1] - y) < GROUP for x, y in group[-50:]):
                group.append(point)
                break
        else:
            groups.append([point])
    return groups


def _nearest(lines: list[Line], cls: int, x: float, y: float) -> Line:
    """The line of class `cls` whose baseline is nearest to (x, y) among those spanning x, else among all."""
    candidates = [line for line in lines if (line.number - 1) % CLASSES == cls]
    spanning = [line for line in candidates if line.left - 2 <= x <= line.right + 2] or candidates
    return min(spanning, key=lambda line: abs(line.baseline - y))


def collisions(document: Any, dpi: int = 150, reach: int = 1) -> list[Collision]:
    """Every place where ink of one line touches ink of another; see the module's docstring."""
    pages = line_boxes(document)
    background = rasterise(_drawn(document, pages, None), dpi)
    classes = [[ImageChops.subtract(mask, base) for mask, base in zip(rasterise(_drawn(document, pages, c), dpi),
                                                                        background, strict=True)]
               for c in range(CLASSES)]
    scale = dpi / 96  # raster pixels per CSS pixel
    found = []
    for index, lines in enumerate(pages):
        width_px = background[index].width
        for a in range(CLASSES):
            for b in range(a + 1, CLASSES):
                points = _touching_points(classes[a][index], classes[b][index], reach)
                for group in _groups(points):
                    x, y = (sum(p[k] for p in group) / len(group) / scale for k in (0, 1))
                    pair = sorted((_nearest([line for _, line in lines], c, x, y) for c in (a, b)),
                                  key=lambda line: line.baseline)
                    rows = (min(p[1] for p in group), max(p[1] for p in group))
                    found.append(Collision(index + 1, (pair[0].number, pair[1].number),
                                           round((width_px / scale - x) / PX_PER_MM, 1), round(y / PX_PER_MM, 1), rows))
    return sorted(found, key=lambda c: (c.page, c.y_mm, c.x_mm))


def laid_out(html: str, page_rel: str, page_css: str, extra_css: str = "") -> Any:
    """An edition page laid out as the build lays it out, with only its letters drawn, and `extra_css`
    (e.g. other line heights) after the house style."""
    from pipeline.config import FONTS_DIR, TEMPLATES_DIR
    from pipeline.formats.pdf import Sources, layout

    document, _ = layout(html, page_rel, page_css + NO_RULES + extra_css, Sources(TEMPLATES_DIR, FONTS_DIR))
    return document


def stack_heights(words: list[str], font: Path, size: int = 100) -> list[tuple[float, float]]:
    """How far each word's ink reaches above and below its baseline, in em (to 1/size em): each word
    alone on a line far from the others, drawn in `font` at `size` CSS px and rasterised at 96 dpi."""
    import html

    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(string=f"@font-face {{ font-family: probe; src: url({font.as_uri()}); }} @page {{ size: 1500px "
                     f"{size * 12 * len(words) + 100}px; margin: 0 }} html {{ font: {size}px/12 probe }} "
                     "p { margin: 0; padding: 0 1em }", font_config=fonts)
    body = "".join(f"<p>{html.escape(word)}</p>" for word in words)
    document = HTML(string=f'<html lang="ur" dir="rtl"><body>{body}</body></html>').render(
        stylesheets=[css], font_config=fonts)
    (mask,) = rasterise(document.write_pdf(), 96)
    heights = []
    for _, line in line_boxes(document)[0]:
        top = int(line.baseline - 6 * size)
        box = mask.crop((0, top, mask.width, top + 12 * size)).getbbox()
        heights.append((0.0, 0.0) if box is None else
                       ((line.baseline - top - box[1]) / size, (box[3] - (line.baseline - top)) / size))
    return heights
