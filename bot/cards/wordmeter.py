"""Word widths for line breaking, from a HarfBuzz that stays loaded.

Pillow lays out every string from scratch: each ``getlength`` goes through Raqm, which
builds a new HarfBuzz face and shaping plan for the call. That set-up, not the text, is most
of the cost, so a twelve-word headline measured word by word pays for it twelve times (about
a tenth of a whole card's CPU). Here one HarfBuzz face per font file and one font per size
are kept, and a word is shaped in a few microseconds.

Raqm is HarfBuzz too, with the same font file, size and unhinted advances, so an Arabic
word comes out the same width to a sixty-fourth of a pixel; a Latin word is within about 1 %
(Raqm's bidi runs and FreeType's glyph loading differ slightly). These widths only choose
break points and the size to try: every line is measured by Pillow before it is drawn (see
``wrap.py``). The BASIC engine draws reshaped text with other widths and does not use this.
"""

from __future__ import annotations

import threading
from pathlib import Path

import uharfbuzz as hb

from bot.cards.fonts import FontFace

_SUBPIXELS = 64  # positions in 26.6 fixed point, as FreeType and Raqm use them


class WordMeter:
    """Advance widths of single words (or any single-direction run) at a pixel size."""

    def __init__(self) -> None:
        self._faces: dict[Path, hb.Face] = {}
        self._fonts: dict[tuple[FontFace, int], hb.Font] = {}
        self._lock = threading.Lock()  # the renderer's threads share these (immutable once made)

    def _font(self, face: FontFace, size: int) -> hb.Font:
        key = (face, size)
        font = self._fonts.get(key)
        if font is not None:
            return font
        with self._lock:
            hb_face = self._faces.get(face.path)
            if hb_face is None:
                hb_face = self._faces[face.path] = hb.Face(hb.Blob.from_file_path(face.path))
            font = hb.Font(hb_face)
            font.scale = (size * _SUBPIXELS, size * _SUBPIXELS)  # Pillow sets pixels per em
            if face.variable:
                font.set_variations({"wght": face.weight})
            self._fonts[key] = font
        return font

    def width(self, text: str, face: FontFace, size: int, direction: str) -> float:
        """Advance width of ``text`` in pixels, shaped in one ``direction`` ("rtl" or "ltr")."""
        if not text:
            return 0.0
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.direction = str(direction)  # Cython refuses str subclasses (StrEnum)
        buffer.language = "ar"  # what the engine passes to Raqm for every line
        hb.shape(self._font(face, size), buffer)
        return sum(p.x_advance for p in buffer.glyph_positions) / _SUBPIXELS
