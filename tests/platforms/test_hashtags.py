"""Arabic hashtags: chosen from the title by salience, valid for twitter-text."""

from __future__ import annotations

import pytest
import regex

from bot.platforms.hashtags import make_hashtag, suggest_hashtags

# twitter-text's hashtag rule (hashtag.js): body characters are letters, marks, decimal
# digits, "_", ZWNJ/ZWJ and a few CJK/Hebrew marks; the body needs at least one letter or
# mark; the "#" must not follow a body character or "&".
_BODY = (
    r"[\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4"
    r"\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7]"
)
_HASHTAG = regex.compile(
    rf"(?:^|(?<!{_BODY}|&))[#＃](?!\ufe0f|\u20e3)({_BODY}*[\p{{L}}\p{{M}}]{_BODY}*)"
)


def extract_hashtags(text: str) -> list[str]:
    return _HASHTAG.findall(text)


TITLE = "افتتاح أول محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير"
BODY = (
    "دخلت محطة جديدة لتحلية مياه البحر تعمل بالطاقة الشمسية الخدمة في أكادير. "
    "وتزود المحطة مدينة أكادير بمياه الشرب. وتستمد المحطة حاجتها من الطاقة الشمسية."
)


def test_place_and_recurring_terms_are_chosen_and_function_words_are_not() -> None:
    tags = suggest_hashtags(TITLE, BODY, limit=5)
    assert "#أكادير" in tags
    assert "#الطاقة_الشمسية" in tags
    for useless in ("#في", "#أول", "#افتتاح"):
        assert useless not in tags


def test_limit_is_respected_and_words_are_not_reused() -> None:
    tags = suggest_hashtags(TITLE, BODY, limit=2)
    assert len(tags) == 2
    words = [w for tag in tags for w in tag[1:].split("_")]
    assert len(words) == len(set(words))
    assert suggest_hashtags(TITLE, BODY, limit=0) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الطاقة الشمسية", "#الطاقة_الشمسية"),
        ("أكــاديـر", "#أكادير"),  # tatweel removed
        ("مُؤْتَمَر", "#مؤتمر"),  # harakat removed
        ("2026", None),  # digits alone are not a hashtag
        ("«»", None),
    ],
)
def test_make_hashtag(text: str, expected: str | None) -> None:
    assert make_hashtag(text) == expected


def test_the_rule_itself() -> None:
    assert extract_hashtags("نص #الطاقة_الشمسية، #2026 و#مدينة #أ-ب") == ["الطاقة_الشمسية", "أ"]


def test_every_suggested_tag_is_a_whole_twitter_text_hashtag() -> None:
    for tag in suggest_hashtags(TITLE, BODY, limit=5):
        assert extract_hashtags(f"نص {tag} نص") == [tag[1:]]
