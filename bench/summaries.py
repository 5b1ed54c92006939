"""Summary quality and speed on an EASC-format dataset, against Lead-k and sumy.

Usage::

    .venv/bin/python bench/summaries.py [DATASET.jsonl] [--sentences 3] [--chars 280]
                                        [--limit N] [--unwrap]

DATASET defaults to ../shared/eval/summaries/easc_dev.jsonl (lines of
{"id", "text", "summaries": [...]}). Every system runs at two budgets in one go: N whole
sentences, and a post of C characters (units joined by a space; a system that cannot fit
even one unit gets the article's first sentence cut at a word boundary with «…», the
composer's last resort). Scores are ROUGE-1/2/L F1 (x100) on normalised text, averaged
(mean) and best-of (max) over the references, macro-averaged over articles: the method of
shared/tools/rouge_ar.py --mode norm, re-implemented here so that any dataset path works.
Words are whitespace tokens. Speed is articles per second of the summarizer call alone: CPU
time of this process, BLAS limited to one thread, measured on a second pass over the data
(Nashir's first pass, with its word memo still empty, is printed below the table), no
scoring.

Systems at C characters:

- Nashir: the summarizer as the composer calls it (a ``fits`` rule): the lead first, whole
  or cut at a clause boundary, then the ranking walked once, each sentence added whole or
  by its leading clause while the post fits; sentences that lean on an unseen predecessor
  are left out.
- Lead: whole sentences in article order, stopping at the first that does not fit.
- Lead, same walk (the anchor): whole sentences in article order, skipping one that does
  not fit and trying the later ones (the walk Nashir used to have).
- Nashir walk, article order: Nashir's own procedure (clause cuts, back-reference rule)
  with the ranking replaced by article order; the gap to Nashir is what the ranking adds.
- sumy LexRank and TextRank given our sentence splitter and word tokenizer (no NLTK data)
  and sumy's Arabic stop words, their ranking walked like the anchor.

Then the short drafts an editor sees: every article, as pasted text (headline derived from
it) and again with a link, composed for X, Threads and Bluesky by the real composer; the
share of those whose summary opens with a connective or a back-reference («و…», «كما», «هذا
الـ…», a pronoun, a surname never introduced), the share that repeat the headline (begin
with it, or most of their words are its words), and the share that open with the lead.

Targets (the script exits 1 and names every one missed; 2 when the dataset is absent):

- 3 sentences: R1 ≥ Lead-3 + 1.0, R2 and RL not below Lead-3, average words within ±10 %
  of Lead-3's (Lead with the EASC README's splitter);
- C characters: R1 ≥ Lead-with-the-same-walk + 1.0;
- speed: ≥ 1,000 articles/s at N sentences;
- short drafts: 0 % opening with a connective or back-reference, 0 % repeating the
  headline.
"""

from __future__ import annotations

import os

# "One core": BLAS threads only add hand-off cost on matrices of a few dozen rows, and on a
# busy machine they make the figure meaningless. Must be set before numpy is imported.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.compose import Composer  # noqa: E402
from bot.errors import NashirError  # noqa: E402
from bot.ingest.sources import article_from_text  # noqa: E402
from bot.models import Article, Platform  # noqa: E402
from bot.paths import TEMPLATES_DIR  # noqa: E402
from bot.platforms import PLATFORMS  # noqa: E402
from bot.summarize import ExtractiveConfig, ExtractiveSummarizer  # noqa: E402
from bot.summarize.openers import (  # noqa: E402
    Opener,
    introduced_names,
    opener,
    unintroduced_name,
)
from bot.text.arabic import normalize_for_matching, split_sentences, words  # noqa: E402
from bot.text.clauses import without_asides  # noqa: E402
from bot.text.stopwords import is_stopword  # noqa: E402

DEFAULT_DATASET = ROOT.parent / "shared" / "eval" / "summaries" / "easc_dev.jsonl"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")

