"""Benchmark: article-extraction quality and speed of `bot.ingest.extract`.

    .venv/bin/python bench/extraction.py [--rounds N] [--per-page]

Scores our extractor and plain trafilatura with the reference scorer
(../shared/tools/extract_eval.py) on ../shared/eval/extraction: token F1 over all pages and
over the Arabic pages, snippet hits, metadata. Then times `extract_article` in this process
(CPU time per page: the machine's cores are shared, so wall time would mostly measure the
other jobs) and checks that no boilerplate line survives on the Arabic pages, the bundled
sample and the heavy generated pages (devtools/heavy_pages.py, whose stories are known
exactly).

Targets: token F1 ≥ 0.972 over all pages (the figure before the page pruning; it must not
fall), no boilerplate line on the Arabic pages. Exits 1 naming each missed target — and when
../shared is absent, since nothing could then be scored.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVAL_DIR = SHARED / "eval" / "extraction"
SCORER = SHARED / "tools" / "extract_eval.py"
SAMPLE = ROOT / "examples" / "sample-article.html"
TARGET_F1 = 0.972
OURS = "bench.extraction:adapter"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from bot.errors import NashirError  # noqa: E402
from bot.ingest.boilerplate import fold  # noqa: E402
from bot.ingest.extract import extract_article  # noqa: E402
from devtools.heavy_pages import heavy_pages  # noqa: E402

# Independent of the filter's own rules: phrases that mark a boilerplate line when they occur
# in a short line (folded spelling, matched at a word start).
BOILERPLATE_MARKERS = tuple(
    fold(phrase)
    for phrase in (
        "اقرأ أيضا",
        "اقرأ كذلك",
        "طالع أيضا",
        "يمكنكم مشاركة",
        "شارك المقال",
        "شاركوا",
        "تابعونا",
        "التعليقات تعبر",
        "أضف تعليق",
        "الأكثر قراءة",
        "الأكثر مشاهدة",
        "جميع الحقوق",
        "حقوق النشر",
        "الوسوم",
        "ذات صلة",
        "اشترك في",
        "النشرة البريدية",
        "حمل تطبيق",
        "اضغط هنا",
        "ملفات تعريف الارتباط",
    )
)
SUSPECT_MAX_WORDS = 25


def adapter(html: str, url: str | None) -> dict[str, Any]:
    """The scorer's extractor interface: ``function(html, url) -> dict``."""
    article = extract_article(html, url or None)
    return {
        "text": article.text,
        "title": article.title,
        "date": article.published.isoformat() if article.published else None,
        "image": article.image_url,
        "author": article.author,
        "sitename": article.site_name,
    }


