"""Benchmark: wall time per article of the whole `share` pipeline, and peak memory.

    .venv/bin/python bench/pipeline.py [--rounds N]

Per article: extraction, summary, nine drafts and two cards (1200×630 and 1200×675), all in
one thread, as `share` does for a file. Articles: the bundled sample, plus every page of
../shared/eval/extraction when that folder exists. Target: median ≤ 150 ms, peak RSS ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.errors import NashirError  # noqa: E402
from bot.ingest.extract import extract_article  # noqa: E402
from bot.paths import SAMPLE_ARTICLE  # noqa: E402
from bot.pipeline import build_share_service  # noqa: E402
from bot.settings import load_settings  # noqa: E402

EVAL_DIR = ROOT.parent / "shared" / "eval" / "extraction"


def load_pages() -> list[tuple[str, str, str | None]]:
    pages = [("sample", SAMPLE_ARTICLE.read_text(encoding="utf-8"), None)]
    manifest = EVAL_DIR / "manifest.jsonl"
    if manifest.is_file():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            html = (EVAL_DIR / row["html_file"]).read_text(encoding="utf-8")
            pages.append((row["id"], html, row.get("url")))
    else:
        print(f"note: {EVAL_DIR} not found; timing the bundled sample only")
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="passes over all pages (default 5)")
    args = parser.parse_args()

    settings = load_settings({}, dotenv=None)
    with ThreadPoolExecutor(max_workers=1) as pool:
        service = build_share_service(settings, executor=pool)
        pages = load_pages()
        # Warm-up: fonts, templates and lazy imports are loaded once in a long-running bot.
        service.build(extract_article(pages[0][1], pages[0][2]))

        times: list[float] = []
        failures: list[str] = []
        for _ in range(args.rounds):
            for page_id, html, url in pages:
                start = time.perf_counter()
                try:
                    article = extract_article(html, url)
                    result = service.build(article)
                except NashirError as exc:
                    failures.append(f"{page_id}: {exc.one_line()}")
                    continue
                times.append(time.perf_counter() - start)
                assert len(result.drafts) == 9 and len(result.cards) == 2

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times_ms = sorted(t * 1000 for t in times)
    p95 = times_ms[min(len(times_ms) - 1, round(0.95 * (len(times_ms) - 1)))]
    print(f"articles: {len(pages)} × {args.rounds} rounds = {len(times_ms)} runs")
    print(f"median:   {statistics.median(times_ms):7.1f} ms per article   (target ≤ 150 ms)")
    print(f"p95:      {p95:7.1f} ms")
    print(f"max:      {times_ms[-1]:7.1f} ms")
    print(f"peak RSS: {peak_mb:7.1f} MB             (target ≤ 200 MB)")
    for line in sorted(set(failures)):
        print(f"refused:  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