# --- scoring: the rules of shared/tools/rouge_ar.py, normalised mode -------------------------
_TASHKEEL = re.compile(r"[\u064B-\u065F\u0670\u0640]")
_ALEF = re.compile(r"[\u0622\u0623\u0625\u0671]")
_TOKEN = re.compile(r"[\w\u064B-\u065F\u0670\u0640]+")


class _NormalisedTokenizer:
    def tokenize(self, text: str) -> list[str]:
        text = _ALEF.sub("\u0627", _TASHKEEL.sub("", (text or "").lower()))
        text = text.replace("\u0629", "\u0647").replace("\u0649", "\u064a")
        return [t for t in _TOKEN.findall(text) if t != "_"]


def score(predictions: dict[str, str], dataset: Sequence[dict]) -> dict[str, dict[str, float]]:
    """Macro-averaged F1 x100 per aggregate ("mean", "max") and ROUGE type."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=_NormalisedTokenizer())
    sums = {agg: dict.fromkeys(ROUGE_TYPES, 0.0) for agg in ("mean", "max")}
    n = 0
    for doc in dataset:
        refs = [r for r in doc["summaries"] if r and r.strip()]
        if not refs:
            continue
        per_ref = [scorer.score(ref, predictions.get(doc["id"], "")) for ref in refs]
        for rt in ROUGE_TYPES:
            f1s = [s[rt].fmeasure for s in per_ref]
            sums["mean"][rt] += sum(f1s) / len(f1s)
            sums["max"][rt] += max(f1s)
        n += 1
    return {agg: {rt: 100.0 * v / max(n, 1) for rt, v in row.items()} for agg, row in sums.items()}


# --- systems ----------------------------------------------------------------------------------
Ranker = Callable[[str], tuple[list[str], list[int]]]  # text -> (sentences, best-first order)


def easc_split(text: str) -> list[str]:
    """The EASC README's splitter: . ! ? ؟ (runs kept together, not between two digits), lines."""
    out: list[str] = []
    for line in text.split("\n"):
        start = 0
        for match in re.finditer(r"[.!?؟]", line):
            i = match.start()
            after = line[i + 1] if i + 1 < len(line) else ""
            if (i > 0 and line[i - 1].isdigit() and after.isdigit()) or after in {*".!?؟"}:
                continue
            if piece := line[start : i + 1].strip():
                out.append(piece)
            start = i + 1
        if rest := line[start:].strip():
            out.append(rest)
    return out


def fits_chars(limit: int) -> Callable[[Sequence[str]], bool]:
    return lambda selection: len(" ".join(selection)) <= limit


def trim_to(sentence: str, limit: int) -> str:
    """The composer's last resort: cut at a word boundary and add an ellipsis."""
    kept: list[str] = []
    for word in sentence.split():
        if len(" ".join([*kept, word])) + 1 > limit:
            break
        kept.append(word)
    return " ".join(kept) + "…" if kept else ""


def lead(
    splitter: Callable[[str], list[str]], k: int, chars: int | None, *, skip: bool = False
) -> Callable[[str], str]:
    """Lead-k; with a character budget, whole sentences in article order while they fit.

    ``skip``: a sentence that does not fit is skipped and the later ones tried (the walk
    Nashir had, the anchor of the character budget) instead of ending the summary.
    """

    def run(text: str) -> str:
        sentences = splitter(text)
        if chars is None:
            return " ".join(sentences[:k])
        chosen: list[str] = []
        for sentence in sentences:
            if len(" ".join([*chosen, sentence])) > chars:
                if skip:
                    continue
                break
            chosen.append(sentence)
        return " ".join(chosen) if chosen else trim_to(sentences[0] if sentences else "", chars)

    return run


def nashir(summarizer: ExtractiveSummarizer, k: int, chars: int | None) -> Callable[[str], str]:
    def run(text: str) -> str:
        if chars is None:
            return " ".join(summarizer.summarize(text, max_sentences=k))
        chosen = summarizer.summarize(text, max_sentences=10, fits=fits_chars(chars))
        first = split_sentences(text)[:1]
        return " ".join(chosen) if chosen else trim_to(first[0] if first else "", chars)

    return run


