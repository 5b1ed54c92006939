"""Summary quality and speed on an EASC-format dataset, against Lead-k and sumy.

Usage::

    .venv/bin/python bench/summaries.py [DATASET.jsonl] [--sentences 3] [--chars 280]
                                        [--limit N] [--unwrap]

DATASET defaults to ../shared/eval/summaries/easc_dev.jsonl (lines of
{"id", "text", "summaries": [...]}). Every system runs at two budgets in one go: N whole
sentences, and whole sentences within a post of C characters (sentences joined by a space;
a system that cannot fit even one sentence gets the article's first sentence cut at a word
boundary with «…», which is what the composer does). Scores are ROUGE-1/2/L F1 (x100) on
normalised text, averaged (mean) and best-of (max) over the references, macro-averaged over
articles: the method of shared/tools/rouge_ar.py --mode norm, re-implemented here so that
any dataset path works. Words are whitespace tokens. Speed is articles per second of the
summarizer call alone: CPU time of this process, BLAS limited to one thread, measured on a
second pass over the data (Nashir's first pass, with its word memo still empty, is printed
below the table), no scoring.

Systems: Nashir's extractive summarizer; Lead-k with the reference splitter of the EASC
README (which reproduces its baseline table) and with our splitter; sumy's LexRank and
TextRank given our sentence splitter and word tokenizer (no NLTK data) and sumy's Arabic
stop words. For the character budget, sumy's ranking is walked exactly like ours.
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
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.summarize import ExtractiveConfig, ExtractiveSummarizer  # noqa: E402
from bot.text.arabic import split_sentences, words  # noqa: E402

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


def lead(splitter: Callable[[str], list[str]], k: int, chars: int | None) -> Callable[[str], str]:
    def run(text: str) -> str:
        sentences = splitter(text)
        if chars is None:
            return " ".join(sentences[:k])
        chosen: list[str] = []  # whole sentences while they fit, as in the bar
        for sentence in sentences:
            if len(" ".join([*chosen, sentence])) > chars:
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
        print(f"skipped: dataset not found at {args.dataset}")
        return 0
    with args.dataset.open(encoding="utf-8") as handle:
        dataset = [json.loads(line) for line in handle if line.strip()][: args.limit]

    ours = ExtractiveSummarizer(ExtractiveConfig(join_wrapped_lines=args.unwrap))
    k = args.sentences
    systems: list[tuple[str, Callable[[int | None], Callable[[str], str]]]] = [
        ("Nashir extractive", lambda c: nashir(ours, k, c)),
        ("Lead (EASC split)", lambda c: lead(easc_split, k, c)),
        ("Lead (our split)", lambda c: lead(split_sentences, k, c)),
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
    header = f"{'system':<22} {'budget':<8} {'agg':<4} {'R1':>6} {'R2':>6} {'RL':>6} {'words':>6}"
    print(header + f" {'art/s':>7}")
    print("-" * (len(header) + 8))
    for budget, chars in ((f"{k} sent", None), (f"{args.chars} ch", args.chars)):
        for name, build in systems:
            run = build(chars)
            first_speed, predictions = timed(run, dataset)
            speed, _ = timed(run, dataset)  # steady state: imports done, word memo warm
            if name == "Nashir extractive" and chars is None:
                cold = first_speed
            avg_words = sum(len(p.split()) for p in predictions.values()) / max(len(dataset), 1)
            result = score(predictions, dataset)
            for agg in ("mean", "max"):
                r1, r2, rl = (result[agg][rt] for rt in ROUGE_TYPES)
                tail = f" {avg_words:>6.1f} {speed:>7.0f}" if agg == "mean" else ""
                print(f"{name:<22} {budget:<8} {agg:<4} {r1:>6.2f} {r2:>6.2f} {rl:>6.2f}{tail}")
        print()
    print(
        f"art/s: CPU time, one BLAS thread, second pass over the data. Nashir's first pass "
        f"(empty word memo, as right after start-up): {cold:.0f} art/s."
    )
    return 0


def timed(run: Callable[[str], str], dataset: Sequence[dict]) -> tuple[float, dict[str, str]]:
    """Articles per CPU second of one pass, and that pass's summaries."""
    start = time.process_time()
    predictions = {doc["id"]: run(doc["text"]) for doc in dataset}
    return len(dataset) / max(time.process_time() - start, 1e-9), predictions


if __name__ == "__main__":
    raise SystemExit(main())
