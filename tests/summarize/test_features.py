from __future__ import annotations

import numpy as np
import pytest

from bot.summarize.features import TermCache, chunk_terms, content_terms, sentence_features


def test_content_terms_fold_stem_and_drop_function_words() -> None:
    assert content_terms("وقال إنَّ المدرسةَ الجديدة في «المدينة».") == [
        "مدرس",
        "جديد",
        "مدين",
    ]
    assert content_terms("للمدرسة ومدرستهم") == ["مدرس", "مدرس"]


@pytest.mark.parametrize(
    ("chunk", "terms"),
    [
        ("(الإنسان", ("انس",)),
        ("2025.وفي", ("2025",)),
        ("الـمـدرسة", ("مدرس",)),
        ("Interpol،", ("interpol",)),
        ("ـ", ()),
        ("...", ()),
    ],
)
def test_chunk_terms(chunk: str, terms: tuple[str, ...]) -> None:
    assert chunk_terms(chunk) == terms


def test_term_cache_is_bounded_and_transparent() -> None:
    cache = TermCache(limit=2)
    words = ["المدرسة", "الوزير", "المدينة", "المدرسة"]
    assert [cache[w] for w in words] == [chunk_terms(w) for w in words]
    assert len(cache) == 2


def test_similarity_and_centrality() -> None:
    sentences = [
        "افتتح الوزير المدرسة الجديدة في المدينة.",
        "وتضم المدرسة الجديدة عشرين قسما.",
        "وحضر الافتتاح سكان المدينة.",
        "الطقس مشمس.",
    ]
    features = sentence_features([s.split() for s in sentences], None)
    similarity = features.similarity
    assert np.allclose(similarity, similarity.T)
    assert np.all(np.diag(similarity) == 0.0)
    assert similarity[0, 1] > similarity[0, 2] > 0.0 == similarity[0, 3]
    assert features.centrality.mean() == pytest.approx(1.0)
    assert features.centrality.argmax() == 0 and features.centrality[3] == 0.0
    assert not features.title_similarity.any()


def test_title_similarity() -> None:
    sentences = ["افتتح الوزير المدرسة الجديدة.", "الطقس مشمس اليوم."]
    features = sentence_features([s.split() for s in sentences], "افتتاح المدرسة الجديدة")
    assert features.title_similarity[0] > 0.0 == features.title_similarity[1]
    assert features.title_similarity[0] < 1.0  # «افتتاح» is not in the article


def test_a_single_sentence_has_unit_centrality() -> None:
    features = sentence_features([["كلمة"]], None)
    assert features.centrality.tolist() == [1.0]