def sumy_ranker(kind: str) -> Ranker:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    class OurTokenizer:
        language = "arabic"

        def to_sentences(self, paragraph: str) -> tuple[str, ...]:
            return tuple(split_sentences(paragraph))

        def to_words(self, sentence: str) -> tuple[str, ...]:
            return tuple(words(sentence))

    tokenizer = OurTokenizer()
    summarizer = LexRankSummarizer() if kind == "lexrank" else TextRankSummarizer()
    summarizer.stop_words = get_stop_words("arabic")

    def rank(text: str) -> tuple[list[str], list[int]]:
        sentences = split_sentences(text)
        objects = [Sentence(s, tokenizer) for s in sentences]
        if not objects:
            return [], []
        order: list[int] = []
        position = {id(obj): i for i, obj in enumerate(objects)}

        def capture(infos: list) -> list:  # sumy hands the best-first list to `count`
            order.extend(position[id(info.sentence)] for info in infos)
            return infos

        summarizer(ObjectDocumentModel([Paragraph(objects)]), capture)
        return sentences, order

    return rank


def ranked(ranker: Ranker, k: int, chars: int | None) -> Callable[[str], str]:
    def run(text: str) -> str:
        sentences, order = ranker(text)
        if chars is None:
            return " ".join(sentences[i] for i in sorted(order[:k]))
        fits = fits_chars(chars)
        chosen: list[int] = []
        for i in order:  # the same walk as Nashir's: add if it still fits, else skip
            candidate = sorted([*chosen, i])
            if fits([sentences[j] for j in candidate]):
                chosen = candidate
        if not chosen:
            return trim_to(sentences[0] if sentences else "", chars)
        return " ".join(sentences[j] for j in chosen)

    return run


# --- run --------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--chars", type=int, default=280)
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--unwrap", action="store_true", help="Nashir joins hard-wrapped lines")
    args = parser.parse_args()
    if not args.dataset.is_file():
        print(f"SKIPPED: dataset not found at {args.dataset}; no target was checked.")
        return 2
    with args.dataset.open(encoding="utf-8") as handle:
        dataset = [json.loads(line) for line in handle if line.strip()][: args.limit]

    ours = ExtractiveSummarizer(ExtractiveConfig(join_wrapped_lines=args.unwrap))
    # The same procedure with article order as the ranking: no centrality, no title.
    in_order = ExtractiveSummarizer(
        ExtractiveConfig(join_wrapped_lines=args.unwrap, centrality_weight=0, title_weight=0)
    )
    k = args.sentences
    systems: list[tuple[str, Callable[[int | None], Callable[[str], str]] | None]] = [
        (OURS, lambda c: nashir(ours, k, c)),
        (LEAD, lambda c: lead(easc_split, k, c)),
        ("Lead (our split)", lambda c: lead(split_sentences, k, c)),
        (ANCHOR, lambda c: lead(easc_split, k, c, skip=True) if c else None),
        (IN_ORDER, lambda c: nashir(in_order, k, c) if c else None),
    ]
    try:
        systems += [
            ("sumy LexRank", lambda c: ranked(sumy_ranker("lexrank"), k, c)),
            ("sumy TextRank", lambda c: ranked(sumy_ranker("textrank"), k, c)),
        ]
    except ImportError:
        print("sumy is not installed: its rows are left out")

    print(f"{args.dataset.name}: {len(dataset)} articles; ROUGE F1 x100 on normalised text")
    cold = 0.0
    header = f"{'system':<27} {'budget':<8} {'agg':<4} {'R1':>6} {'R2':>6} {'RL':>6} {'words':>6}"
    print(header + f" {'art/s':>7}")
    print("-" * (len(header) + 8))
    table: dict[tuple[str, int | None], Row] = {}
    for budget, chars in ((f"{k} sent", None), (f"{args.chars} ch", args.chars)):
        for name, build in systems:
            run = build(chars) if build else None
            if run is None:
                continue
            first_speed, predictions = timed(run, dataset)
            speed, _ = timed(run, dataset)  # steady state: imports done, word memo warm
            if name == OURS and chars is None:
                cold = first_speed
            avg_words = sum(len(p.split()) for p in predictions.values()) / max(len(dataset), 1)
            result = score(predictions, dataset)
            mean = result["mean"]
            table[name, chars] = Row(
                mean["rouge1"], mean["rouge2"], mean["rougeL"], avg_words, speed
            )
            for agg in ("mean", "max"):
                r1, r2, rl = (result[agg][rt] for rt in ROUGE_TYPES)
                tail = f" {avg_words:>6.1f} {speed:>7.0f}" if agg == "mean" else ""
                print(f"{name:<27} {budget:<8} {agg:<4} {r1:>6.2f} {r2:>6.2f} {rl:>6.2f}{tail}")
        print()
    print(
        f"art/s: CPU time, one BLAS thread, second pass over the data. Nashir's first pass "
        f"(empty word memo, as right after start-up): {cold:.0f} art/s."
    )
    print()
    shares = short_draft_shares(dataset)
    print_shares(shares)
    missed = missed_targets(table, shares, k, args.chars)
    print()
    for line in missed:
        print(f"MISSED: {line}")
    if not missed:
        print("All targets met.")
    return 1 if missed else 0


