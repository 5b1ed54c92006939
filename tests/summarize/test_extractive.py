from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ingest.sources import article_from_text
from bot.summarize import ExtractiveConfig, ExtractiveSummarizer, Summarizer, within_chars
from bot.summarize.openers import Opener, opener
from bot.text.arabic import split_sentences
from tests.summarize.samples import (
    ARTICLE,
    MEMBRANE,
    PRICES,
    PRICES_TITLE,
    TITLE,
    WRAPPED,
)

SENTENCES = split_sentences(ARTICLE)


@pytest.fixture(scope="module")
def summarizer() -> ExtractiveSummarizer:
    return ExtractiveSummarizer()


def origin(unit: str, source: Sequence[str]) -> int:
    """The sentence a summary unit comes from: itself, its leading clause (cut, ending in
    «.») or itself without its leading «و»."""
    stem = unit.removesuffix(".")
    for i, sentence in enumerate(source):
        if sentence.startswith(stem) or sentence.removeprefix("و").startswith(stem):
            return i
    raise AssertionError(f"not from the article: {unit}")


def in_article_order(chosen: Sequence[str], source: Sequence[str]) -> bool:
    positions = [origin(s, source) for s in chosen]
    return positions == sorted(positions) and len(set(positions)) == len(positions)


def test_is_a_summarizer(summarizer: ExtractiveSummarizer) -> None:
    assert isinstance(summarizer, Summarizer)


def test_returns_whole_sentences_as_written_in_article_order(
    summarizer: ExtractiveSummarizer,
) -> None:
    chosen = summarizer.summarize(ARTICLE, title=TITLE)
    assert 1 <= len(chosen) <= 3
    assert all(s in SENTENCES for s in chosen)
    assert in_article_order(chosen, SENTENCES)
    assert chosen[0] == SENTENCES[0]  # the lead carries the story


@pytest.mark.parametrize("text", ["", "   \n\n  ", "🙂 🎉 ... 🙂", "— ! ؟ ،"])
def test_empty_or_letterless_text_gives_nothing(
    summarizer: ExtractiveSummarizer, text: str
) -> None:
    assert summarizer.summarize(text) == []


def test_zero_sentences_gives_nothing(summarizer: ExtractiveSummarizer) -> None:
    assert summarizer.summarize(ARTICLE, max_sentences=0) == []


def test_is_deterministic_across_calls_and_instances() -> None:
    first = ExtractiveSummarizer().summarize(ARTICLE, title=TITLE)
    again = ExtractiveSummarizer()
    assert all(again.summarize(ARTICLE, title=TITLE) == first for _ in range(3))
    fits = within_chars(200)
    assert again.summarize(
        ARTICLE, max_sentences=5, fits=fits
    ) == ExtractiveSummarizer().summarize(ARTICLE, max_sentences=5, fits=fits)


def test_harakat_and_hamzas_are_kept_for_display(summarizer: ExtractiveSummarizer) -> None:
    lead = (
        "أعلنَت وزارةُ التربية إطلاقَ برنامجٍ وطنيٍّ جديد لتشجيع القراءة في المدارس "
        "الابتدائية، يشمل مكتباتٍ متنقلة ومسابقاتٍ شهرية بين التلاميذ في كل الجهات."
    )
    chosen = summarizer.summarize(f"{lead}\n{ARTICLE}", max_sentences=1)
    assert chosen == [lead]


def test_fits_is_respected_and_called_in_article_order(summarizer: ExtractiveSummarizer) -> None:
    seen: list[list[str]] = []

    def fits(selection: Sequence[str]) -> bool:
        seen.append(list(selection))
        return len(" ".join(selection)) <= 260

    chosen = summarizer.summarize(ARTICLE, max_sentences=10, fits=fits)
    assert chosen and len(" ".join(chosen)) <= 260
    assert seen and all(in_article_order(s, SENTENCES) for s in seen)


