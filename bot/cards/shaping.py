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

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import arabic_reshaper
import regex
from bidi import get_display
from PIL import ImageDraw, ImageFont

from bot.cards.fonts import FontFace, FontLibrary

_SPACES = regex.compile(r"\s+")
# Emoji modifiers, variation selectors, keycap and tag characters: invisible or meaningless
# once the emoji they decorate is gone, and in no news font.
_DECORATION = regex.compile(r"[\uFE00-\uFE0F\u20E3\U000E0000-\U000E007F\U000E0100-\U000E01EF]")
# Format characters: bidi marks and embeddings (U+200E/F, U+061C, U+202A–E, U+2066–9), ZWJ,
# ZWNJ … Raqm uses and hides them; the BASIC engine would draw each as a box.
_FORMAT = regex.compile(r"\p{Cf}")
_MARKS = regex.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]")
_STRAY_JOINER = regex.compile(r"[\u200C\u200D](?!\p{L})|(?<!\p{L})[\u200C\u200D]")


def _drawable(codepoints: set[int]) -> set[int]:
    """Drop spaces and format characters: they need no glyph (Raqm hides the latter)."""
    return {c for c in codepoints if not chr(c).isspace() and unicodedata.category(chr(c)) != "Cf"}


class Direction(StrEnum):
    RTL = "rtl"
    LTR = "ltr"


def paragraph_direction(text: str) -> Direction:
    """Direction of the first strong character (HTML ``dir=auto``); RTL when there is none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return Direction.LTR
        if kind in ("R", "AL"):
            return Direction.RTL
    return Direction.RTL


def clean_text(text: str) -> str:
    """NFC, one space for any run of whitespace, no control or emoji-decoration characters."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(char for char in text if char.isspace() or unicodedata.category(char) != "Cc")
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
        self._reshapers: dict[Path, arabic_reshaper.ArabicReshaper] = {}
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

    def measure(self, text: str, face: FontFace, size: int, direction: Direction) -> float:
        """Advance width of one line in pixels."""
        if not text:
            return 0.0
        font = self.fonts.font(face, size)
        return font.getlength(self.visual(text, face, direction), **self._options(direction))

    def draw(
        self,
        draw: ImageDraw.ImageDraw,
        xy: tuple[float, float],
        text: str,
        face: FontFace,
        size: int,
        fill: tuple[int, int, int],
        *,
        direction: Direction,
        anchor: str,
        box: bool = False,
    ) -> tuple[int, int, int, int] | None:
        """Draw one line; with ``box``, return the box its glyphs cover."""
        font = self.fonts.font(face, size)
        shown = self.visual(text, face, direction)
        options = self._options(direction)
        draw.text(xy, shown, fill=fill, font=font, anchor=anchor, **options)
        if not box:
            return None
        left, top, right, bottom = draw.textbbox(xy, shown, font=font, anchor=anchor, **options)
        return (int(left), int(top), int(right + 0.999), int(bottom + 0.999))

    def extents(self, run: Run, size: int) -> tuple[int, int]:
        """Room above and below the baseline that any line of ``run`` may ink."""
        return self.fonts.extents(run.face, size, run.marks)

    def ink(
        self, text: str, face: FontFace, size: int, direction: Direction
    ) -> tuple[float, float, float, float]:
        """Box of the glyphs of one line relative to its baseline start (anchor ``ls``)."""
        font = self.fonts.font(face, size)
        shown = self.visual(text, face, direction)
        return font.getbbox(shown, anchor="ls", **self._options(direction))