OURS = "Nashir extractive"
LEAD = "Lead (EASC split)"
ANCHOR = "Lead, same walk"
IN_ORDER = "Nashir walk, article order"
SHORT_PLATFORMS = (Platform.X, Platform.THREADS, Platform.BLUESKY)
MIN_SPEED = 1_000


@dataclass(frozen=True, slots=True)
class Row:
    r1: float
    r2: float
    rl: float
    words: float
    speed: float


@dataclass(frozen=True, slots=True)
class Shares:
    drafts: int
    leaning: list[str]  # summaries that open with a connective or a back-reference
    repeating: list[str]  # summaries that repeat the headline
    lead_first: int  # summaries that open with the article's lead (whole or cut)
    skipped: int  # articles the composer refused (too short as pasted text, …)


def missed_targets(
    table: dict[tuple[str, int | None], Row], shares: Shares, k: int, chars: int
) -> list[str]:
    """Every target not met, each as one line naming it and the figures."""
    missed: list[str] = []
    ours, base = table[OURS, None], table[LEAD, None]
    if ours.r1 < base.r1 + 1.0:
        missed.append(f"{k} sentences: R1 {ours.r1:.2f} < Lead-{k} {base.r1:.2f} + 1.0")
    if ours.r2 < base.r2 or ours.rl < base.rl:
        missed.append(
            f"{k} sentences: R2/RL {ours.r2:.2f}/{ours.rl:.2f} below Lead-{k} "
            f"{base.r2:.2f}/{base.rl:.2f}"
        )
    if abs(ours.words - base.words) > 0.1 * base.words:
        missed.append(
            f"{k} sentences: {ours.words:.1f} words, not within ±10 % of Lead-{k}'s "
            f"{base.words:.1f}"
        )
    post, anchor = table[OURS, chars], table[ANCHOR, chars]
    if post.r1 < anchor.r1 + 1.0:
        missed.append(
            f"{chars} characters: R1 {post.r1:.2f} < Lead with the same walk {anchor.r1:.2f} + 1.0"
        )
    if ours.speed < MIN_SPEED:
        missed.append(f"speed: {ours.speed:.0f} articles/s < {MIN_SPEED} at {k} sentences")
    if shares.leaning:
        missed.append(
            f"short drafts: {len(shares.leaning)} of {shares.drafts} open with a connective "
            "or a back-reference (target 0 %)"
        )
    if shares.repeating:
        missed.append(
            f"short drafts: {len(shares.repeating)} of {shares.drafts} repeat the headline "
            "(target 0 %)"
        )
    return missed