LONG_LEAD = (
    "قررت اللجنة الوطنية للانتخابات تأجيل موعد الاقتراع المحلي في ثلاث جهات إلى موعد لاحق، "
    "وذلك بطلب من الأحزاب المشاركة التي قالت إن الاستعدادات اللوجستية لم تكتمل في عدد من "
    "الدوائر."
)


def test_a_lead_that_does_not_fit_is_cut_at_a_clause_boundary(
    summarizer: ExtractiveSummarizer,
) -> None:
    text = f"{LONG_LEAD}\nوأوضحت اللجنة أن القرار نهائي.\nوسيعلن الموعد الجديد لاحقا."
    chosen = summarizer.summarize(text, max_sentences=3, fits=within_chars(100))
    assert chosen == [
        "قررت اللجنة الوطنية للانتخابات تأجيل موعد الاقتراع المحلي في ثلاث جهات إلى موعد لاحق."
    ]


def test_a_later_sentence_that_does_not_fit_gives_its_first_clause_or_is_skipped(
    summarizer: ExtractiveSummarizer,
) -> None:
    lead = "أعلنت اللجنة الوطنية للانتخابات تأجيل الاقتراع المحلي في ثلاث جهات."
    text = f"{lead}\n{LONG_LEAD}\nوسيعلن الموعد الجديد لاحقا."
    chosen = summarizer.summarize(text, max_sentences=3, fits=within_chars(160))
    assert chosen == [
        lead,
        "قررت اللجنة الوطنية للانتخابات تأجيل موعد الاقتراع المحلي في ثلاث جهات إلى موعد لاحق.",
    ]
    # No room for the clause: the sentence is skipped and the later one tried.
    assert summarizer.summarize(text, max_sentences=3, fits=within_chars(110)) == [
        lead,
        "وسيعلن الموعد الجديد لاحقا.",
    ]


def test_nothing_fits_gives_nothing(summarizer: ExtractiveSummarizer) -> None:
    assert summarizer.summarize(ARTICLE, fits=within_chars(10)) == []


@settings(max_examples=60, deadline=None)
@given(
    picks=st.lists(st.integers(min_value=0, max_value=len(SENTENCES) - 1), min_size=1),
    limit=st.integers(min_value=1, max_value=600),
    count=st.integers(min_value=1, max_value=6),
)
def test_budgets_are_never_exceeded(picks: list[int], limit: int, count: int) -> None:
    text = "\n".join(SENTENCES[i] for i in picks)
    source = split_sentences(text)
    summarizer = ExtractiveSummarizer()
    chosen = summarizer.summarize(text, max_sentences=count, fits=within_chars(limit))
    assert len(chosen) <= count
    assert len(" ".join(chosen)) <= limit
    assert in_article_order(chosen, source)
    plain = summarizer.summarize(text, max_sentences=count)
    assert 1 <= len(plain) <= count
    assert plain == summarizer.summarize(text, max_sentences=count)


def test_word_budget_keeps_three_sentence_summaries_short(
    summarizer: ExtractiveSummarizer,
) -> None:
    chosen = summarizer.summarize(ARTICLE, max_sentences=3)
    assert sum(len(s.split()) for s in chosen) <= 3 * ExtractiveConfig().words_per_sentence


def test_word_budget_is_soft_for_a_single_long_sentence() -> None:
    sentence = " ".join(["كلمة"] * 120) + "."
    assert ExtractiveSummarizer().summarize(sentence, max_sentences=1) == [sentence]


def test_without_word_budget_the_top_ranked_sentences_are_taken() -> None:
    plain = ExtractiveSummarizer(ExtractiveConfig(words_per_sentence=None))
    assert plain.summarize(ARTICLE, max_sentences=2)[0] == SENTENCES[0]
    assert len(plain.summarize(ARTICLE, max_sentences=2)) == 2


def test_a_sentence_repeating_the_title_is_not_picked(summarizer: ExtractiveSummarizer) -> None:
    text = f"{TITLE}.\n{ARTICLE}"
    chosen = summarizer.summarize(text, title=TITLE, max_sentences=3)
    assert f"{TITLE}." not in chosen
    assert chosen[0] == SENTENCES[0]


