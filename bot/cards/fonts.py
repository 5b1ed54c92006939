"""Font files, glyph coverage and per-thread font objects.

Fonts come from the ``fontpkg-*`` wheels (OFL), so ``pip install`` is enough on a fresh
machine. Pillow has no font fallback of its own: :class:`FontLibrary` reads each file's cmap
once (fontTools ``getBestCmap``) so that the text engine can pick, for each text block, a face
that has every glyph, and strip what no face has.

FreeType faces are not safe to share between threads that lay out text at the same time, so
each thread gets its own :class:`~PIL.ImageFont.FreeTypeFont` objects (``threading.local``);
everything else here is immutable after construction.
"""

from __future__ import annotations

import importlib.resources
import logging
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError
from PIL import ImageFont

from bot.errors import CardError

logger = logging.getLogger(__name__)

PLEX = "IBM Plex Sans Arabic"
NOTO = "Noto Sans Arabic"
FAMILIES = (PLEX, NOTO)

_PLEX_WEIGHTS = {
    100: "Thin",
    200: "ExtraLight",
    300: "Light",
    400: "Regular",
    500: "Medium",
    600: "SemiBold",
    700: "Bold",
}
# Tall (hamza over alef, shadda) and deep (jeem, yeh, Latin descenders) glyphs: the box they
# span is the vertical room a line needs, whatever the line says.
_PROBE = "أإآلـجـيّ ڭـ ÂÉÅgjpqy|"
# Vowel marks stack higher and lower still (tanween over alef, as in «يومياً», reaches 1.2 em):
# text that has them gets this probe too.
_MARKS_PROBE = " أً إٍ لِّ"


@dataclass(frozen=True, slots=True)
class FontFace:
    """One font file at one weight (``variable`` faces get the weight through the wght axis)."""

    path: Path
    weight: int
    variable: bool


def _package_file(package: str, name: str) -> Path:
    try:
        path = Path(str(importlib.resources.files(package) / "files" / name))
    except ModuleNotFoundError:
        raise CardError(f"font package {package!r} is not installed") from None
    if not path.is_file():
        raise CardError(f"font file {name!r} missing from package {package!r}")
    return path


def family_face(family: str, weight: int) -> FontFace:
    """The bundled face closest to ``weight`` in ``family`` (IBM Plex or Noto Sans Arabic).

    Raises:
        CardError: unknown family or font package not installed.
    """
    if family == PLEX:
        nearest = min(_PLEX_WEIGHTS, key=lambda w: abs(w - weight))
        name = f"IBMPlexSansArabic-{_PLEX_WEIGHTS[nearest]}.ttf"
        return FontFace(_package_file("fontpkg_ibm_plex_sans_arabic", name), nearest, False)
    if family == NOTO:
        path = _package_file("fontpkg_noto_sans_arabic", "NotoSansArabic[wdth,wght].ttf")
        return FontFace(path, min(max(weight, 100), 900), True)
    raise CardError(f"unknown font family {family!r}; use one of {', '.join(FAMILIES)} or file=")


def file_face(path: Path, weight: int) -> FontFace:
    """A face from a font file a theme ships (variable when it has a weight axis).

    Raises:
        CardError: the file is missing or is not a font.
    """
    try:
        with TTFont(str(path), lazy=True) as font:  # closes the file: a lazy font keeps it open
            axes = {axis.axisTag for axis in font["fvar"].axes} if "fvar" in font else set()
    except (OSError, TTLibError) as exc:
        raise CardError(f"cannot read font file {path}: {exc}") from None
    return FontFace(path, weight, "wght" in axes)


def fallback_face(weight: int) -> FontFace:
    """Noto Sans Arabic at ``weight``: the face for characters the theme's font lacks."""
    return family_face(NOTO, weight)


class FontLibrary:
    """Coverage tables and sized font objects for one layout engine."""

    def __init__(self, layout_engine: ImageFont.Layout, faces: Iterable[FontFace]) -> None:
        self.layout_engine = layout_engine
        cmaps: dict[Path, frozenset[int]] = {}
        for face in faces:
            if face.path not in cmaps:
                cmaps[face.path] = self._read_cmap(face.path)
        self._cmaps = cmaps
        self._local = threading.local()

    @staticmethod
    def _read_cmap(path: Path) -> frozenset[int]:
        try:
            with TTFont(str(path), lazy=True) as font:
                cmap = font.getBestCmap()
        except (OSError, TTLibError) as exc:
            raise CardError(f"cannot read font file {path}: {exc}") from None
        return frozenset(cmap or ())

    def cmap(self, face: FontFace) -> frozenset[int]:
        return self._cmaps[face.path]

    def _cache(self) -> dict[tuple[FontFace, int], ImageFont.FreeTypeFont]:
        cache = getattr(self._local, "fonts", None)
        if cache is None:
            cache = self._local.fonts = {}
            self._local.extents = {}
        return cache

    def font(self, face: FontFace, size: int) -> ImageFont.FreeTypeFont:
        """``face`` at ``size`` px, loaded once per thread."""
        cache = self._cache()
        key = (face, size)
        font = cache.get(key)
        if font is None:
            try:
                font = ImageFont.truetype(str(face.path), size, layout_engine=self.layout_engine)
            except OSError as exc:
                raise CardError(f"cannot load font {face.path}: {exc}") from None
            if face.variable:
                axes = font.get_variation_axes()
                font.set_variation_by_axes(
                    [
                        face.weight if axis["name"] in (b"Weight", "Weight") else axis["default"]
                        for axis in axes
                    ]
                )
            cache[key] = font
        return font

    def extents(self, face: FontFace, size: int, marks: bool = False) -> tuple[int, int]:
        """Pixels a line of ``face`` at ``size`` can reach above and below its baseline.

        ``marks``: the text carries Arabic vowel marks, which need more room.
        """
        self._cache()
        extents: dict[tuple[FontFace, int, bool], tuple[int, int]] = self._local.extents
        key = (face, size, marks)
        found = extents.get(key)
        if found is None:
            probe = _PROBE + _MARKS_PROBE if marks else _PROBE
            _, top, _, bottom = self.font(face, size).getbbox(probe, anchor="ls")
            # Hinting and fractional baselines move ink by a pixel or two at small sizes.
            found = extents[key] = (
                math.ceil(max(-top, 0) * 1.04) + 2,
                math.ceil(max(bottom, 0) * 1.04) + 2,
            )
        return found
