"""Subtitles in the source script, shaped with raqm, every character set in a font that has it.

Fonts are the Noto variable fonts of the ``manimgx-fonts`` package (SIL Open Font License 1.1):
the script fonts, Noto Sans (Latin, digits, punctuation), Noto Sans Symbols and Noto Emoji
(monochrome). Each word is cut into runs, each set in the first font whose character map has the
run's characters (:func:`font_for`): the character's own script font, the line language's font,
Noto Sans, Symbols, Emoji, then any other bundled script font. Combining marks, joiners and
variation selectors stay in the run of the character they attach to, so an Indic syllable is
always shaped whole. A visible character no bundled font has is replaced by :data:`REPLACEMENT`
rather than drawn as a missing-glyph box. Indic scripts need OpenType shaping (conjuncts,
reordered vowel signs); Pillow does it only with the raqm layout engine (libraqm → HarfBuzz), so
rendering refuses to draw without it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, features

from services.scene.cues import AVOID, boundary_costs

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
LINE_BALANCE = 8.0
"""Cost of two lines differing by the full ``MAX_LINE_WIDTH``, applied to the squared difference: a
break after a comma (0.5) wins over a balanced bare word gap (3.0) while the lines differ by less
than 56% of the width, and a one-word orphan (about 90%) costs 6.5, more than any bare word gap."""
LINE_NEVER = 50.0
"""Cost given to a break the cue splitter never takes (after "the", "एक"): used only when no
other two-line split fits."""

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
    "SYMBOLS": "NotoSansSymbols[wght].ttf",
    "EMOJI": "NotoEmoji[wght].ttf",
}
"""Font key (a Unicode script name, the first word of a character's name, or SYMBOLS / EMOJI) → Noto
font file."""

FALLBACK_ORDER: tuple[str, ...] = ("LATIN", "SYMBOLS", "EMOJI")
"""Fonts tried after the character's script font and the line language's font, in order."""

REPLACEMENT = "?"
"""Drawn (in Noto Sans) for a visible character that no bundled font has."""

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
    path = font_path(script)
    try:
        font = ImageFont.truetype(path, size, layout_engine=layout)
    except OSError as exc:
        raise RenderError(f"cannot open font {path}", reason="FONT_MISSING") from exc
    # a static font, or FreeType without variation support, keeps its regular weight
    with contextlib.suppress(OSError, AttributeError):
        font.set_variation_by_axes([WEIGHT])
    return font


def font_path(key: str) -> str:
    """The file of the font ``key`` (see :data:`SCRIPT_FONTS`; unknown keys give Noto Sans)."""
    return os.path.join(font_dir(), SCRIPT_FONTS.get(key, SCRIPT_FONTS["LATIN"]))


@functools.lru_cache(maxsize=32)
def coverage(key: str) -> frozenset[int]:
    """The code points the font ``key`` maps to a glyph, from its own ``cmap`` table (fontTools).

    Raises:
        RenderError: ``FONT_MISSING`` when the font file cannot be read.
    """
    from fontTools.ttLib import TTFont

    try:
        with TTFont(font_path(key), lazy=True) as font:
            return frozenset(font.getBestCmap())
    except OSError as exc:
        raise RenderError(f"cannot read font {font_path(key)}", reason="FONT_MISSING") from exc


def is_attached(ch: str) -> bool:
    """True for characters set with the one before them: combining marks, ZWJ/ZWNJ, variation
    selectors and emoji modifiers."""
    cp = ord(ch)
    return (
        unicodedata.category(ch).startswith("M")
        or ch in "\u200c\u200d"
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0100 <= cp <= 0xE01EF
        or 0x1F3FB <= cp <= 0x1F3FF
        or 0xE0020 <= cp <= 0xE007F
    )


def is_invisible(ch: str) -> bool:
    """True for default-ignorable format characters (joiners, selectors...): HarfBuzz hides them
    when a font lacks them, so they need no glyph."""
    cp = ord(ch)
    return unicodedata.category(ch) == "Cf" or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def font_for(ch: str, default: str) -> str | None:
    """The key of the first font covering ``ch``: its script font, ``default``, then
    :data:`FALLBACK_ORDER`, then the other script fonts; None when no bundled font has it."""
    own = script_of(ch)
    order = [k for k in (own, default) if k] + list(FALLBACK_ORDER) + list(SCRIPT_FONTS)
    for key in dict.fromkeys(order):
        if ord(ch) in coverage(key):
            return key
    return None


def font_runs(word: str, default: str) -> tuple[tuple[str, str], ...]:
    """``word`` cut into ``(text, font key)`` runs, each covered by its font (see the module doc).

    Attached characters (marks, joiners, selectors) join the run before them; an uncovered
    visible character becomes :data:`REPLACEMENT` in Noto Sans; invisible ones stay where they are.
    """
    runs: list[list[str]] = []
    for ch in word:
        if runs and (is_attached(ch) or is_invisible(ch)):
            runs[-1][0] += ch
            continue
        key = font_for(ch, default)
        if key is None:
            ch, key = (ch, default) if is_invisible(ch) else (REPLACEMENT, "LATIN")
        if runs and runs[-1][1] == key:
            runs[-1][0] += ch
        else:
            runs.append([ch, key])
    return tuple((text, key) for text, key in runs)


def script_of(text: str) -> str | None:
    """The Unicode script of the first letter of ``text`` (e.g. ``"TELUGU"``), None without letters."""
    for ch in text:
        if unicodedata.category(ch)[0] in ("L", "M"):
            name = unicodedata.name(ch, "")
            word = name.split(" ")[0]
            return word if word in SCRIPT_FONTS else "LATIN"
    return None


Run = tuple[str, str]
"""A piece of a word and the key of the font it is set in."""


@dataclass(frozen=True)
class _Word:
    runs: tuple[Run, ...]
    width: float


@dataclass(frozen=True)
class SubtitleLayout:
    """Lines of words, each word a tuple of ``(text, font key)`` runs, and the font size they fit at."""

    lines: tuple[tuple[tuple[Run, ...], ...], ...]
    size: int


def runs_width(runs: tuple[Run, ...], size: int) -> float:
    """Advance width in pixels of ``runs`` set at ``size`` px."""
    return sum(load_font(key, size).getlength(text) for text, key in runs)


def _words(text: str, language_code: str, size: int) -> list[_Word]:
    default = LANGUAGE_SCRIPTS.get(language_code.split("-")[0].lower(), "LATIN")
    out: list[_Word] = []
    for token in text.split():
        runs = font_runs(token, default)
        out.append(_Word(runs, runs_width(runs, size)))
    return out


def _greedy(words: list[_Word], gap: float) -> list[list[_Word]]:
    """``words`` filled into lines no wider than ``MAX_LINE_WIDTH``, each as full as it goes."""
    lines: list[list[_Word]] = []
    width = 0.0
    for word in words:
        if lines and width + gap + word.width <= MAX_LINE_WIDTH:
            lines[-1].append(word)
            width += gap + word.width
        else:
            lines.append([word])
            width = word.width
    return lines


def _balanced(words: list[_Word], costs: list[float], gap: float, limit: float | None) -> list[list[_Word]] | None:
    """``words`` on one line if they fit, else on the two lines of least cost; None if no two fit.

    Only splits after word ``i`` with ``costs[i - 1] < limit`` are tried (any split when ``limit``
    is None). A split costs ``LINE_BALANCE`` times the squared width difference of the lines (in
    fractions of ``MAX_LINE_WIDTH``) plus ``costs[i - 1]``, the phrase-boundary cost of breaking
    there.
    """
    if not words:
        return []
    ends = [0.0]
    for word in words:
        ends.append(ends[-1] + word.width)
    n = len(words)
    if ends[n] + gap * (n - 1) <= MAX_LINE_WIDTH:
        return [words]
    best: tuple[float, int] | None = None
    for i in range(1, n):
        top = ends[i] + gap * (i - 1)
        bottom = ends[n] - ends[i] + gap * (n - i - 1)
        if top > MAX_LINE_WIDTH or bottom > MAX_LINE_WIDTH or (limit is not None and costs[i - 1] >= limit):
            continue
        cost = LINE_BALANCE * ((top - bottom) / MAX_LINE_WIDTH) ** 2 + min(costs[i - 1], LINE_NEVER)
        if best is None or cost < best[0]:
            best = (cost, i)
    return None if best is None else [words[: best[1]], words[best[1] :]]


def layout(text: str, language_code: str) -> SubtitleLayout:
    """Lay ``text`` out on at most two lines no wider than 90% of the frame.

    One line when it fits. Otherwise two lines of similar width, broken at a phrase boundary
    (:func:`services.scene.cues.boundary_costs`: after punctuation, before a conjunction or after
    a verb): the break minimises ``LINE_BALANCE`` x (width difference / ``MAX_LINE_WIDTH``)² + the
    boundary's cost. Font sizes ``FONT_SIZE`` down to ``MIN_FONT_SIZE`` (steps of 4 px) are tried
    first with breaks cheaper than :data:`~services.scene.cues.AVOID` (never after an article,
    numeral, conjunction, possessive or adjective, nor before a postposition or auxiliary), then
    with any break. Text that fits no two lines even then (more text, or a word wider than a line)
    is filled greedily at ``MIN_FONT_SIZE``; beyond two lines, the second ends with an ellipsis.
    Blank text has no lines.
    """
    costs = boundary_costs(text.split())
    balanced: list[list[_Word]] | None = None
    for limit in (AVOID, None):  # a worse break only when no font size allows a good one
        size = FONT_SIZE
        while True:
            gap = size * WORD_GAP
            words = _words(text, language_code, size)
            balanced = _balanced(words, costs, gap, limit)
            if balanced is not None or size <= MIN_FONT_SIZE:
                break
            size -= 4
        if balanced is not None:
            break
    lines = balanced if balanced is not None else _greedy(words, gap)
    if len(lines) > MAX_LINES:
        kept = lines[:MAX_LINES]
        last = kept[-1]
        ellipsis = _Word((("…", "LATIN"),), load_font("LATIN", size).getlength("…"))
        while last and sum(w.width for w in last) + gap * len(last) + ellipsis.width > MAX_LINE_WIDTH:
            last.pop()
        last.append(ellipsis)
        lines = kept
    return SubtitleLayout(tuple(tuple(w.runs for w in line) for line in lines), size)


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
    placed: list[tuple[float, int, list[tuple[tuple[Run, ...], float]]]] = []
    max_w = 0.0
    for line in lay.lines:
        words = [(runs, runs_width(runs, lay.size)) for runs in line]
        width = sum(w for _, w in words) + gap * (len(words) - 1)
        max_w = max(max_w, width)
        placed.append(((WIDTH - width) / 2, y, words))
        y += line_h + LINE_GAP
    pad_x, pad_y = 18, 6
    box_top = max(0, placed[0][1] - pad_y)
    box_bottom = min(band_h, y - LINE_GAP + pad_y)
    box_left = max(0, int((WIDTH - max_w) / 2 - pad_x))
    draw.rounded_rectangle((box_left, box_top, WIDTH - box_left, box_bottom - 1), radius=10, fill=(0, 0, 0, BAND_ALPHA))
    for x, line_y, words in placed:
        for runs, width in words:
            run_x = x
            for text_run, key in runs:
                font = load_font(key, lay.size)
                draw.text(
                    (run_x, line_y + int(line_h * 0.72)),
                    text_run,
                    font=font,
                    anchor="ls",
                    fill=(255, 255, 255, 255),
                    stroke_width=STROKE,
                    stroke_fill=(10, 10, 10, 255),
                )
                run_x += font.getlength(text_run)
            x += width + gap
    return image
