from __future__ import annotations

import pytest

from bot.text.arabic import normalize_for_matching
from bot.text.stemmer import light_stem


def key(word: str) -> str:
    return light_stem(normalize_for_matching(word))


@pytest.mark.parametrize(
    "forms",
    [
        ("المدرسة", "والمدرسة", "للمدرسة", "مدرستهم", "بالمدرسة"),
        ("المعلمون", "معلمين", "والمعلمين"),
        ("الكتاب", "كتابه", "كتابها", "وبالكتاب"),
        ("الوزير", "وزير", "للوزير"),
    ],
)
def test_inflected_forms_share_a_key(forms: tuple[str, ...]) -> None:
    assert len({key(f) for f in forms}) == 1


@pytest.mark.parametrize(("word", "stem"), [("وقت", "وقت"), ("فيلم", "فيلم"), ("بيته", "بيت")])
def test_root_letters_are_not_taken_for_clitics(word: str, stem: str) -> None:
    assert key(word) == stem


@pytest.mark.parametrize("word", ["Interpol", "2025", "قال", "من", "UN-فرع"])
def test_short_and_non_arabic_words_are_unchanged(word: str) -> None:
    assert light_stem(word) == word


def test_distinct_words_keep_distinct_keys() -> None:
    assert key("مدرسة") != key("مدير")
    assert key("الكاتب") != key("المكتبة")
