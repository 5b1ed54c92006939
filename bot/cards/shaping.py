"""Arabic text on images: one engine per renderer, never two.

* Raqm (HarfBuzz + FriBiDi) when Pillow has it: logical text in, ``direction`` and
  ``language="ar"`` on every call, Raqm joins the letters and orders the runs.
* The BASIC engine otherwise: each line is reshaped (``arabic_reshaper``, configured from the
  font's own cmap) and put in visual order (``python-bidi``), then the bidi marks that
  python-bidi leaves in are removed because BASIC would draw them as boxes.

Pre-reshaped text given to Raqm comes out corrupted, which is why the choice is made once and
the two paths never mix. Text is always stored and wrapped in logical order.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import arabic_reshaper
import regex
from bidi import get_display
from PIL import Image, ImageDraw, ImageFont

from bot.cards.blend import tint
from bot.cards.fonts import FontFace, FontLibrary
from bot.cards.memo import CacheReport, Lru
from bot.cards.wordmeter import WordMeter

if TYPE_CHECKING:
    from PIL.Image import core as _core

    Mask = tuple[_core.ImagingCore, tuple[int, int]]  # glyph coverage and its offset

_SPACES = regex.compile(r"\s+")
# Emoji modifiers, variation selectors, keycap and tag characters: invisible or meaningless
# once the emoji they decorate is gone, and in no news font.
_DECORATION = regex.compile(r"[\uFE00-\uFE0F\u20E3\U000E0000-\U000E007F\U000E0100-\U000E01EF]")
# Format characters: bidi marks and embeddings (U+200E/F, U+061C, U+202A–E, U+2066–9), ZWJ,
# ZWNJ … Raqm uses and hides them; the BASIC engine would draw each as a box.
_FORMAT = regex.compile(r"\p{Cf}")
# Control characters (category Cc: U+0000–001F, U+007F–009F) are dropped, except those Python
# counts as whitespace (tab, line breaks, U+001C–001F, NEL), which become one space.
_CONTROLS = dict.fromkeys(
    [*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85), *range(0x86, 0xA0)]
)
_MARKS = regex.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]")
_STRAY_JOINER = regex.compile(r"[\u200C\u200D](?!\p{L})|(?<!\p{L})[\u200C\u200D]")
# Room for the recurring strings of a few publishers × sizes × days (see memo.py). A mask is
# at most a card's width × ~70 px (≤ 75 KB), so the masks cost ≤ 10 MB in the worst case and
# well under 1 MB in practice; widths and ink boxes are a few hundred bytes each.
_WIDTHS_KEPT = 2048
_INKS_KEPT = 512
_MASKS_KEPT = 128


def _drawable(codepoints: set[int]) -> set[int]:
    """Drop spaces and format characters: they need no glyph (Raqm hides the latter)."""
    return {c for c in codepoints if not chr(c).isspace() and unicodedata.category(chr(c)) != "Cf"}


class Direction(StrEnum):
    RTL = "rtl"
    LTR = "ltr"


# Share of right-to-left letters from which a mixed headline is set right to left.
_RTL_SHARE = 1 / 3


def paragraph_direction(text: str) -> Direction:
    """The paragraph direction of a card text block.

    Right to left when at least a third of its letters are Arabic (or Hebrew): an Arabic
    headline that opens with a name or an acronym («COP28 تنطلق في دبي») is still an Arabic
    sentence, and set left to right its words would come out in the wrong order. HTML's
    ``dir=auto`` (first strong character) gets that case wrong. A text with no letters at
    all is right to left; a Latin text with a stray Arabic word stays left to right.
    """
    rtl = ltr = 0
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            ltr += 1
        elif kind in ("R", "AL"):
            rtl += 1
    if rtl == ltr == 0:
        return Direction.RTL
    return Direction.RTL if rtl >= _RTL_SHARE * (rtl + ltr) else Direction.LTR


def clean_text(text: str) -> str:
    """NFC, one space for any run of whitespace, no control or emoji-decoration characters."""
    text = unicodedata.normalize("NFC", text).translate(_CONTROLS)
    return _SPACES.sub(" ", _DECORATION.sub("", text)).strip()


@dataclass(frozen=True, slots=True)
class Run:
    """A cleaned text block and the one face that has a glyph for each of its characters."""

    text: str
    face: FontFace
    direction: Direction
    marks: bool = False  # has Arabic vowel marks, which reach above and below the letters


class TextEngine:
    """Measure and draw logical-order text with the engine chosen at start-up."""

    def __init__(self, fonts: FontLibrary, *, raqm: bool, faces: Iterable[FontFace]) -> None:
        self.fonts = fonts
        self.raqm = raqm
        self._widths: Lru[tuple[str, FontFace, int, Direction], float] = Lru(_WIDTHS_KEPT)
        self._inks: Lru[tuple[str, FontFace, int, Direction], tuple[float, ...]] = Lru(_INKS_KEPT)
        self._masks: Lru[tuple[Any, ...], Mask] = Lru(_MASKS_KEPT)
        self._reshapers: dict[Path, arabic_reshaper.ArabicReshaper] = {}
        # Raqm's widths come from HarfBuzz, which can be asked directly for single words
        # (see wordmeter.py); the BASIC engine's widths are those of reshaped text.
        self._meter = WordMeter() if raqm else None
        if not raqm:
            for face in faces:
                if face.path not in self._reshapers:
                    # Only the lam-alef and Allah ligatures (the reshaper's defaults): probing
                    # every ligature the font has makes reshaping several times slower.
                    config = arabic_reshaper.config_for_true_type_font(
                        str(face.path), arabic_reshaper.ENABLE_NO_LIGATURES
                    )
                    self._reshapers[face.path] = arabic_reshaper.ArabicReshaper(config)

    def prepare(self, text: str, primary: FontFace, fallback: FontFace) -> Run:
        """Clean ``text`` and pick the face to draw it with.

        The primary face is used when it has every glyph. Otherwise the face missing the
        fewest characters draws the whole block (one face per block keeps letters joined and
        the bidi runs intact), and characters that face lacks, emoji among them, are removed.
        """
        text = clean_text(text)
        if not self.raqm:
            text = _FORMAT.sub("", text)
        needed = set(map(ord, text))
        face = primary
        missing = _drawable(needed - self.fonts.cmap(primary))
        if missing:
            other = _drawable(needed - self.fonts.cmap(fallback))
            if len(other) < len(missing):
                face, missing = fallback, other
            if missing:
                text = "".join(c for c in text if ord(c) not in missing)
                # Joiners that held an emoji sequence together now join nothing.
                text = _SPACES.sub(" ", _STRAY_JOINER.sub("", text)).strip()
        return Run(text, face, paragraph_direction(text), bool(_MARKS.search(text)))

    def visual(self, text: str, face: FontFace, direction: Direction) -> str:
        """What is handed to Pillow: the logical text for Raqm, shaped visual text for BASIC."""
        if self.raqm:
            return text
        reshaped = self._reshapers[face.path].reshape(text)
        shown = get_display(reshaped, base_dir="R" if direction == "rtl" else "L")
        shown = _FORMAT.sub("", shown)
        cmap = self.fonts.cmap(face)
        # A presentation form the font lacks is drawn as its base letter(s) rather than a box;
        # a decomposed ligature (lam-alef) is reversed, since this string is in visual order.
        flip = direction is Direction.RTL
        out = []
        for c in shown:
            if ord(c) in cmap or c.isspace():
                out.append(c)
            else:
                base = unicodedata.normalize("NFKC", c)
                out.append(base[::-1] if flip else base)
        return "".join(out)

    def _options(self, direction: Direction) -> dict[str, str]:
        return {"direction": direction.value, "language": "ar"} if self.raqm else {}

    def font(self, face: FontFace, size: int) -> ImageFont.FreeTypeFont:
        return self.fonts.font(face, size)

    def measure(
        self,
        text: str,
        face: FontFace,
        size: int,
        direction: Direction,
        *,
        recurring: bool = False,
    ) -> float:
        """Advance width of one line in pixels.

        ``recurring``: the text comes back on other articles' cards (site name, date,
        section), so its width is kept in a bounded cache shared by the renderer's threads.
        """
        if not text:
            return 0.0
        if not recurring:
            return self._measure(text, face, size, direction)
        key = (text, face, size, direction)
        width = self._widths.get(key)
        if width is None:
            width = self._widths.put(key, self._measure(text, face, size, direction))
        return width

    def word_widths(
        self, words: Iterable[str], face: FontFace, size: int, direction: Direction
    ) -> list[float]:
        """Widths of single words in a ``direction`` paragraph, for choosing line breaks.

        With Raqm they come from :class:`WordMeter` (each word shaped in its own direction,
        as Raqm's bidi runs would), equal to :meth:`measure` for Arabic words and within
        about 1 % for Latin ones, so a line built from them must still be measured whole.
        """
        if self._meter is None:
            return [self._measure(w, face, size, direction) for w in words]
        meter = self._meter
        return [meter.width(w, face, size, paragraph_direction(w)) for w in words]

    def _measure(self, text: str, face: FontFace, size: int, direction: Direction) -> float:
        font = self.fonts.font(face, size)
        return font.getlength(self.visual(text, face, direction), **self._options(direction))

    def draw(
        self,
        image: Image.Image,
        xy: tuple[float, float],
        text: str,
        face: FontFace,
        size: int,
        fill: tuple[int, int, int] | int,
        *,
        direction: Direction,
        anchor: str,
        box: bool = False,
        recurring: bool = False,
    ) -> tuple[int, int, int, int] | None:
        """Draw one line on ``image``; with ``box``, return the box its glyphs cover.

        The pixels are those of ``ImageDraw.text`` (same mask, rendered at the same sub-pixel
        start), composited differently: a block of ``fill`` is pasted through the mask (see
        :func:`~bot.cards.blend.tint`), in about half the time of Pillow's fill-through-mask.
        ``recurring`` text keeps its mask in a bounded cache (see :meth:`measure`).
        """
        x, y = xy
        start = (math.modf(x)[0], math.modf(y)[0])  # what ImageDraw.text hands FreeType
        key = (text, face, size, direction, anchor, start)
        mask = self._masks.get(key) if recurring else None
        if mask is None:
            mask = self._mask(text, face, size, direction, anchor, start)
            if recurring:
                self._masks.put(key, mask)
        coverage, (dx, dy) = mask
        width, height = coverage.size
        if width and height:
            left, top = int(x) + dx, int(y) + dy
            tint(image, fill, (left, top, left + width, top + height), _as_image(coverage))
        if not box:
            return None
        font, shown = self.fonts.font(face, size), self.visual(text, face, direction)
        left, top, right, bottom = ImageDraw.Draw(image).textbbox(
            xy, shown, font=font, anchor=anchor, **self._options(direction)
        )
        return (int(left), int(top), int(right + 0.999), int(bottom + 0.999))

    def _mask(
        self,
        text: str,
        face: FontFace,
        size: int,
        direction: Direction,
        anchor: str,
        start: tuple[float, float],
    ) -> Mask:
        font = self.fonts.font(face, size)
        shown = self.visual(text, face, direction)
        return font.getmask2(shown, "L", anchor=anchor, start=start, **self._options(direction))

    def cache_report(self) -> CacheReport:
        """Sizes of the caches of recurring text (for the benchmark and the tests)."""
        widths, inks, masks = self._widths.items(), self._inks.items(), self._masks.items()
        return CacheReport(
            widths=len(widths),
            inks=len(inks),
            masks=len(masks),
            mask_bytes=sum(m[0].size[0] * m[0].size[1] for _, m in masks),
            texts=frozenset(k[0] for k, _ in widths + inks + masks),
        )

    def extents(self, run: Run, size: int) -> tuple[int, int]:
        """Room above and below the baseline that any line of ``run`` may ink."""
        return self.fonts.extents(run.face, size, run.marks)

    def ink(
        self,
        text: str,
        face: FontFace,
        size: int,
        direction: Direction,
        *,
        recurring: bool = False,
    ) -> tuple[float, float, float, float]:
        """Box of the glyphs of one line relative to its baseline start (anchor ``ls``)."""
        key = (text, face, size, direction)
        found = self._inks.get(key) if recurring else None
        if found is None:
            font = self.fonts.font(face, size)
            shown = self.visual(text, face, direction)
            found = font.getbbox(shown, anchor="ls", **self._options(direction))
            if recurring:
                self._inks.put(key, found)
        return found


def _as_image(core: Any) -> Image.Image:
    """A mask from ``FreeTypeFont.getmask2`` as an :class:`~PIL.Image.Image` for ``paste``.

    Pillow returns its internal image object there and has no public wrapper for it; this is
    what ``Image.Image`` does internally (a test compares the result with ``ImageDraw.text``
    pixel for pixel, so a Pillow change here cannot go unnoticed).
    """
    return Image.Image()._new(core)