def test_near_duplicates_are_not_picked_twice(summarizer: ExtractiveSummarizer) -> None:
    text = ARTICLE.replace(
        "يذكر أن", "وصادق مجلس مدينة الصويرة مساء الثلاثاء على مشروع لتحلية مياه البحر. يذكر أن"
    )
    chosen = summarizer.summarize(text, max_sentences=10, fits=within_chars(2000))
    assert not any(s.startswith("وصادق مجلس") for s in chosen)


# The tests below run at the default settings: each of the ranking's signals must change
# which sentence joins the lead, so that setting its weight to 0 (or ranking by article
# order) makes one of them fail.

# Sentence 1 is a side remark that shares nothing with the story; sentence 2 is its centre.
DAMS = """أعلنت وزارة التجهيز والماء عن إطلاق برنامج لبناء عشرة سدود صغيرة في جهة درعة \
تافيلالت لمواجهة آثار الجفاف.
وصادف الإعلان يوم عطلة رسمية احتفل فيه المغاربة بذكرى وطنية.
وستوفر السدود الجديدة مياه السقي لآلاف الفلاحين المتضررين من الجفاف في واحات الجهة.
ويعاني الفلاحون في واحات درعة من تراجع مخزون المياه بسبب توالي سنوات الجفاف.
وقال مسؤول في الوزارة إن أشغال السدود ستنطلق قبل نهاية السنة في أربعة أقاليم.
وتطالب جمعيات الواحات بإشراك الفلاحين في تدبير مياه السدود الجديدة.
"""

# Sentence 2 says what the headline says (without repeating it); sentence 1 is weather.
SAILORS_TITLE = "بحارة آسفي يطالبون بصرف تعويضات الراحة البيولوجية"
SAILORS = """نظم عشرات البحارة وقفة احتجاجية صباح اليوم أمام مقر مندوبية الصيد البحري بمدينة آسفي.
وتساقطت أمطار خفيفة طيلة النهار دون أن تثني المشاركين عن الحضور.
ويطالب البحارة بصرف تعويضات الراحة البيولوجية المتأخرة منذ شهر دجنبر الماضي، ويتهمون الإدارة \
بالتماطل.
وقال ممثل عن البحارة إن أسرهم تعيش أوضاعاً صعبة بسبب توقف نشاط الصيد منذ أشهر.
ولم تصدر المندوبية أي تعليق على مطالب البحارة إلى حدود مساء اليوم.
"""


@pytest.mark.parametrize("fits", [within_chars(10_000), None], ids=["post", "budget"])
def test_centrality_brings_the_central_sentence_before_a_side_remark(
    summarizer: ExtractiveSummarizer, fits
) -> None:
    chosen = summarizer.summarize(DAMS, max_sentences=2, fits=fits)
    assert chosen[1].startswith("وستوفر السدود الجديدة")


@pytest.mark.parametrize("fits", [within_chars(10_000), None], ids=["post", "budget"])
def test_the_title_brings_the_sentence_that_says_it(
    summarizer: ExtractiveSummarizer, fits
) -> None:
    chosen = summarizer.summarize(SAILORS, title=SAILORS_TITLE, max_sentences=2, fits=fits)
    assert chosen[1].startswith("ويطالب البحارة بصرف تعويضات")
    # Without the headline, the sentence after the lead comes first.
    assert not summarizer.summarize(SAILORS, max_sentences=2, fits=fits)[1].startswith("ويطالب")


def test_short_fragments_are_picked_only_when_nothing_else_is_left(
    summarizer: ExtractiveSummarizer,
) -> None:
    text = "عاجل\n" + ARTICLE
    assert "عاجل" not in summarizer.summarize(text, max_sentences=3)
    assert summarizer.summarize("عاجل", max_sentences=3) == ["عاجل"]


