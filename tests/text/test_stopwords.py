from __future__ import annotations

import pytest

from bot.text.arabic import normalize_for_matching
from bot.text.stopwords import STOPWORDS, is_stopword


def test_the_list_is_stored_folded() -> None:
    assert all(normalize_for_matching(w) == w for w in STOPWORDS)


@pytest.mark.parametrize("word", ["في", "الذي", "وفي", "فان", "هذه", "قال", "واضاف"])
def test_function_words(word: str) -> None:
    assert is_stopword(word)


@pytest.mark.parametrize("word", ["مدرسه", "وزير", "فيلم", "ميناء", "interpol", "2025"])
def test_content_words(word: str) -> None:
    assert not is_stopword(word)
