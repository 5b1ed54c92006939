from __future__ import annotations

import pytest

from bot.text.arabic import (
    arabic_ratio,
    has_words,
    normalize_for_matching,
    split_sentences,
    unwrap_lines,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وصل الوفد صباحا. ثم بدأ الاجتماع.", ["وصل الوفد صباحا.", "ثم بدأ الاجتماع."]),
        # a full stop typed without the space that should follow it
        ("انتهت الجلسة .وبدأ التصويت", ["انتهت الجلسة .", "وبدأ التصويت"]),
        ("ارتفع المؤشر.وتراجع الدينار", ["ارتفع المؤشر.", "وتراجع الدينار"]),
        # a run of marks belongs to one sentence
        ("هل يعقل هذا؟! لا أحد يصدق...", ["هل يعقل هذا؟!", "لا أحد يصدق..."]),
        # decimals, years and the title «د.» do not end a sentence
        ("بلغ النمو 1.5 في المئة.", ["بلغ النمو 1.5 في المئة."]),
        ("افتتح عام 2025. ثم توسع.", ["افتتح عام 2025.", "ثم توسع."]),
        ("قال د. سمير العلوي إن الأمر جيد.", ["قال د. سمير العلوي إن الأمر جيد."]),
        # quotes, brackets and citation marks stay with their sentence
        ("قال: «انتهى الأمر.» ثم غادر.", ["قال: «انتهى الأمر.»", "ثم غادر."]),
        ("تقع المدينة على الساحل.[2] وهي قديمة.", ["تقع المدينة على الساحل.[2]", "وهي قديمة."]),
        # ؛ and ، join clauses
        ("جاء الوزير، وتحدث؛ ثم غادر.", ["جاء الوزير، وتحدث؛ ثم غادر."]),
        # a line break ends a sentence
        ("عنوان بلا نقطة\nالجملة الأولى.", ["عنوان بلا نقطة", "الجملة الأولى."]),
        ("", []),
        ("... !!! ؟", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_sentences_keeps_text_as_written() -> None:
    text = "أعلنَت الوزارةُ النتائجَ. وقالت ـ في بيانٍ ـ إنها مرضية."
    assert " ".join(split_sentences(text)) == text


def test_unwrap_lines_joins_hard_wrapped_text() -> None:
    wrapped = "افتتح الوزير صباح اليوم معرضا\nللصناعات التقليدية في مدينة\nمكناس.\nوزار الأجنحة."
    assert unwrap_lines(wrapped) == (
        "افتتح الوزير صباح اليوم معرضا للصناعات التقليدية في مدينة مكناس.\nوزار الأجنحة."
    )


def test_unwrap_lines_keeps_paragraph_breaks() -> None:
    wrapped = "سطر أول بلا\nنقطة هنا.\n\nسطر ثان بلا\nنقطة أيضا\nهنا."
    assert unwrap_lines(wrapped) == "سطر أول بلا نقطة هنا.\n\nسطر ثان بلا نقطة أيضا هنا."


@pytest.mark.parametrize(
    "text",
    [
        "عنوان الخبر\nالجملة الأولى كاملة.\nالجملة الثانية كاملة.\nوالثالثة.",
        "جملة واحدة بلا نقطة",
        "سطر\nسطر آخر",
        "",
    ],
)
def test_unwrap_lines_leaves_ordinary_text_alone(text: str) -> None:
    assert unwrap_lines(text) == text


def test_normalize_for_matching_folds_spelling_variants() -> None:
    assert normalize_for_matching("أَإِآ مدرسة مستشفى ـــ") == "ااا مدرسه مستشفي "


def test_script_helpers() -> None:
    assert arabic_ratio("خبر عاجل") == 1.0
    assert arabic_ratio("NASA تطلق مهمة") == pytest.approx(8 / 12)
    assert not has_words("🙂 123 !")