# --- the short drafts an editor sees -----------------------------------------------------------
def short_draft_shares(dataset: Sequence[dict]) -> Shares:
    """X, Threads and Bluesky drafts of every article, pasted without a headline and linked."""
    composer = Composer(ExtractiveSummarizer(), templates_dir=TEMPLATES_DIR)
    drafts = lead_first = skipped = 0
    leaning: list[str] = []
    repeating: list[str] = []
    for doc in dataset:
        try:
            pasted = article_from_text(doc["text"])
        except NashirError:
            skipped += 1
            continue
        linked = replace(pasted, url=f"https://akhbar.example/{doc['id'].lower()}.html")
        for article in (pasted, linked):
            for platform in SHORT_PLATFORMS:
                draft = composer.compose(article, PLATFORMS[platform], hashtags=[])
                drafts += 1
                first = split_sentences(draft.summary)[:1]
                if not first:
                    continue
                label = f"{doc['id']} {platform.value}: {first[0][:70]}"
                if leans_back(first[0], article):
                    leaning.append(label)
                if repeats_headline(first[0], article.title):
                    repeating.append(label)
                if opens_with_lead(first[0], article):
                    lead_first += 1
    return Shares(drafts, leaning, repeating, lead_first, skipped)


def leans_back(sentence: str, article: Article) -> bool:
    """Opens with anything but a plain start (a «و», a connective, a back-reference), or
    names by surname alone someone the reader has not met (the title is all they saw)."""
    if opener(sentence) is not Opener.PLAIN:
        return True
    sentences = split_sentences(article.text)
    names = introduced_names(sentences)
    return unintroduced_name(sentence, names, hidden=range(len(sentences)), shown=[article.title])


def repeats_headline(sentence: str, title: str) -> bool:
    """Begins with the headline (asides between commas aside), or more than half of its
    distinct content words are the headline's words (spelling folded, no stemming: the
    summarizer's own rule is stricter)."""
    said, headline = _folded_words(sentence), _folded_words(title)
    opening = _folded_words(without_asides(sentence))
    if headline and headline in (said[: len(headline)], opening[: len(headline)]):
        return True
    content = {w for w in said if not is_stopword(w)}
    return bool(content) and len(content & set(headline)) * 2 > len(content)


def opens_with_lead(sentence: str, article: Article) -> bool:
    """The summary opens with the article's first sentence that does not repeat the
    headline, whole or cut, with or without its leading «و»."""
    key = _folded_words(sentence.rstrip("."))
    for candidate in split_sentences(article.text):
        if repeats_headline(candidate, article.title):
            continue
        words = _folded_words(candidate)
        if key and words and words[0].startswith("و") and words[0][1:] == key[0]:
            words = [words[0][1:], *words[1:]]
        elif words and words[0] == "و":
            words = words[1:]
        return words[: len(key)] == key
    return False


def _folded_words(text: str) -> list[str]:
    return [w for w in (normalize_for_matching(t).strip(_EDGE) for t in text.split()) if w]


_EDGE = ".,،؛:;!?؟()[]{}«»\"'“”‘’…-–—"


def print_shares(shares: Shares) -> None:
    total = max(shares.drafts, 1)
    print(
        f"Short drafts (X, Threads, Bluesky; each article pasted without a headline and again "
        f"with a link): {shares.drafts} drafts, {shares.skipped} articles refused as text"
    )
    print(
        f"  open with a connective or back-reference: {len(shares.leaning)} "
        f"({100 * len(shares.leaning) / total:.1f} %)"
    )
    print(
        f"  repeat the headline:                       {len(shares.repeating)} "
        f"({100 * len(shares.repeating) / total:.1f} %)"
    )
    print(
        f"  open with the lead (whole or cut):         {shares.lead_first} "
        f"({100 * shares.lead_first / total:.1f} %)"
    )
    for label in [*shares.leaning, *shares.repeating][:10]:
        print(f"    {label}")


def timed(run: Callable[[str], str], dataset: Sequence[dict]) -> tuple[float, dict[str, str]]:
    """Articles per CPU second of one pass, and that pass's summaries."""
    start = time.process_time()
    predictions = {doc["id"]: run(doc["text"]) for doc in dataset}
    return len(dataset) / max(time.process_time() - start, 1e-9), predictions


if __name__ == "__main__":
    raise SystemExit(main())