def load_manifest() -> list[dict[str, Any]]:
    rows = []
    for line in (EVAL_DIR / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            row["html"] = (EVAL_DIR / row["html_file"]).read_text(encoding="utf-8")
            rows.append(row)
    return rows


def run_scorer(per_page: bool) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scores.json"
        command = [
            sys.executable,
            str(SCORER),
            "--data",
            str(EVAL_DIR),
            "--extractor",
            OURS,
            "--extractor",
            "trafilatura",
            "--json",
            str(out),
        ]
        if per_page:
            command.append("--per-page")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        print(completed.stdout)
        if completed.returncode != 0 or not out.is_file():
            print(completed.stderr[-3000:])
            return []
        return json.loads(out.read_text(encoding="utf-8"))


def _timed(function: Callable[[], object]) -> float:
    start = time.process_time()
    with contextlib.suppress(NashirError):  # pages that are not articles still cost time
        function()
    return (time.process_time() - start) * 1000


def _plain_trafilatura(html: str, url: str | None) -> object:
    return trafilatura.bare_extraction(html, url=url, with_metadata=True)


def _describe(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return (
        f"median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   max {times[-1]:6.1f} ms"
    )


def time_extraction(pages: list[dict[str, Any]], rounds: int) -> None:
    """Time ours and plain trafilatura page by page, interleaved, so load affects both."""
    for page in pages:  # warm-up: lazy imports, compiled patterns, date parser tables
        _timed(lambda page=page: extract_article(page["html"], page["url"]))
    ours: list[float] = []
    plain: list[float] = []
    for _ in range(rounds):
        for page in pages:
            html, url = page["html"], page["url"]
            ours.append(_timed(lambda html=html, url=url: extract_article(html, url)))
            plain.append(_timed(lambda html=html, url=url: _plain_trafilatura(html, url)))
    one, five, _ = os.getloadavg()
    print(
        f"speed (CPU time, in-process, warm, {len(pages)} pages × {rounds} rounds, interleaved;"
        f" load average {one:.2f}/{five:.2f} on {os.cpu_count()} shared cores):"
    )
    print(f"  nashir extract_article   {_describe(ours)}")
    print(f"  plain trafilatura        {_describe(plain)}")


def suspect_lines(text: str) -> list[str]:
    found = []
    for line in text.split("\n"):
        if not line.strip() or len(line.split()) > SUSPECT_MAX_WORDS:
            continue
        folded = f" {fold(line)}"
        if any(f" {marker}" in folded for marker in BOILERPLATE_MARKERS):
            found.append(line)
    return found


def check_arabic(pages: list[dict[str, Any]]) -> int:
    """Print boilerplate-looking lines and lines absent from the gold text; return the count."""
    arabic = [page for page in pages if page.get("lang") == "ar"]
    arabic.append({"id": "examples/sample-article.html", "html": SAMPLE.read_text("utf-8"),
                   "url": None, "text": None})  # fmt: skip
    arabic += [
        {"id": page.name, "html": page.html, "url": page.url, "text": "\n".join(page.paragraphs)}
        for page in heavy_pages()
    ]
    problems = 0
    print("boilerplate check (Arabic pages + bundled sample):")
    for page in arabic:
        try:
            text = extract_article(page["html"], page["url"]).text
        except NashirError as exc:
            print(f"  {page['id']}: extraction failed: {exc.one_line()}")
            problems += 1
            continue
        bad = suspect_lines(text)
        squashed = " ".join(text.split())
        bad += [f"(must not appear) {s}" for s in page.get("without_snippets") or []
                if " ".join(s.split()) in squashed]  # fmt: skip
        if page.get("text"):
            gold = Counter(page["text"].split())
            for line in text.split("\n"):
                tokens = line.split()
                if tokens and sum(gold[t] > 0 for t in tokens) / len(tokens) < 0.5:
                    bad.append(f"(not in gold) {line}")
        problems += len(bad)
        status = "clean" if not bad else f"{len(bad)} suspect line(s)"
        print(f"  {page['id']}: {status}")
        for line in bad:
            print(f"      {line[:160]}")
    return problems


def summary(scores: list[dict[str, Any]]) -> list[str]:
    """Print the summary; return the missed targets."""
    by_name = {entry["extractor"]: entry for entry in scores}
    print("summary:")
    for name, label in ((OURS, "nashir"), ("trafilatura", "plain trafilatura")):
        entry = by_name.get(name)
        if entry is None:
            print(f"  {label}: no result")
            continue
        rows = entry["rows"]
        print(
            f"  {label:18} F1 all {rows['all']['F1']:.3f} (n={rows['all']['n_full']})  "
            f"F1 ar {rows['ar']['F1']:.3f} (n={rows['ar']['n_full']})  "
            f"snippets +{rows['all']['with_hit']:.2f} -{rows['all']['without_ok']:.2f}  "
            f"{entry['pages_per_s']:.1f} pages/s  errors {len(entry['errors'])}"
        )
    ours = by_name.get(OURS)
    if ours is None:
        return ["the scorer gave no result for our extractor"]
    f1 = ours["rows"]["all"]["F1"]
    verdict = "MET" if f1 >= TARGET_F1 else "NOT MET"
    print(f"  target F1 ≥ {TARGET_F1}: {verdict} ({f1:.4f})")
    missed = [] if f1 >= TARGET_F1 else [f"F1 {f1:.4f} < {TARGET_F1}"]
    if ours["errors"]:
        missed.append(f"{len(ours['errors'])} page(s) failed in the scorer")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="timing passes (default 3)")
    parser.add_argument("--per-page", action="store_true", help="print per-page F1")
    args = parser.parse_args()
    if not (EVAL_DIR / "manifest.jsonl").is_file() or not SCORER.is_file():
        print(
            f"MISSED: nothing measured — {EVAL_DIR} or {SCORER} not found. The evaluation data "
            "lives in ../shared beside this worktree; without it F1 cannot be checked.",
            file=sys.stderr,
        )
        return 1
    scores = run_scorer(args.per_page)
    pages = load_manifest()
    time_extraction(pages, args.rounds)
    print()
    problems = check_arabic(pages)
    print()
    missed = summary(scores)
    print(f"  boilerplate suspects on Arabic pages: {problems}")
    if problems:
        missed.append(f"{problems} boilerplate suspect line(s) on the Arabic pages")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
