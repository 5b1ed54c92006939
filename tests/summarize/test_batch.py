from __future__ import annotations

import pytest

from bot.summarize import ExtractiveSummarizer, summarize_records
from bot.text.arabic import split_sentences
from tests.summarize.samples import ARTICLE, WRAPPED

RECORDS = [
    {"id": "a", "text": ARTICLE},
    {"id": 7, "text": ""},
    {"id": "c", "text": WRAPPED, "title": None},
]


def test_records_are_summarised_in_order_with_their_ids() -> None:
    out = list(summarize_records(RECORDS, ExtractiveSummarizer(), sentences=2, chars=None))
    assert [r["id"] for r in out] == ["a", 7, "c"]
    assert out[1]["summary"] == ""
    first = split_sentences(out[0]["summary"])
    assert 1 <= len(first) <= 2
    assert all(s in split_sentences(ARTICLE) for s in first)


def test_a_character_budget_is_never_exceeded() -> None:
    out = list(summarize_records(RECORDS, ExtractiveSummarizer(), sentences=None, chars=150))
    assert all(len(r["summary"]) <= 150 for r in out)
    assert out[0]["summary"]


def test_no_budget_means_three_sentences() -> None:
    (out,) = summarize_records(RECORDS[:1], ExtractiveSummarizer(), sentences=None, chars=None)
    assert 1 <= len(split_sentences(out["summary"])) <= 3


@pytest.mark.parametrize(("sentences", "chars"), [(0, None), (None, 0), (-1, 10)])
def test_bad_budgets_are_refused(sentences: int | None, chars: int | None) -> None:
    with pytest.raises(ValueError):
        list(summarize_records(RECORDS, ExtractiveSummarizer(), sentences=sentences, chars=chars))
