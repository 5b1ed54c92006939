"""Arabic text: engine choice, glyph coverage, wrapping and auto-fit, measured for real."""

from __future__ import annotations

import unicodedata

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from bot.cards.fonts import NOTO, PLEX, FontLibrary, fallback_face, family_face
from bot.cards.shaping import Direction, TextEngine, clean_text, paragraph_direction
from bot.cards.wrap import ELLIPSIS, Wrapper, ink_pad
from tests.cards.conftest import requires_raqm
from tests.cards.imagediff import ink_similarity

BOLD = family_face(PLEX, 700)
FALLBACK = fallback_face(700)
LINE = "افتتاح أول محطة لتحلية مياه البحر"


def _engine(raqm: bool) -> TextEngine:
    engine = ImageFont.Layout.RAQM if raqm else ImageFont.Layout.BASIC
    faces = [BOLD, FALLBACK]
    return TextEngine(FontLibrary(engine, faces), raqm=raqm, faces=faces)


@pytest.fixture(scope="module")
def raqm() -> TextEngine:
    return _engine(True)


@pytest.fixture(scope="module")
def basic() -> TextEngine:
    return _engine(False)


def _line_image(draw_line) -> Image.Image:  # type: ignore[no-untyped-def]
    image = Image.new("L", (1100, 110), 0)
    draw_line(image)
    return image


def test_direction_follows_the_language_of_the_text_not_its_first_letter() -> None:
    assert paragraph_direction("2026: افتتاح محطة") is Direction.RTL
    # Arabic sentences that open with a Latin name or acronym read right to left.
    assert paragraph_direction("COP28 تنطلق في دبي") is Direction.RTL
    assert paragraph_direction("Google تطلق خدمة ترجمة فورية للهجات المغاربية") is Direction.RTL
    assert paragraph_direction("Apple تطلق iPhone 18 الجديد") is Direction.RTL
    assert paragraph_direction("Morocco opens a plant") is Direction.LTR
    assert paragraph_direction("Interview: the mayor of Agadir on water (ماء)") is Direction.LTR
    assert paragraph_direction("123 456") is Direction.RTL


def test_clean_text_collapses_space_and_drops_controls() -> None:
    assert clean_text("  افتتاح\tمحطة\n\nجديدة\x07 ") == "افتتاح محطة جديدة"
    assert clean_text("نجاح ✌️ باهر") == "نجاح ✌ باهر"  # variation selector gone


@requires_raqm
def test_emoji_and_unknown_symbols_are_stripped_not_boxed(raqm: TextEngine) -> None:
    run = raqm.prepare("🚀 افتتاح محطة 🌞 في أكادير 👨‍👩‍👧", BOLD, FALLBACK)
    assert run.text == "افتتاح محطة في أكادير"
    cmap = raqm.fonts.cmap(run.face)
    assert all(ord(c) in cmap or c.isspace() or unicodedata.category(c) == "Cf" for c in run.text)


@requires_raqm
def test_characters_the_main_font_lacks_use_the_fallback_font(raqm: TextEngine) -> None:
    # U+06A2 (Maghrebi feh) is in Noto Sans Arabic but not in IBM Plex Sans Arabic.
    assert 0x06A2 not in raqm.fonts.cmap(BOLD)
    run = raqm.prepare("ڢاس عاصمة علمية", BOLD, FALLBACK)
    assert run.face == FALLBACK and run.face.path == family_face(NOTO, 700).path
    assert "ڢ" in run.text
    assert raqm.prepare(LINE, BOLD, FALLBACK).face == BOLD


def test_fallback_engine_shapes_joins_and_reorders(basic: TextEngine) -> None:
    shown = basic.visual(LINE, BOLD, Direction.RTL)

    def forms(text: str) -> int:
        return sum(0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFF for c in text)

    # Joined letters become initial/medial/final presentation forms (isolated ones may stay
    # as base letters when the font lacks isolated forms: same glyph).
    assert forms(shown) > len(LINE.replace(" ", "")) * 0.6
    assert forms(basic.visual("محطة", BOLD, Direction.RTL)) == 4
    assert shown != LINE
    # Visual order: the first logical word is drawn last (rightmost).
    assert shown.split(" ")[-1] == basic.visual("افتتاح", BOLD, Direction.RTL)
    # python-bidi leaves marks the BASIC engine would draw as boxes: they are removed.
    marked = basic.visual("أخبار الساحل akhbar.ma\u200f 14 مارس", BOLD, Direction.RTL)
    assert not any(unicodedata.category(c) == "Cf" for c in marked)
    assert "akhbar.ma" in marked and "14" in marked


@requires_raqm
def test_fallback_rendering_is_close_to_raqm_and_far_from_unshaped(
    raqm: TextEngine, basic: TextEngine
) -> None:
    def with_engine(engine: TextEngine) -> Image.Image:
        return _line_image(
            lambda d: engine.draw(
                d, (1080, 80), LINE, BOLD, 56, 255, direction=Direction.RTL, anchor="rs"
            )
        )

    naive_font = basic.fonts.font(BOLD, 56)
    unshaped = _line_image(
        lambda im: ImageDraw.Draw(im).text(
            (1080, 80), LINE, fill=255, font=naive_font, anchor="rs"
        )
    )
    shaped_raqm, shaped_basic = with_engine(raqm), with_engine(basic)
    close = ink_similarity(shaped_raqm, shaped_basic)
    far = ink_similarity(shaped_raqm, unshaped)
    assert close > 0.9, close
    assert close - far > 0.25, (close, far)


