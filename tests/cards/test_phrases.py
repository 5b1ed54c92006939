"""Line breaks keep phrases together: an iḍāfa, a noun and its adjective, a word and its
number, a preposition and what follows it — on real cards, in every theme and size."""

from __future__ import annotations

import itertools

import pytest
from PIL import ImageFont

from bot.cards import CardRenderer
from bot.cards.fonts import PLEX, FontLibrary, fallback_face, family_face
from bot.cards.phrases import Bond, bonds, tokens
from bot.cards.shaping import TextEngine
from bot.cards.wrap import Wrapper
from bot.models import CardSize
from devtools.card_samples import SAMPLE_SUMMARY, sample_article
from tests.cards.conftest import requires_raqm

BOLD = family_face(PLEX, 700)
THEMES = ("solid", "photo", "breaking", "light")

# Headlines and the phrases in them that no line may split.
HEADLINES = {
    "افتتاح أول محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير": (
        "مياه البحر", "بالطاقة الشمسية", "أول محطة",
    ),
    "زلزال بقوة 5.8 درجات يضرب إقليم الحوز دون تسجيل خسائر بشرية": (
        "بقوة 5.8 درجات", "إقليم الحوز",
    ),
    "المنتخب يتأهل إلى نصف نهائي كأس إفريقيا بعد فوز مثير بركلات الترجيح": (
        "إلى نصف", "بركلات الترجيح",
    ),
    "البرلمان يصادق على قانون المالية لسنة 2027 بعد نقاش استمر ثلاثة أيام": (
        "على قانون المالية", "لسنة 2027", "ثلاثة أيام",
    ),
    "ارتفاع أسعار القمح في الأسواق العالمية يضغط على ميزانيات الدول المستوردة": (
        "الأسواق العالمية", "الدول المستوردة",
    ),
    "معرض الفلاحة يستقبل 900 ألف زائر في أسبوع": ("900 ألف زائر", "معرض الفلاحة"),
}  # fmt: skip


def _engine() -> TextEngine:
    faces = [BOLD, fallback_face(700)]
    return TextEngine(FontLibrary(ImageFont.Layout.RAQM, faces), raqm=True, faces=faces)


def _split(lines: tuple[str, ...] | list[str], phrase: str) -> bool:
    """Whether ``phrase`` occurs in the text but in no single line."""
    return phrase in " ".join(lines) and not any(phrase in line for line in lines)


def test_bonds_read_phrases_from_the_surface_of_the_words() -> None:
    words = tokens("افتتاح محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير")
    tied = dict(zip(itertools.pairwise(words), bonds(words), strict=True))
    assert tied[("مياه", "البحر")] is Bond.PHRASE  # iḍāfa
    assert tied[("بالطاقة", "الشمسية")] is Bond.TIGHT  # definite noun and its adjective
    assert tied[("في", "أكادير")] is Bond.PHRASE  # a preposition does not end a line
    assert tied[("الشمسية", "في")] is Bond.FREE
    assert tied[("البحر", "بالطاقة")] is Bond.FREE
    words = tokens("زلزال بقوة 5.8 درجات يضرب")
    assert words == ["زلزال", "بقوة", "5.8 درجات", "يضرب"]  # the number and what it counts
    assert bonds(words) == [Bond.FREE, Bond.TIGHT, Bond.FREE]
    # After a comma or colon any break is free; a number is not glued to a preposition.
    assert bonds(tokens("عاجل: زلزال")) == [Bond.FREE]
    assert tokens("لسنة 2027 بعد نقاش") == ["لسنة", "2027", "بعد", "نقاش"]
    assert bonds(tokens("رحلات جوية")) == [Bond.WEAK]


@requires_raqm
@pytest.mark.parametrize("headline", sorted(HEADLINES))
def test_card_lines_never_split_a_phrase(
    renderer: CardRenderer, photo: bytes, headline: str
) -> None:
    for theme in THEMES:
        for size in CardSize:
            c = renderer.compose(
                sample_article(title=headline), size, theme=theme, lead_image=photo,
                summary=SAMPLE_SUMMARY,
            )  # fmt: skip
            for phrase in HEADLINES[headline]:
                assert not _split(c.headline.lines, phrase), (theme, size, c.headline.lines)
            if c.summary is not None:
                assert not _split(c.summary.lines, "مياه البحر"), c.summary.lines


@requires_raqm
def test_greedy_lines_end_before_a_phrase_rather_than_inside_it() -> None:
    engine = _engine()
    wrapper = Wrapper(engine)
    run = engine.prepare("محطة جديدة تعمل بالطاقة الشمسية في أكادير", BOLD, fallback_face(700))
    whole = wrapper.measure(run, 60, "محطة جديدة تعمل بالطاقة")
    # A width where «…بالطاقة» just fits: filling the line would strand «الشمسية».
    lines = wrapper.wrap(run, 60, whole + 20)
    assert not _split(lines, "بالطاقة الشمسية"), lines
    assert lines[0] == "محطة جديدة تعمل"


@requires_raqm
def test_a_phrase_is_split_only_when_nothing_else_fits() -> None:
    engine = _engine()
    wrapper = Wrapper(engine)
    run = engine.prepare("مياه البحر", BOLD, fallback_face(700))
    one_word = wrapper.measure(run, 60, "البحر") + 20
    block = wrapper.fit(
        run, max_width=one_word, max_height=400, largest=60, smallest=60, max_lines=2, pitch=1.4
    )
    assert block.lines == ("مياه", "البحر") and not block.truncated


@requires_raqm
def test_a_slightly_smaller_size_is_taken_to_keep_a_phrase_whole(renderer: CardRenderer) -> None:
    """At 72 px the X card fits this headline in two lines only by splitting «الهيدروجين
    الأخضر»; a few pixels smaller, the phrase shares a line."""
    title = "توقيع اتفاقية شراكة لإنتاج الهيدروجين الأخضر بقيمة 10 مليارات يورو"
    c = renderer.compose(sample_article(title=title), CardSize.X, summary=SAMPLE_SUMMARY)
    layout = renderer.theme("solid").layouts[CardSize.X]
    assert not _split(c.headline.lines, "الهيدروجين الأخضر"), c.headline.lines
    assert layout.headline_max * 0.8 <= c.headline.size < layout.headline_max
