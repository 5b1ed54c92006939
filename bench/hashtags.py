"""Hashtag quality on an EASC-format dataset, scored by the reference scorer in ../shared/tools.

Usage::

    .venv/bin/python bench/hashtags.py [DATASET.jsonl] [--show K]

DATASET defaults to ../shared/eval/summaries/easc_dev.jsonl. Every article goes through the
path pasted text takes (``article_from_text``, so a short first line becomes the headline),
then gets the hashtag pool the composer computes (``suggest_hashtags``, as many tags as the
most generous platform allows); each platform keeps the first ``max_hashtags`` of it. The
reference scorer (``../shared/tools/hashtag_eval.py``, read from there, never copied) checks
every tag: valid, faithful to the article's spelling, clean (no function word, clitic or
sentence piece), salient (kept by most human summarisers and among the article's most
distinctive words).

Printed per platform cap: tags per article, share of articles with at least two tags,
precision (good tags / tags), coverage (articles with a good tag), and each failure's rate;
then the scorer's "top-noun" baseline. Targets (issue 13): precision >= 0.85 and coverage
>= 0.95 at every cap, and at least 2 tags per article where the cap allows 2. Exits 1 naming
each missed target, and 2 (saying "skipped") when ../shared is not there.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.ingest.sources import article_from_text  # noqa: E402
from bot.platforms.hashtags import suggest_hashtags  # noqa: E402
from bot.platforms.table import PLATFORMS  # noqa: E402

SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "hashtag_eval.py"
DEFAULT_DATASET = SHARED / "eval" / "summaries" / "easc_dev.jsonl"
MIN_PRECISION = 0.85
MIN_COVERAGE = 0.95
MIN_TAGS = 2.0
CHECKS = ("valid", "faithful", "clean", "salient")

System = Callable[[str, str | None], list[str]]


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hashtag_eval", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def caps() -> dict[int, list[str]]:
    """Each distinct positive tag cap of the platform table, with the platforms that have it."""
    out: dict[int, list[str]] = {}
    for platform, spec in PLATFORMS.items():
        if spec.max_hashtags > 0:
            out.setdefault(spec.max_hashtags, []).append(platform.value)
    return dict(sorted(out.items()))


def hashtag_pool(text: str, title: str | None, size: int) -> list[str]:
    """What the composer gives an article pasted as text: its pool of ``size`` tags."""
    article = article_from_text(f"{title}\n{text}" if title else text)
    return suggest_hashtags(article.title, article.text, limit=size, publisher_tags=article.tags)


def capped(pools: dict[str, list[str]], cap: int) -> System:
    def system(text: str, title: str | None) -> list[str]:
        return pools[text][:cap]

    return system


def show(scorer: ModuleType, rows: Sequence[dict], system: System, count: int) -> None:
    for row in rows[:count]:
        tags = system(row["text"], row.get("title"))
        scored = scorer.score_tags(tags, row["text"], row["summaries"])
        marks = [
            s["tag"] + ("" if s["good"] else "✗" + "".join(c[0] for c in CHECKS if not s[c]))
            for s in scored
        ]
        print(f"    {row['id']:14} {' '.join(marks)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--show", type=int, default=0, help="print the tags of the first K")
    args = parser.parse_args()
    missing = [p for p in (SCORER, args.dataset) if not p.is_file()]
    if missing:
        print(f"SKIPPED: hashtag benchmark not run, missing {', '.join(map(str, missing))}")
        return 2
    scorer = load_scorer()
    rows = [json.loads(line) for line in args.dataset.open(encoding="utf-8") if line.strip()]
    scorer.build_idf([row["text"] for row in rows])

    by_cap = caps()
    pool_size = max(by_cap)
    started = time.process_time()
    pools = {row["text"]: hashtag_pool(row["text"], row.get("title"), pool_size) for row in rows}
    per_article_ms = 1000 * (time.process_time() - started) / max(len(rows), 1)

    print(f"{len(rows)} articles from {args.dataset}")
    header = (
        f"{'cap':>3} {'platforms':32} {'tags/art':>8} {'>=2 tags':>8} {'precision':>9} "
        f"{'coverage':>8}   failure rates: {' '.join(f'{c:>8}' for c in CHECKS)}"
    )
    print(header)
    missed: list[str] = []
    for cap, platforms in by_cap.items():
        system = capped(pools, cap)
        result = scorer.evaluate(rows, system)
        two = sum(len(system(r["text"], r.get("title"))) >= 2 for r in rows) / max(len(rows), 1)
        failures = " ".join(f"{1 - result[c]:8.3f}" for c in CHECKS)
        print(
            f"{cap:>3} {','.join(platforms)[:32]:32} {result['tags_per_article']:8.2f} {two:8.2f} "
            f"{result['precision']:9.3f} {result['coverage']:8.3f}                  {failures}"
        )
        if result["precision"] < MIN_PRECISION:
            missed.append(f"precision {result['precision']:.3f} < {MIN_PRECISION} at cap {cap}")
        if result["coverage"] < MIN_COVERAGE:
            missed.append(f"coverage {result['coverage']:.3f} < {MIN_COVERAGE} at cap {cap}")
        if cap >= MIN_TAGS and result["tags_per_article"] < MIN_TAGS:
            per_article = result["tags_per_article"]
            missed.append(f"tags/article {per_article:.2f} < {MIN_TAGS} at cap {cap}")
        show(scorer, rows, system, args.show)
    baseline = scorer.evaluate(rows, scorer.top_noun)
    print(
        f"{'':>3} {'baseline top-noun':32} {baseline['tags_per_article']:8.2f} {'':8} "
        f"{baseline['precision']:9.3f} {baseline['coverage']:8.3f}"
    )
    print(f"time: {per_article_ms:.1f} ms of CPU per article (pool of {pool_size}; noisy)")
    if missed:
        for line in missed:
            print(f"MISSED: {line}")
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
