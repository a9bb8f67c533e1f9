"""Subtitles in the source script, shaped with raqm.

Fonts are the Noto Sans variable fonts of the ``manimgx-fonts`` package, chosen per word by the
word's Unicode script (so a Telugu line with an English name uses both fonts), then by the line's
language code. Indic scripts need OpenType shaping (conjuncts, reordered vowel signs); Pillow does
it only with the raqm layout engine (libraqm → HarfBuzz), so rendering refuses to draw without it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, features

from .constants import SUBTITLE_BAND, WIDTH
from .errors import RenderError

FONT_SIZE = 38
MIN_FONT_SIZE = 26
MAX_LINES = 2
MAX_LINE_WIDTH = int(WIDTH * 0.9)
WEIGHT = 620
"""Weight axis value (Noto variable fonts span 400-700): semi-bold reads well over video."""
STROKE = 3
WORD_GAP = 0.28
"""Space between words, as a fraction of the font size."""
BAND_ALPHA = 150
LINE_GAP = 4

SCRIPT_FONTS: dict[str, str] = {
    "TELUGU": "NotoSansTelugu[wght].ttf",
    "DEVANAGARI": "NotoSansDevanagari[wght].ttf",
    "TAMIL": "NotoSansTamil[wght].ttf",
    "BENGALI": "NotoSansBengali[wght].ttf",
    "GUJARATI": "NotoSansGujarati[wght].ttf",
    "GURMUKHI": "NotoSansGurmukhi[wght].ttf",
    "KANNADA": "NotoSansKannada[wght].ttf",
    "MALAYALAM": "NotoSansMalayalam[wght].ttf",
    "ORIYA": "NotoSansOriya[wght].ttf",
    "LATIN": "NotoSans[wght].ttf",
}
"""Unicode script name (first word of the character name) → Noto font file."""

LANGUAGE_SCRIPTS: dict[str, str] = {
    "te": "TELUGU",
    "hi": "DEVANAGARI",
    "mr": "DEVANAGARI",
    "ta": "TAMIL",
    "bn": "BENGALI",
    "gu": "GUJARATI",
    "pa": "GURMUKHI",
    "kn": "KANNADA",
    "ml": "MALAYALAM",
    "or": "ORIYA",
    "en": "LATIN",
}


def font_dir() -> str:
    """The directory of the ``manimgx_fonts`` package.

    Raises:
        RenderError: ``FONT_MISSING`` when the package is not installed.
    """
    try:
        import manimgx_fonts
    except ImportError as exc:
        raise RenderError("the manimgx-fonts package is not installed", reason="FONT_MISSING") from exc
    return str(os.path.dirname(os.path.abspath(str(manimgx_fonts.__file__))))


def require_raqm() -> None:
    """Raise ``RenderError(FONT_MISSING)`` unless Pillow has the raqm layout engine."""
    if not features.check("raqm"):
        raise RenderError("Pillow was built without raqm: Indic text cannot be shaped", reason="FONT_MISSING")


@functools.lru_cache(maxsize=64)
def load_font(script: str, size: int, layout: ImageFont.Layout = ImageFont.Layout.RAQM) -> ImageFont.FreeTypeFont:
    """The Noto font for a Unicode ``script`` at ``size`` px, semi-bold, with ``layout``.

    Raises:
        RenderError: ``FONT_MISSING`` when the font file is absent or raqm is missing (RAQM layout).
    """
    if layout == ImageFont.Layout.RAQM:
        require_raqm()
    path = os.path.join(font_dir(), SCRIPT_FONTS.get(script, SCRIPT_FONTS["LATIN"]))
    try:
        font = ImageFont.truetype(path, size, layout_engine=layout)
    except OSError as exc:
        raise RenderError(f"cannot open font {path}", reason="FONT_MISSING") from exc
    # a static font, or FreeType without variation support, keeps its regular weight
    with contextlib.suppress(OSError, AttributeError):
        font.set_variation_by_axes([WEIGHT])
    return font


def script_of(text: str) -> str | None:
    """The Unicode script of the first letter of ``text`` (e.g. ``"TELUGU"``), None without letters."""
    for ch in text:
        if unicodedata.category(ch)[0] in ("L", "M"):
            name = unicodedata.name(ch, "")
            word = name.split(" ")[0]
            return word if word in SCRIPT_FONTS else "LATIN"
    return None


@dataclass(frozen=True)
class _Word:
    text: str
    script: str
    width: float


@dataclass(frozen=True)
class SubtitleLayout:
    """Lines of words, each word with its script, and the font size they fit at."""

    lines: tuple[tuple[tuple[str, str], ...], ...]
    size: int


def _words(text: str, language_code: str, size: int) -> list[_Word]:
    default = LANGUAGE_SCRIPTS.get(language_code.split("-")[0].lower(), "LATIN")
    out: list[_Word] = []
    for token in text.split():
        script = script_of(token) or default
        out.append(_Word(token, script, load_font(script, size).getlength(token)))
    return out


def layout(text: str, language_code: str) -> SubtitleLayout:
    """Wrap ``text`` greedily into at most two lines no wider than 90% of the frame.

    Tries ``FONT_SIZE`` down to ``MIN_FONT_SIZE``; if the text still needs more than two lines, the
    second line ends with an ellipsis.
    """
    size = FONT_SIZE
    while True:
        gap = size * WORD_GAP
        lines: list[list[_Word]] = []
        width = 0.0
        for word in _words(text, language_code, size):
            if lines and width + gap + word.width <= MAX_LINE_WIDTH:
                lines[-1].append(word)
                width += gap + word.width
            else:
                lines.append([word])
                width = word.width
        if len(lines) <= MAX_LINES or size <= MIN_FONT_SIZE:
            break
        size -= 4
    if len(lines) > MAX_LINES:
        kept = lines[:MAX_LINES]
        last = kept[-1]
        ellipsis = _Word("…", "LATIN", load_font("LATIN", size).getlength("…"))
        while last and sum(w.width for w in last) + gap * len(last) + ellipsis.width > MAX_LINE_WIDTH:
            last.pop()
        last.append(ellipsis)
        lines = kept
    return SubtitleLayout(tuple(tuple((w.text, w.script) for w in line) for line in lines), size)


@functools.lru_cache(maxsize=32)
def subtitle_overlay(text: str, language_code: str) -> Image.Image | None:
    """An RGBA image ``WIDTH`` x band height to paste at ``(0, SUBTITLE_BAND[0])``, or None for no text.

    White semi-bold text with a dark stroke, centred, on a translucent dark box around the lines;
    every non-transparent pixel lies inside ``SUBTITLE_BAND``.

    Raises:
        RenderError: ``FONT_MISSING`` without a font or raqm.
    """
    if not text.strip():
        return None
    lay = layout(text, language_code)
    top, bottom = SUBTITLE_BAND
    band_h = bottom - top
    image = Image.new("RGBA", (WIDTH, band_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    gap = lay.size * WORD_GAP
    line_h = int(lay.size * 1.42)
    block_h = line_h * len(lay.lines) + LINE_GAP * (len(lay.lines) - 1)
    y = max(0, (band_h - block_h) // 2)
    placed: list[tuple[float, int, list[tuple[str, ImageFont.FreeTypeFont, float]]]] = []
    max_w = 0.0
    for line in lay.lines:
        words = [(w, load_font(s, lay.size), load_font(s, lay.size).getlength(w)) for w, s in line]
        width = sum(w for _, _, w in words) + gap * (len(words) - 1)
        max_w = max(max_w, width)
        placed.append(((WIDTH - width) / 2, y, words))
        y += line_h + LINE_GAP
    pad_x, pad_y = 18, 6
    box_top = max(0, placed[0][1] - pad_y)
    box_bottom = min(band_h, y - LINE_GAP + pad_y)
    box_left = max(0, int((WIDTH - max_w) / 2 - pad_x))
    draw.rounded_rectangle((box_left, box_top, WIDTH - box_left, box_bottom - 1), radius=10, fill=(0, 0, 0, BAND_ALPHA))
    for x, line_y, words in placed:
        for text_word, font, width in words:
            draw.text(
                (x, line_y + int(line_h * 0.72)),
                text_word,
                font=font,
                anchor="ls",
                fill=(255, 255, 255, 255),
                stroke_width=STROKE,
                stroke_fill=(10, 10, 10, 255),
            )
            x += width + gap
    return image