def test_wrapped_lines_can_be_joined_first() -> None:
    joined = ExtractiveSummarizer(ExtractiveConfig(join_wrapped_lines=True))
    chosen = joined.summarize(WRAPPED, max_sentences=1)
    assert chosen == [
        "أعلنت وزارة الثقافة عن تنظيم الدورة العاشرة لمعرض الكتاب في مدينة فاس خلال "
        "الأسبوع الأول من شهر مايو، بمشاركة دور نشر من اثنتي عشرة دولة عربية."
    ]
    assert ExtractiveSummarizer().summarize(WRAPPED, max_sentences=1) == [
        "أعلنت وزارة الثقافة عن تنظيم الدورة العاشرة لمعرض الكتاب في"
    ]


def test_long_texts_are_cut_to_the_considered_sentences() -> None:
    summarizer = ExtractiveSummarizer(ExtractiveConfig(max_sentences_considered=4))
    text = "\n".join([*SENTENCES, *(f"جملة إضافية رقم {i} في آخر النص." for i in range(500))])
    chosen = summarizer.summarize(text, max_sentences=3, fits=within_chars(10_000))
    assert chosen and all(s in SENTENCES[:4] for s in chosen)


# --- a post's summary (``fits``): the news first, nothing that leans on what is not shown ----


def lean(sentence: str) -> bool:
    return opener(sentence) in (Opener.CONNECTIVE, Opener.REFERENCE)


@pytest.mark.parametrize("limit", [100, 120, 160, 200, 280, 400, 600, 1000])
def test_a_post_opens_with_the_lead_and_nothing_leans_on_a_hidden_sentence(
    summarizer: ExtractiveSummarizer, limit: int
) -> None:
    source = split_sentences(PRICES)
    chosen = summarizer.summarize(
        PRICES, title=PRICES_TITLE, max_sentences=5, fits=within_chars(limit)
    )
    assert chosen, limit
    assert origin(chosen[0], source) == 0  # the lead, whole or cut
    assert not lean(chosen[0])
    positions = [origin(unit, source) for unit in chosen]
    for unit, position in zip(chosen, positions, strict=True):
        if opener(unit) is Opener.REFERENCE:  # «وأضاف أن…» right after «وقال محمد…»
            assert position - 1 in positions
            assert chosen[positions.index(position - 1)] == source[position - 1]


def test_when_the_lead_cannot_be_shown_another_sentence_that_stands_alone_opens(
    summarizer: ExtractiveSummarizer,
) -> None:
    # The headline was made from the lead: the lead is not repeated, and the next
    # sentence opens without its «و».
    article = article_from_text(MEMBRANE)
    source = split_sentences(article.text)
    assert source[0].startswith(article.title.split("،")[0][:30])
    for limit in (70, 120, 200, 400):
        chosen = summarizer.summarize(
            article.text, title=article.title, max_sentences=3, fits=within_chars(limit)
        )
        assert chosen[0].startswith("يعتمد الغشاء على ألياف نبات الصبار"), limit
        assert origin(chosen[0], source) == 1


def test_a_surname_never_introduced_does_not_open_a_post(
    summarizer: ExtractiveSummarizer,
) -> None:
    text = (
        "قدم رئيس المجلس الجماعي سعيد الإدريسي حصيلة السنة الأولى من ولايته أمام المستشارين في "
        "دورة مطولة امتدت إلى ساعة متأخرة من الليل، وعرض فيها أرقام المشاريع المنجزة.\n"
        "وقال الإدريسي إن الميزانية لم تسمح بإنجاز أكثر مما تحقق."
    )
    # Not even the lead's first clause fits in 90 characters; the reply does, but it names
    # a man the reader of the post has never met.
    assert summarizer.summarize(text, max_sentences=2, fits=within_chars(90)) == []
    assert summarizer.summarize(
        text, title="الإدريسي يقدم حصيلة ولايته", max_sentences=2, fits=within_chars(90)
    ) == ["قال الإدريسي إن الميزانية لم تسمح بإنجاز أكثر مما تحقق."]
