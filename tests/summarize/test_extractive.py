from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.summarize import ExtractiveConfig, ExtractiveSummarizer, Summarizer, within_chars
from bot.text.arabic import split_sentences
from tests.summarize.samples import ARTICLE, TITLE, WRAPPED

SENTENCES = split_sentences(ARTICLE)


@pytest.fixture(scope="module")
def summarizer() -> ExtractiveSummarizer:
    return ExtractiveSummarizer()


def in_article_order(chosen: Sequence[str], source: Sequence[str]) -> bool:
    positions = [source.index(s) for s in chosen]
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


def test_a_sentence_that_does_not_fit_is_skipped_and_later_ones_tried(
    summarizer: ExtractiveSummarizer,
) -> None:
    long_lead = (
        "قررت اللجنة الوطنية للانتخابات بعد اجتماع طويل امتد إلى ساعة متأخرة من الليل "
        "تأجيل موعد الاقتراع المحلي في ثلاث جهات إلى أجل لم يحدد بعد، وذلك بطلب من "
        "الأحزاب المشاركة التي قالت إن الاستعدادات اللوجستية لم تكتمل في عدد من الدوائر."
    )
    text = f"{long_lead}\nوأوضحت اللجنة أن القرار نهائي.\nوسيعلن الموعد الجديد لاحقا."
    chosen = summarizer.summarize(text, max_sentences=3, fits=within_chars(80))
    assert long_lead not in chosen
    assert chosen == ["وأوضحت اللجنة أن القرار نهائي.", "وسيعلن الموعد الجديد لاحقا."]


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
    assert all(s in source for s in chosen)
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


def test_the_title_pulls_in_the_sentences_that_match_it() -> None:
    summarizer = ExtractiveSummarizer(ExtractiveConfig(words_per_sentence=None, title_weight=10))
    title = "جمعيات بيئية تطالب بدراسة أثر المياه المالحة على الثروة السمكية"
    with_title = summarizer.summarize(ARTICLE, title=title, max_sentences=2)
    without = summarizer.summarize(ARTICLE, max_sentences=2)
    target = next(s for s in SENTENCES if s.startswith("في المقابل"))
    assert target in with_title
    assert target not in without


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
