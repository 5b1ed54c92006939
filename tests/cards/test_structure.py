"""Structural checks on real renders: safe areas, contrast from the pixels, no overflow.

Every theme × size × headline shape is rendered and inspected; a failure names the case.
"""

from __future__ import annotations

import pytest

from bot.cards import CardRenderer
from bot.cards.labels import strip_shown_label
from bot.cards.layouts import PHONE_WIDTH
from bot.models import CardSize
from devtools.card_samples import SAMPLE_SUMMARY, sample_article
from tests.cards.checks import check

HEADLINES = {
    "sample": "افتتاح أول محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير",
    "five": "عاجل!",
    "long": (
        "الحكومة تعلن خطة وطنية جديدة لتحلية مياه البحر تشمل إنشاء محطات تعمل بالطاقة "
        "الشمسية والريحية في المدن الساحلية الكبرى، مع تخصيص ميزانية إضافية لري الأراضي "
        "الفلاحية وتزويد القرى المعزولة بالماء الصالح للشرب قبل حلول صيف 2027"
    ),
    "latin": "Morocco opens Africa's first solar-powered desalination plant in Agadir",
    "digits": (
        "2026: 150 ألف م³ يومياً و60% من الكهرباء شمسية بكلفة 2.4 مليار درهم (1.7 مليار م³ في 2030)"
    ),
    "mixed": "منظمة الإنتربول تعقد دورتها الـ93 في مراكش بمشاركة 196 دولة و«Interpol» تشيد",
}
THEMES = ("solid", "photo", "breaking", "light")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", list(CardSize))
def test_sample_card_structure(
    renderer: CardRenderer, photo: bytes, theme: str, size: CardSize
) -> None:
    c = renderer.compose(
        sample_article(), size, theme=theme, lead_image=photo, summary=SAMPLE_SUMMARY,
        keep_background=True,
    )  # fmt: skip
    assert c.theme == theme and c.photo == (theme == "photo")
    check(c, f"{theme}/{size.value}")
    roles = {t.role for t in c.texts}
    assert {"headline", "site_name", "date"} <= roles
    assert ("band" in roles) == (theme == "breaking")
    assert ("kicker" in roles) == (theme != "breaking")
    assert not c.headline.truncated  # the sample headline always fits whole


@pytest.mark.parametrize("name", sorted(HEADLINES))
@pytest.mark.parametrize("size", list(CardSize))
def test_headline_shapes(renderer: CardRenderer, photo: bytes, name: str, size: CardSize) -> None:
    article = sample_article(title=HEADLINES[name])
    for theme in THEMES:
        c = renderer.compose(
            article, size, theme=theme, lead_image=photo, summary=SAMPLE_SUMMARY,
            keep_background=True,
        )  # fmt: skip
        check(c, f"{name}/{theme}/{size.value}")
        headline = "".join(c.headline.lines).replace(" ", "").rstrip("…")
        assert HEADLINES[name].replace(" ", "").startswith(headline), name


def test_latin_headline_is_left_to_right_and_left_aligned(renderer: CardRenderer) -> None:
    c = renderer.compose(
        sample_article(title=HEADLINES["latin"]), CardSize.WIDE, keep_background=True
    )
    lines = [(t, b) for t, b in zip(c.texts, c.boxes, strict=True) if t.role == "headline"]
    assert lines and all(t.direction == "ltr" and t.anchor == "ls" for t, _ in lines)
    assert all(abs(b[0] - c.content_area[0]) <= 8 for _, b in lines)


def test_long_headline_is_cut_with_ellipsis_at_the_smallest_size(renderer: CardRenderer) -> None:
    title = " ".join([HEADLINES["long"]] * 2)[:200]
    c = renderer.compose(sample_article(title=title), CardSize.WIDE, keep_background=True)
    layout = renderer.theme("solid").layouts[CardSize.WIDE]
    assert c.headline.truncated and c.headline.size == layout.headline_min
    assert c.headline.lines[-1].endswith("…")
    check(c, "200 chars")


def test_footer_segments_keep_date_and_site_apart(renderer: CardRenderer) -> None:
    article = sample_article(site_name="akhbar-sahel.ma")
    c = renderer.compose(article, CardSize.WIDE, keep_background=True)
    items = {t.role: (t, b) for t, b in zip(c.texts, c.boxes, strict=True)}
    site, site_box = items["site_name"]
    date, date_box = items["date"]
    assert site.text == "akhbar-sahel.ma" and date.text == "14 مارس 2026"
    assert site_box[0] > date_box[2]  # site at the right (start), date separate at the left


