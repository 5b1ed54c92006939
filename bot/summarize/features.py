"""Sentence features for extractive summarisation: content terms, similarity, centrality.

Sentences are compared through their *content terms*: words folded with
:func:`bot.text.arabic.normalize_for_matching` (so «أن»/«ان» and «مدرسة»/«مدرسه» agree),
lower-cased, without function words (:mod:`bot.text.stopwords`) and light-stemmed
(:mod:`bot.text.stemmer`), so «المدرسة», «للمدرسة» and «مدرستهم» count as one term.

Centrality is LexRank's continuous *degree* centrality: the summed cosine similarity of a
sentence's tf·isf vector to all others (isf: inverse *sentence* frequency inside the
article, so no corpus statistics are shipped). On EASC it ranks as well as the PageRank
variant (measured with bench/summaries.py: R1 43.86 vs 43.77 at the same length), for a
fraction of the work.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import regex

from bot.text.arabic import normalize_for_matching
from bot.text.stemmer import light_stem
from bot.text.stopwords import is_stopword

# Harakat (\p{M}) belong to their word; they are folded away afterwards.
_TERM = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_EDGE_PUNCTUATION = ".,،؛:;!?؟()[]{}«»\"'“”‘’…-–—/"
# The letter folding of normalize_for_matching, as one table (tatweel dropped too).
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "\u0640": None})


def chunk_terms(chunk: str) -> tuple[str, ...]:
    """Content terms of one white-space-delimited chunk («(الإنسان», «2025.وفي»).

    Args:
        chunk: Text without spaces, as written.

    Returns:
        The folded, light-stemmed content words in it (numbers included, function words
        dropped): matching keys, never for display.
    """
    bare = chunk.strip(_EDGE_PUNCTUATION)
    if bare.isalpha():
        # The common case, one plain word: no harakat to strip, nothing to split, and
        # nothing that NFC could compose, so only the letter folding is needed.
        word = bare.translate(_FOLD).lower()
        return () if not word or is_stopword(word) else (light_stem(word),)
    words = _TERM.findall(normalize_for_matching(chunk).lower())
    return tuple(light_stem(word) for word in words if word and not is_stopword(word))


class TermCache(dict[str, tuple[str, ...]]):
    """A bounded memo of :func:`chunk_terms`, looked up at C speed.

    Folding and stemming are most of the summarizer's work, and news vocabulary repeats
    heavily within and across articles, so every distinct chunk is analysed once. A hit is a
    plain ``dict`` look-up (``__missing__`` runs only on a miss); past ``limit`` entries new
    chunks are analysed without being stored, so memory stays bounded in a long-running bot.
    """

    def __init__(self, limit: int = 200_000) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        terms = chunk_terms(chunk)
        if len(self) < self.limit:
            self[chunk] = terms
        return terms


def content_terms(sentence: str, cache: TermCache | None = None) -> list[str]:
    """Folded, light-stemmed content words of one sentence, in order.

    Args:
        sentence: Text as written.
        cache: A memo to reuse between calls; a fresh one is used when None.

    Returns:
        Matching keys for the sentence's content words. Not for display.
    """
    lookup = (cache if cache is not None else TermCache()).__getitem__
    return list(chain.from_iterable(map(lookup, sentence.split())))


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """Per-sentence numbers the ranking uses; arrays are indexed like the sentences.

    Attributes:
        similarity: Cosine similarity of the tf·isf vectors, zero on the diagonal.
        centrality: Degree centrality over ``similarity``, scaled to average 1.0.
        title_similarity: Cosine similarity with the title (all zero without a title).
    """

    similarity: np.ndarray
    centrality: np.ndarray
    title_similarity: np.ndarray


def sentence_features(
    chunks: Sequence[Sequence[str]], title: str | None, cache: TermCache | None = None
) -> SentenceFeatures:
    """Similarity graph, centrality and title similarity for a list of sentences.

    Args:
        chunks: Each sentence split on white space (``sentence.split()``).
        title: The article's title, or None.
        cache: A memo to reuse between calls; a fresh one is used when None.

    Returns:
        The features; with fewer than two sentences centrality is all 1.0.
    """
    cache = cache if cache is not None else TermCache()
    n = len(chunks)
    # One pass over all chunks of the article, in C where possible: terms per chunk, then
    # the sentence each term belongs to, then a column per distinct term.
    per_chunk = list(map(cache.__getitem__, chain.from_iterable(chunks)))
    terms = list(chain.from_iterable(per_chunk))
    sentence_of_chunk = np.repeat(np.arange(n, dtype=np.intp), list(map(len, chunks)))
    rows = np.repeat(sentence_of_chunk, list(map(len, per_chunk)))
    vocabulary = {term: column for column, term in enumerate(dict.fromkeys(terms))}
    columns = np.fromiter(map(vocabulary.__getitem__, terms), dtype=np.intp, count=len(terms))
    width = max(len(vocabulary), 1)
    counts = np.bincount(rows * width + columns, minlength=n * width).reshape(n, width)
    # isf: a term found in every sentence says nothing about any one of them.
    isf = np.log((n + 1.0) / np.maximum(np.count_nonzero(counts, axis=0), 1))
    weighted = counts * isf
    norms = np.sqrt(np.einsum("ij,ij->i", weighted, weighted))
    norms[norms == 0.0] = 1.0
    unit = weighted / norms[:, None]
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, 0.0)
    return SentenceFeatures(
        similarity=similarity,
        centrality=_degree_centrality(similarity),
        title_similarity=_title_similarity(
            content_terms(title, cache) if title else [], unit, vocabulary, isf
        ),
    )


def _degree_centrality(similarity: np.ndarray) -> np.ndarray:
    n = similarity.shape[0]
    degree = similarity.sum(axis=1)
    total = float(degree.sum())
    if n < 2 or total == 0.0:
        return np.ones(n)
    return degree * (n / total)


def _title_similarity(
    title_terms: Sequence[str], unit: np.ndarray, vocabulary: dict[str, int], isf: np.ndarray
) -> np.ndarray:
    n = unit.shape[0]
    if not title_terms:
        return np.zeros(n)
    vector = np.zeros(unit.shape[1])
    # Title words the article never uses still lengthen the title's vector: they weigh as
    # much as the rarest article term.
    unseen_weight = math.log(n + 1.0)
    unseen: dict[str, int] = {}
    for term in title_terms:
        column = vocabulary.get(term)
        if column is None:
            unseen[term] = unseen.get(term, 0) + 1
        else:
            vector[column] += isf[column]
    norm = math.sqrt(
        float(vector @ vector) + sum((count * unseen_weight) ** 2 for count in unseen.values())
    )
    if norm == 0.0:
        return np.zeros(n)
    return unit @ (vector / norm)
