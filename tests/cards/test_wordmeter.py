"""Word widths from HarfBuzz agree with what Pillow's Raqm layout measures and draws."""

from __future__ import annotations

import pytest
from PIL import ImageFont

from bot.cards.fonts import PLEX, FontFace, FontLibrary, fallback_face, family_face
from bot.cards.shaping import Direction, TextEngine, paragraph_direction
from bot.cards.wordmeter import WordMeter
from bot.cards.wrap import Wrapper
from devtools.card_variety import VARIANTS
from tests.cards.conftest import requires_raqm

FACES = (family_face(PLEX, 700), family_face(PLEX, 400), fallback_face(700))


def _words() -> tuple[list[str], list[str]]:
    arabic, latin = [], []
    for variant in VARIANTS:
        for word in variant.headline.split(" "):
            kind = paragraph_direction(word)
            (latin if kind is Direction.LTR else arabic).append(word)
    return sorted(set(arabic)), sorted(set(latin))


def _pillow(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    return FontLibrary(ImageFont.Layout.RAQM, [face]).font(face, size)


@requires_raqm
@pytest.mark.parametrize("face", FACES, ids=lambda f: f"{f.path.stem}-{f.weight}")
@pytest.mark.parametrize("size", [72, 46, 24])
def test_arabic_words_measure_as_raqm_measures_them(face: FontFace, size: int) -> None:
    meter, font = WordMeter(), _pillow(face, size)
    arabic, _ = _words()
    assert len(arabic) > 150
    for word in arabic:
        expected = font.getlength(word, direction="rtl", language="ar")
        assert meter.width(word, face, size, "rtl") == pytest.approx(expected, abs=1 / 16), word


@requires_raqm
@pytest.mark.parametrize("face", FACES, ids=lambda f: f"{f.path.stem}-{f.weight}")
def test_latin_words_are_within_two_percent(face: FontFace) -> None:
    meter, font = WordMeter(), _pillow(face, 60)
    _, latin = _words()
    assert latin  # Google, COP31, iPhone …
    for word in latin:
        expected = font.getlength(word, direction="rtl", language="ar")
        assert meter.width(word, face, 60, "ltr") == pytest.approx(expected, rel=0.02), word


def test_a_variable_face_is_measured_at_its_weight() -> None:
    meter = WordMeter()
    light, bold = fallback_face(300), fallback_face(800)
    assert meter.width("الأسواق", bold, 60, "rtl") > meter.width("الأسواق", light, 60, "rtl")
    assert meter.width("", bold, 60, "rtl") == 0.0


class _CountingEngine(TextEngine):
    def __init__(self, raqm: bool) -> None:
        faces = [FACES[0], FACES[2]]
        engine = ImageFont.Layout.RAQM if raqm else ImageFont.Layout.BASIC
        super().__init__(FontLibrary(engine, faces), raqm=raqm, faces=faces)
        self.measured: list[str] = []

    def _measure(self, text: str, face, size: int, direction: Direction) -> float:  # type: ignore[no-untyped-def]
        self.measured.append(text)
        return super()._measure(text, face, size, direction)


@requires_raqm
def test_with_raqm_a_headline_is_measured_by_pillow_line_by_line_only() -> None:
    engine = _CountingEngine(raqm=True)
    headline = VARIANTS[0].headline
    run = engine.prepare(headline, FACES[0], FACES[2])
    block = Wrapper(engine).fit(
        run, max_width=1080, max_height=400, largest=72, smallest=38, max_lines=3, pitch=1.4
    )
    assert len(block.lines) > 1 and not block.truncated
    # Whole lines (and the space) only: no single word went through Pillow's layout.
    assert set(engine.measured) <= {*block.lines, " "}


def test_the_basic_engine_measures_words_with_pillow() -> None:
    """BASIC draws reshaped text, whose widths HarfBuzz does not know: no meter there."""
    engine = _CountingEngine(raqm=False)
    run = engine.prepare(VARIANTS[0].headline, FACES[0], FACES[2])
    widths = engine.word_widths(run.text.split(" "), run.face, 60, run.direction)
    assert engine.measured == run.text.split(" ")
    assert all(w > 0 for w in widths)
