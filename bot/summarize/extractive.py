"""The offline extractive summarizer: sentences of the article, chosen and kept in order.

Ranking. Each sentence gets a relevance score::

    score = position prior × (1 + c·(centrality − 1) + t·title similarity)

- *Position prior* ``1/(i+1)``: news is written top-down and the first sentences carry the
  story. On EASC it is by far the strongest single signal, and Lead-3 beats every generic
  graph summarizer.
- *Centrality* (LexRank degree centrality over sentence similarity, mean 1.0) moves a
  sentence up or down by a bounded amount, so a central sentence from the middle of the
  article can beat a side remark near the top, but cannot outrank the lead on its own.
  On EASC its effect is small (+0.1 to +0.3 ROUGE-1); the weight is kept modest.
- *Title similarity* rewards sentences that restate the headline (EASC has no titles, so
  this term is not measured by the benchmark; it is kept small).
- Sentences shorter than ``min_words`` (datelines, captions, stray fragments) are chosen
  only when nothing else is left, and a sentence that repeats the title (see
  :func:`repeats_title`) is never chosen.

Selection for a post (a ``fits`` callable, the composer's case). A post is read without
the article around it, so it opens with the news: the lead, whole when it fits, otherwise
cut at a clause boundary (:mod:`bot.text.clauses`); only when not even that fits, the
best-ranked sentence that stands on its own. A sentence that leans on the one before it
(:mod:`bot.summarize.openers`: «كما…», «وأضاف أن…», «هذا الارتفاع…», a surname never
introduced) never opens a post, and joins one only right after its predecessor, shown
whole; a «و» that merely ties the opening to the text before is dropped. Then the ranking
is walked once: each later sentence is added whole while the post still fits, or else its
leading clause when that fits. Near-duplicates of a chosen sentence are skipped (news often
repeats its lead further down).

Measured on EASC at 280 characters (bench/summaries.py), the clause cuts are what carry
the gain over taking whole sentences: a post filled to its budget with the top of the story
holds more of what the human summaries kept. The ranking adds little on top of article
order there; it decides which later sentence joins when the next one cannot.

Selection without ``fits`` (``summarize-batch --sentences``): a soft
word budget of ``words_per_sentence × max_sentences`` applies: among the best-ranked
candidates, the selection with the most relevance-weighted words that stays within the
budget wins. This keeps summaries of a steady length (a 90-word lead sentence does not turn
a three-sentence summary into a wall of text) and, on EASC, is what lifts the summarizer
above Lead-3 at the same average length.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from bot.summarize.base import Fits
from bot.summarize.features import SentenceFeatures, TermCache, content_terms, sentence_features
from bot.summarize.openers import (
    Name,
    Opener,
    introduced_names,
    opener,
    unintroduced_name,
    without_conjunction,
)
from bot.text.arabic import has_words, normalize_for_matching, split_sentences, unwrap_lines
from bot.text.clauses import clause_ends, clause_prefix, without_asides, without_dateline


@dataclass(frozen=True, slots=True)
class ExtractiveConfig:
    """Tuning of :class:`ExtractiveSummarizer`; the defaults are the benchmarked ones.

    Attributes:
        centrality_weight: How far centrality moves a sentence's score (0 = lead only).
        title_weight: Bonus per unit of cosine similarity with the title.
        words_per_sentence: Soft word budget per requested sentence when no ``fits`` is
            given; None turns the budget off (plain top-N).
        candidates: How many of the best-ranked sentences the budgeted search combines.
        duplicate_similarity: Cosine similarity from which two sentences count as saying
            the same thing.
        min_words: Sentences with fewer words are chosen only when no longer one exists.
        max_sentences_considered: Only this many leading sentences are analysed, which
            bounds time and memory on very long texts.
        join_wrapped_lines: Re-join hard-wrapped lines (see
            :func:`bot.text.arabic.unwrap_lines`) before splitting. Off by default: the
            ingest layer delivers paragraphs, and on EASC joining costs ROUGE.
    """

    centrality_weight: float = 0.3
    title_weight: float = 0.5
    words_per_sentence: int | None = 35
    candidates: int = 10
    duplicate_similarity: float = 0.5
    min_words: int = 3
    max_sentences_considered: int = 300
    join_wrapped_lines: bool = False


_RECENT_ANALYSES = 16


class _Analysis(NamedTuple):
    sentences: list[str]
    lengths: list[int]
    features: SentenceFeatures
    scores: list[float]
    ranking: list[int]


_EDGE = ".,،؛:;!?؟()[]{}«»\"'“”‘’…-–—"


class _Discourse:
    """How the article's sentences lean on each other and where they can be cut.

    Worked out only for the sentences a post's walk actually tries, and only once per
    article: composition asks for nine platforms' summaries of the same article in a row.
    """

    def __init__(self, sentences: Sequence[str]) -> None:
        self._sentences = sentences
        self._kinds: dict[int, Opener] = {}
        self._cuts: dict[str, list[int]] = {}
        self._vocabulary: frozenset[str] | None = None
        self._names: dict[str, Name] | None = None

    def kind(self, i: int) -> Opener:
        kind = self._kinds.get(i)
        if kind is None:
            if self._vocabulary is None:
                folded = normalize_for_matching(" ".join(self._sentences)).lower()
                self._vocabulary = frozenset(w.strip(_EDGE) for w in folded.split())
            kind = self._kinds[i] = opener(self._sentences[i], self._vocabulary)
        return kind

    def cuts(self, text: str) -> list[int]:
        cuts = self._cuts.get(text)
        if cuts is None:
            cuts = self._cuts[text] = clause_ends(text, min_words=_MIN_CLAUSE_WORDS)
        return cuts

    @property
    def names(self) -> dict[str, Name]:
        if self._names is None:
            self._names = introduced_names(self._sentences)
        return self._names


class ExtractiveSummarizer:
    """Deterministic, offline, no I/O. Build once and share.

    The only state is bounded memos (word analyses in :class:`TermCache`, the last few
    articles' sentence analyses), which never change a result. Safe to share between threads.
    """

    def __init__(self, config: ExtractiveConfig | None = None) -> None:
        self.config = config or ExtractiveConfig()
        self._terms = TermCache()
        self._recent: dict[tuple[str, str | None], tuple[_Analysis, _Discourse]] = {}
        self._lock = threading.Lock()

    def summarize(
        self,
        text: str,
        *,
        title: str | None = None,
        max_sentences: int = 3,
        fits: Fits | None = None,
    ) -> list[str]:
        """Pick sentences of ``text`` for a summary.

        Args:
            text: The article body.
            title: The headline, if known.
            max_sentences: At most this many sentences are returned.
            fits: Optional length rule for a selection (in article order); when given,
                the summary is made for a post (see the module's description), only
                accepted selections are kept and an empty list means that not even the
                lead's first clause fits.

        Returns:
            Sentences as written in ``text``, in article order. With ``fits``, the first
            may be the lead without a leading «و», and any may be cut at a clause
            boundary (then ending with «.»).
        """
        if max_sentences <= 0 or not has_words(text):
            return []
        memo = self._analysis(text, title)
        if memo is None:
            return []
        analysis, discourse = memo
        config = self.config
        sentences, lengths, features, scores, ranking = analysis
        if fits is not None:
            return _post_summary(analysis, discourse, title, max_sentences, fits, config)
        if config.words_per_sentence is None:
            chosen = _top(ranking, features, max_sentences, config)
        else:
            budget = config.words_per_sentence * max_sentences
            chosen = _within_budget(
                lengths, scores, ranking, features, max_sentences, budget, config
            )
        return [sentences[i] for i in sorted(chosen)]

    def _analysis(self, text: str, title: str | None) -> tuple[_Analysis, _Discourse] | None:
        """Sentences, features, scores and ranking of one article, memoised.

        Composition asks for nine platforms' summaries of the same article in a row; the
        analysis is the costly part and does not depend on the budget.
        """
        key = (text, title)
        with self._lock:
            cached = self._recent.get(key)
        if cached is not None:
            return cached
        if self.config.join_wrapped_lines:
            text = unwrap_lines(text)
        sentences = split_sentences(text)[: self.config.max_sentences_considered]
        if not sentences:
            return None
        lengths = [len(sentence.split()) for sentence in sentences]
        features = sentence_features([s.split() for s in sentences], title, self._terms)
        scores = self._scores(features)
        ranking = self._ranking(sentences, lengths, scores, title)
        memo = (_Analysis(sentences, lengths, features, scores, ranking), _Discourse(sentences))
        with self._lock:
            self._recent[key] = memo
            while len(self._recent) > _RECENT_ANALYSES:
                self._recent.pop(next(iter(self._recent)))
        return memo

    def _scores(self, features: SentenceFeatures) -> list[float]:
        config = self.config
        n = features.centrality.shape[0]
        prior = 1.0 / np.arange(1, n + 1)
        boost = (
            1.0
            + config.centrality_weight * (features.centrality - 1.0)
            + config.title_weight * features.title_similarity
        )
        scores = prior * np.maximum(boost, 0.05)
        # Rounded so that last-bit differences between BLAS builds cannot reorder ties.
        return np.round(scores, 12).tolist()

    def _ranking(
        self,
        sentences: Sequence[str],
        lengths: Sequence[int],
        scores: Sequence[float],
        title: str | None,
    ) -> list[int]:
        """Indices of the sentences worth choosing, best first.

        A sentence that repeats the title is never worth choosing; short pieces
        (datelines, captions, stray fragments) only when nothing else is left.
        """
        repeats = self._title_repeats(sentences, title) if title else set()
        usable = [i for i in range(len(sentences)) if i not in repeats]
        full = [i for i in usable if lengths[i] >= self.config.min_words]
        return sorted(full or usable, key=lambda i: (-scores[i], i))

    def _title_repeats(self, sentences: Sequence[str], title: str) -> set[int]:
        title_terms = set(content_terms(title, self._terms))
        title_key = _comparable(title)
        return {
            i
            for i, sentence in enumerate(sentences)
            if repeats_title(sentence, title_key, title_terms, self._terms)
        }


def _comparable(text: str) -> str:
    """Folded text without closing punctuation, to tell a headline repeated in the body."""
    return normalize_for_matching(text).strip().rstrip(".!?؟…:").strip()


def repeats_title(
    sentence: str, title_key: str, title_terms: set[str], cache: TermCache | None = None
) -> bool:
    """Whether a sentence says the headline again instead of adding to it.

    It does when it begins with the headline (a headline made from the lead's first clause,
    asides dropped) or when more than half of its distinct content words are the headline's.
    A lead that shares the headline's key words but brings its own facts does not.

    Args:
        sentence: One sentence of the body.
        title_key: The headline folded by ``_comparable``.
        title_terms: The headline's content terms (:func:`content_terms`).
        cache: A term memo to reuse.
    """
    # The headline never carries the lead's wire dateline («الرباط - و م ع -»).
    sentence = without_dateline(sentence)
    key = _comparable(sentence)
    if key == title_key:
        return True
    # A headline made from the lead is its first clause, perhaps with an aside dropped.
    head = title_key.split()
    if len(head) >= 3 and key.split()[:1] == head[:1]:
        if key.startswith(title_key):
            return True
        if _comparable(without_asides(sentence)).startswith(title_key):
            return True
    terms = set(content_terms(sentence, cache))
    return bool(terms) and len(terms & title_terms) * 2 > len(terms)


def _is_duplicate(i: int, chosen: Sequence[int], features: SentenceFeatures, limit: float) -> bool:
    similarity = features.similarity
    return any(similarity[i, j] >= limit for j in chosen)


def _top(
    ranking: Sequence[int], features: SentenceFeatures, k: int, config: ExtractiveConfig
) -> list[int]:
    chosen: list[int] = []
    for i in ranking:
        if len(chosen) == k:
            break
        if not _is_duplicate(i, chosen, features, config.duplicate_similarity):
            chosen.append(i)
    return chosen


# A sentence cut at a clause boundary keeps at least this many words.
_MIN_CLAUSE_WORDS = 5


def _post_summary(
    analysis: _Analysis,
    discourse: _Discourse,
    title: str | None,
    k: int,
    fits: Fits,
    config: ExtractiveConfig,
) -> list[str]:
    """A post's summary: the news first, then what still fits (see the module's description)."""
    sentences, lengths, features, _, ranking = analysis
    if not ranking:
        return []
    lead = min(ranking)
    # The article's own first sentence leans on nothing before it (when the body repeated
    # the headline first, the next one is not the start of the story).
    at_start = all(lengths[j] < config.min_words for j in range(lead))
    title_shown = [title] if title else []

    def stands_alone(i: int) -> str | None:
        """The sentence as it may open the post, or None when it cannot."""
        kind = discourse.kind(i)
        if kind not in (Opener.PLAIN, Opener.CONJUNCTION) and not (i == lead and at_start):
            return None
        if unintroduced_name(sentences[i], discourse.names, hidden=range(i), shown=title_shown):
            return None
        return without_conjunction(sentences[i]) if kind is Opener.CONJUNCTION else sentences[i]

    def cut(i: int, text: str, chosen: dict[int, str]) -> str | None:
        """The longest leading clause of ``text`` that the post still has room for."""

        def ok(part: str) -> bool:
            return fits(_ordered({**chosen, i: part}))

        # Every cut keeps at least the first few words: when they do not fit, none does
        # (and the clause analysis is spared).
        if not ok(" ".join(text.split()[:_MIN_CLAUSE_WORDS]).rstrip(_EDGE) + "."):
            return None
        ends = discourse.cuts(text)
        low, high = 0, len(ends)  # the first ``low`` cuts fit: they grow with the offset
        while low < high:
            middle = (low + high + 1) // 2
            if ok(clause_prefix(text, ends[middle - 1])):
                low = middle
            else:
                high = middle - 1
        return clause_prefix(text, ends[low - 1]) if low else None

    def joins(i: int, chosen: dict[int, str], whole: set[int]) -> bool:
        """Whether sentence ``i`` may follow what the post already shows."""
        if discourse.kind(i) is Opener.REFERENCE and i - 1 not in whole:
            return False
        hidden = [j for j in range(i) if j not in chosen]
        shown = [*title_shown, *chosen.values()]
        return not unintroduced_name(sentences[i], discourse.names, hidden=hidden, shown=shown)

    chosen: dict[int, str] = {}
    whole: set[int] = set()  # shown in full: the next sentence may lean on them
    # The lead first; when not even its first clause fits, the best-ranked sentence that
    # stands on its own, whole or cut.
    for i in [lead, *(j for j in ranking if j != lead)]:
        opening = stands_alone(i)
        if opening is None:
            continue
        if fits([opening]):
            chosen, whole = {i: opening}, {i}
            break
        if (part := cut(i, opening, {})) is not None:
            chosen = {i: part}
            break
    if not chosen:
        return []
    start = next(iter(chosen))
    for i in ranking:
        if len(chosen) >= k:
            break
        if i <= start or _is_duplicate(i, list(chosen), features, config.duplicate_similarity):
            continue
        if fits(_ordered({**chosen, i: sentences[i]})):
            text: str | None = sentences[i]
        else:
            text = cut(i, sentences[i], chosen)
        if text is None or not joins(i, chosen, whole):
            continue
        chosen[i] = text
        if text == sentences[i]:
            whole.add(i)
    return _ordered(chosen)


def _ordered(chosen: dict[int, str]) -> list[str]:
    return [chosen[i] for i in sorted(chosen)]


def _within_budget(
    lengths: Sequence[int],
    scores: Sequence[float],
    ranking: Sequence[int],
    features: SentenceFeatures,
    k: int,
    budget: int,
    config: ExtractiveConfig,
) -> list[int]:
    """The selection of at most ``k`` sentences with the most score-weighted words in budget.

    Exact over the best-ranked candidates for the usual small ``k``; for large ``k`` the
    ranking is walked once instead (add when it still fits). The budget is soft: when not
    even the best sentence fits, that sentence alone is still a summary.
    """
    pool = list(ranking[: max(config.candidates, k)])
    if not pool:
        return []
    if k > _EXACT_UP_TO:
        chosen: list[int] = []
        used = 0
        for i in pool:
            if len(chosen) == k:
                break
            if used + lengths[i] <= budget and not _is_duplicate(
                i, chosen, features, config.duplicate_similarity
            ):
                chosen.append(i)
                used += lengths[i]
        return chosen or [pool[0]]
    # All selections are scored at once: each is a row of candidate slots, padded with an
    # empty slot (no words, no value, similar to nothing) up to k.
    size = len(pool)
    words = np.zeros(size + 1)
    words[:size] = [lengths[i] for i in pool]
    values = np.zeros(size + 1)
    values[:size] = [scores[i] * lengths[i] for i in pool]
    similar = np.zeros((size + 1, size + 1), dtype=bool)
    similar[:size, :size] = features.similarity[np.ix_(pool, pool)] >= config.duplicate_similarity
    selections = _selections(size, k)
    allowed = words[selections].sum(axis=1) <= budget
    for a, b in itertools.combinations(range(selections.shape[1]), 2):
        allowed &= ~similar[selections[:, a], selections[:, b]]
    if not allowed.any():
        return [pool[0]]
    totals = np.where(allowed, values[selections].sum(axis=1), -1.0)
    winner = int(np.argmax(totals))  # the first of equal totals (fewest sentences): stable
    return [pool[slot] for slot in selections[winner] if slot < size]


_EXACT_UP_TO = 4


@lru_cache(maxsize=32)
def _selections(size: int, k: int) -> np.ndarray:
    """Every selection of 1..k of ``size`` slots, fewest first, padded with slot ``size``."""
    width = min(k, size)
    rows = [
        (*combo, *([size] * (width - count)))
        for count in range(1, width + 1)
        for combo in itertools.combinations(range(size), count)
    ]
    return np.array(rows, dtype=np.intp).reshape(-1, width)