@pytest.mark.parametrize("theme", THEMES)
def test_no_text_is_under_12_px_on_a_390_px_phone(
    renderer: CardRenderer, photo: bytes, theme: str
) -> None:
    """Cards are read on phones about 390 px wide: the summary, the section, the source and
    the date (the smallest text) stay at 12 px or more there."""
    for size in CardSize:
        width = size.dimensions[0]
        c = renderer.compose(
            sample_article(), size, theme=theme, lead_image=photo, summary=SAMPLE_SUMMARY
        )
        for item in c.texts:
            on_phone = item.size * PHONE_WIDTH / width
            assert on_phone >= 12, f"{theme}/{size.value}: {item.role} {on_phone:.1f} px"
        if size in (CardSize.WIDE, CardSize.X) and theme != "photo":
            assert "summary" in {t.role for t in c.texts}, f"{theme}/{size.value}"


@pytest.mark.parametrize(
    ("title", "section", "theme"),
    [
        ("عاجل: زلزال بقوة 5.8 درجات يضرب إقليم الحوز", "مجتمع", "breaking"),
        ("🔴 عاجل | زلزال بقوة 5.8 درجات يضرب إقليم الحوز", "مجتمع", "breaking"),
        ("[عاجل] زلزال بقوة 5.8 درجات يضرب إقليم الحوز", "مجتمع", "breaking"),
        ("عاجل - زلزال بقوة 5.8 درجات يضرب إقليم الحوز", "عاجل", "solid"),
    ],
)
def test_breaking_label_is_said_once(
    renderer: CardRenderer, title: str, section: str, theme: str
) -> None:
    for size in CardSize:
        c = renderer.compose(sample_article(title=title, section=section), size, theme=theme)
        labels = [t.text for t in c.texts if t.role in ("band", "kicker")]
        assert "عاجل" in labels, (theme, size)
        assert " ".join(c.headline.lines) == "زلزال بقوة 5.8 درجات يضرب إقليم الحوز"


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("عاجل: زلزال", "زلزال"),
        ("#عاجل زلزال", "زلزال"),
        ("(عاجل) زلزال", "زلزال"),
        ("عاجل… زلزال", "زلزال"),
        ("عاجل زلزال", "عاجل زلزال"),  # no separator: a word of the sentence
        ("عاجلة: زلزال", "عاجلة: زلزال"),  # another word
        ("عاجل:", "عاجل:"),  # nothing would be left
    ],
)
def test_label_forms(headline: str, expected: str) -> None:
    assert strip_shown_label(headline, ["عاجل"]) == expected


def test_a_headline_keeps_a_word_that_is_not_a_label(renderer: CardRenderer) -> None:
    # «اقتصاد» opens the sentence here; it is no label even though the chip says it.
    title = "اقتصاد المغرب ينمو بنسبة 3.2% في الربع الأول"
    c = renderer.compose(sample_article(title=title, section="اقتصاد"), CardSize.WIDE)
    assert " ".join(c.headline.lines) == title
    # Only the label: nothing would be left, so it stays.
    c = renderer.compose(sample_article(title="عاجل"), CardSize.WIDE, theme="breaking")
    assert c.headline.lines == ("عاجل",)


def test_a_summary_is_shown_whole_or_not_at_all(renderer: CardRenderer) -> None:
    long = (
        "تشمل الحملة المدارس والمراكز الصحية القروية، والتلقيح مجاني لجميع الأطفال دون سن "
        "الخامسة عشرة، وتدعو الوزارة الآباء إلى إحضار دفتر التلقيح وبطاقة التعريف إلى أقرب "
        "مركز صحي قبل الموعد المحدد لكل جماعة في الإقليم."
    )
    for size in CardSize:
        c = renderer.compose(sample_article(), size, summary=long, keep_background=True)
        check(c, f"long summary/{size.value}")
        shown = " ".join(t.text for t in c.texts if t.role == "summary")
        assert shown in ("", long), size
        if not shown:  # the headline took the room back: as large as without a summary
            alone = renderer.compose(sample_article(), size)
            assert c.headline.size == alone.headline.size, size