@requires_raqm
def test_wrap_never_exceeds_the_width(raqm: TextEngine) -> None:
    wrapper = Wrapper(raqm)
    text = (
        "وتندرج هذه المحطة ضمن برنامج وطني يهدف إلى رفع القدرة الإنتاجية للمياه المحلاة إلى "
        "1.7 مليار متر مكعب سنوياً بحلول عام 2030 https://akhbar-sahel.ma/economie/2026/03/x.html"
    )
    run = raqm.prepare(text, BOLD, FALLBACK)
    lines = wrapper.wrap(run, 60, 700)
    assert len(lines) > 3
    assert all(wrapper.measure(run, 60, line) <= 700 for line in lines)
    assert " ".join(lines).replace(" ", "") == run.text.replace(" ", "")  # nothing lost


@requires_raqm
def test_fit_takes_the_largest_size_and_balances_lines(raqm: TextEngine) -> None:
    wrapper = Wrapper(raqm)
    run = raqm.prepare(
        "افتتاح أول محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير", BOLD, FALLBACK
    )
    block = wrapper.fit(
        run, max_width=1080, max_height=400, largest=72, smallest=38, max_lines=3, pitch=1.42
    )
    assert block.size == 72 and not block.truncated
    assert len(block.lines) == 2
    widths = [wrapper.measure(run, 72, line) for line in block.lines]
    assert min(widths) / max(widths) > 0.7  # balanced, no lonely last word
    # One size larger would not have fitted in the same two lines of this width.
    narrow = wrapper.fit(
        run, max_width=700, max_height=400, largest=72, smallest=38, max_lines=2, pitch=1.42
    )
    assert narrow.size < 72 and len(narrow.lines) <= 2
    assert all(wrapper.measure(run, narrow.size, line) <= 700 for line in narrow.lines)


class _SkewedEngine(TextEngine):
    """The real engine, except that what it draws gets wider as the size shrinks, so the
    word widths that choose the breaks (scaled from the largest size) are too small."""

    def __init__(self, growth: float) -> None:
        faces = [BOLD, FALLBACK]
        super().__init__(FontLibrary(ImageFont.Layout.RAQM, faces), raqm=True, faces=faces)
        self.growth = growth

    def _measure(self, text: str, face, size: int, direction: Direction) -> float:  # type: ignore[no-untyped-def]
        width = super()._measure(text, face, size, direction)
        return width * (1 + self.growth * (72 - size))


@requires_raqm
def test_lines_are_confirmed_by_the_drawing_engine_when_break_widths_are_off() -> None:
    engine = _SkewedEngine(growth=0.01)  # 46 px text is 26 % wider than 72 px scaled down
    wrapper = Wrapper(engine)
    run = engine.prepare(
        "افتتاح أول محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير", BOLD, FALLBACK
    )
    block = wrapper.fit(
        run, max_width=700, max_height=400, largest=72, smallest=38, max_lines=2, pitch=1.42
    )
    limit = 700 - 2 * ink_pad(block.size)
    assert all(wrapper.measure(run, block.size, line) <= limit for line in block.lines)
    assert " ".join(block.lines) == run.text and not block.truncated


@requires_raqm
def test_ellipsis_only_when_the_smallest_size_overflows(raqm: TextEngine) -> None:
    wrapper = Wrapper(raqm)
    long = raqm.prepare(" ".join(["محطة تحلية جديدة بالطاقة الشمسية"] * 12), BOLD, FALLBACK)
    block = wrapper.fit(
        long, max_width=1080, max_height=400, largest=72, smallest=38, max_lines=3, pitch=1.42
    )
    assert block.truncated and block.size == 38 and len(block.lines) == 3
    assert block.lines[-1].endswith(ELLIPSIS)
    assert all(wrapper.measure(long, 38, line) <= 1080 for line in block.lines)
    short = raqm.prepare("محطة", BOLD, FALLBACK)
    block = wrapper.fit(
        short, max_width=1080, max_height=400, largest=72, smallest=38, max_lines=3, pitch=1.42
    )
    assert block.lines == ("محطة",) and not block.truncated and block.size == 72


@requires_raqm
def test_height_limits_the_number_of_lines(raqm: TextEngine) -> None:
    wrapper = Wrapper(raqm)
    run = raqm.prepare(
        "افتتاح أول محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير", BOLD, FALLBACK
    )
    block = wrapper.fit(
        run, max_width=600, max_height=120, largest=72, smallest=38, max_lines=5, pitch=1.42
    )
    assert block.height <= 120


@requires_raqm
@pytest.mark.parametrize("engine_name", ["raqm", "basic"])
def test_a_line_starting_in_latin_keeps_the_paragraph_right_to_left(
    raqm: TextEngine, basic: TextEngine, engine_name: str
) -> None:
    """A wrapped line can begin with a Latin word; in an Arabic headline it still reads from
    the right: «Interpol» sits at the right end, not the left (what auto-direction gives)."""
    engine = raqm if engine_name == "raqm" else basic
    line = "Interpol تشيد بالتنظيم"

    def draw(text: str) -> Image.Image:
        return _line_image(
            lambda d: engine.draw(
                d, (1080, 80), text, BOLD, 56, 255, direction=Direction.RTL, anchor="rs"
            )
        )

    whole, word = draw(line), draw("Interpol")
    box = word.getbbox()
    assert box is not None and box[2] > 1000  # the word alone hugs the right edge
    overlap = ImageChops.multiply(whole.crop(box), word.crop(box))
    assert sum(overlap.histogram()[128:]) > 0.8 * sum(word.crop(box).histogram()[128:])
