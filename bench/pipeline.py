"""Benchmark: CPU time per article of the whole `share` pipeline, Arabic pages apart and the
cold first share apart from warm ones; and peak memory.

    .venv/bin/python bench/pipeline.py [--repeats N] [--warm-rounds N]

Per article: extraction, summary, nine drafts and two cards (1200×630 and 1200×675), in one
thread, as `share` does for a file.

Arabic pages — the Arabic pages of ../shared/eval/extraction, the bundled sample, and three
heavy generated pages of 330-480 KB with scripts, menus, widgets and comments
(devtools/heavy_pages.py). Each is measured in fresh worker processes (--repeats, default 3):
the worker builds the share service as the bot does when it starts, then shares the page once
(cold: the first article of the process, lazy imports and empty caches included) and
--warm-rounds more times (warm). Target: every Arabic page ≤ 150 ms cold (median of the
repeats; the largest is printed too).

Other pages — the rest of ../shared/eval/extraction — in one worker: a cold first round, then
warm rounds. Targets: median ≤ 150 ms per article (warm), peak RSS ≤ 200 MB in any worker.

Times are process CPU time (time.process_time, every thread of the worker): on this shared
2-core machine wall time mostly measures the other jobs, so it is printed beside, with the
load average at the start and the end. Exits 1, naming each missed target, when a target is
missed or ../shared is absent (the shared pages could not be measured).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval" / "extraction"
TARGET_ARABIC_COLD_MS = 150.0
TARGET_MEDIAN_MS = 150.0
TARGET_RSS_MB = 200.0

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    html: str
    url: str | None
    arabic: bool

    @property
    def size_kb(self) -> float:
        return len(self.html.encode("utf-8")) / 1024


def _shared_rows() -> list[dict[str, Any]]:
    manifest = EVAL_DIR / "manifest.jsonl"
    if not manifest.is_file():
        return []
    return [json.loads(line) for line in manifest.read_text("utf-8").splitlines() if line.strip()]


def load_pages() -> list[Page]:
    """Every page of the benchmark, Arabic ones first."""
    from bot.paths import SAMPLE_ARTICLE
    from devtools.heavy_pages import heavy_pages

    pages = [Page("sample", SAMPLE_ARTICLE.read_text("utf-8"), None, True)]
    rows = _shared_rows()
    pages += [
        Page(row["id"], (EVAL_DIR / row["html_file"]).read_text("utf-8"), row.get("url"), True)
        for row in rows
        if row.get("lang") == "ar"
    ]
    pages += [Page(page.name, page.html, page.url, True) for page in heavy_pages()]
    pages += [
        Page(row["id"], (EVAL_DIR / row["html_file"]).read_text("utf-8"), row.get("url"), False)
        for row in rows
        if row.get("lang") != "ar"
    ]
    return pages


# ------------------------------------------------------------------ worker side


def _share_once(service: Any, page: Page) -> dict[str, float] | None:
    from bot.errors import NashirError
    from bot.ingest.extract import extract_article

    cpu0, wall0 = time.process_time(), time.perf_counter()
    try:
        article = extract_article(page.html, page.url)
        cpu1 = time.process_time()
        result = service.build(article)
    except NashirError:
        return None
    cpu2, wall2 = time.process_time(), time.perf_counter()
    assert len(result.drafts) == 9 and len(result.cards) == 2
    return {
        "cpu": (cpu2 - cpu0) * 1000,
        "wall": (wall2 - wall0) * 1000,
        "extract": (cpu1 - cpu0) * 1000,
        "build": (cpu2 - cpu1) * 1000,
    }


def worker(names: list[str], warm_rounds: int) -> dict[str, Any]:
    """Build the service, then share each named page once (cold), then warm rounds."""
    from concurrent.futures import ThreadPoolExecutor

    from bot.pipeline import build_share_service
    from bot.settings import load_settings

    by_name = {page.name: page for page in load_pages()}
    pages = [by_name[name] for name in names]
    with ThreadPoolExecutor(max_workers=1) as pool:
        service = build_share_service(load_settings({}, dotenv=None), executor=pool)
        cold = {page.name: _share_once(service, page) for page in pages}
        warm: dict[str, list[dict[str, float] | None]] = {page.name: [] for page in pages}
        for _ in range(warm_rounds):
            for page in pages:
                warm[page.name].append(_share_once(service, page))
    return {
        "cold": cold,
        "warm": warm,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# ------------------------------------------------------------------ parent side


def _run_worker(names: list[str], warm_rounds: int) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--warm-rounds", str(warm_rounds)]
    command += ["--worker", json.dumps(names)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"worker for {names} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def _arabic(pages: list[Page], repeats: int, warm_rounds: int) -> tuple[list[str], float]:
    missed: list[str] = []
    peak = 0.0
    print(f"Arabic pages: CPU ms per article, {repeats} fresh processes per page")
    print(
        f"  {'page':22} {'size':>7}  {'cold med':>8} {'(max)':>7}  {'extract':>7} {'build':>6}"
        f"  {'warm med':>8}  {'wall cold':>9}"
    )
    for page in pages:
        runs = [_run_worker([page.name], warm_rounds) for _ in range(repeats)]
        peak = max([peak, *(run["peak_rss_mb"] for run in runs)])
        colds = [run["cold"][page.name] for run in runs]
        if any(cold is None for cold in colds):
            missed.append(f"{page.name}: refused as not an article")
            print(f"  {page.name:22} refused as not an article")
            continue
        warms = [w["cpu"] for run in runs for w in run["warm"][page.name] if w is not None]
        cold_cpu = statistics.median(c["cpu"] for c in colds)
        print(
            f"  {page.name:22} {page.size_kb:5.0f}KB  {cold_cpu:8.1f} "
            f"({max(c['cpu'] for c in colds):5.1f})  "
            f"{statistics.median(c['extract'] for c in colds):7.1f} "
            f"{statistics.median(c['build'] for c in colds):6.1f}  "
            f"{statistics.median(warms) if warms else float('nan'):8.1f}  "
            f"{statistics.median(c['wall'] for c in colds):9.1f}"
        )
        if cold_cpu > TARGET_ARABIC_COLD_MS:
            missed.append(
                f"Arabic page {page.name}: {cold_cpu:.1f} ms cold > {TARGET_ARABIC_COLD_MS:.0f} ms"
            )
    return missed, peak


def _others(pages: list[Page], warm_rounds: int) -> tuple[list[str], float]:
    if not pages:
        return [], 0.0
    run = _run_worker([page.name for page in pages], warm_rounds)
    cold = [c["cpu"] for c in run["cold"].values() if c is not None]
    warm = [w["cpu"] for ws in run["warm"].values() for w in ws if w is not None]
    refused = sorted(name for name, c in run["cold"].items() if c is None)
    print(f"other pages ({len(pages)}, one process, 1 cold + {warm_rounds} warm rounds): CPU ms")
    for label, values in (("cold", cold), ("warm", warm)):
        print(
            f"  {label}  median {statistics.median(values):6.1f}   p95 {_p95(values):6.1f}"
            f"   max {max(values):6.1f}"
        )
    for name in refused:
        print(f"  refused: {name}")
    missed = []
    if statistics.median(warm) > TARGET_MEDIAN_MS:
        missed.append(f"other pages: median {statistics.median(warm):.1f} ms > {TARGET_MEDIAN_MS}")
    return missed, run["peak_rss_mb"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3, help="processes per Arabic page")
    parser.add_argument("--warm-rounds", type=int, default=4, help="warm shares after cold")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker), args.warm_rounds)))
        return 0

    missed: list[str] = []
    if not (EVAL_DIR / "manifest.jsonl").is_file():
        missed.append(f"{EVAL_DIR} not found: the shared pages were not measured")
    pages = load_pages()
    print(f"machine: {os.cpu_count()} cores shared with other jobs; load at start {_load()}")
    arabic_missed, arabic_peak = _arabic(
        [page for page in pages if page.arabic], args.repeats, args.warm_rounds
    )
    print()
    others = [page for page in pages if not page.arabic]
    other_missed, other_peak = _others(others, args.warm_rounds)
    peak = max(arabic_peak, other_peak)
    print(f"peak RSS: {peak:.1f} MB (largest worker)   (target ≤ {TARGET_RSS_MB:.0f} MB)")
    print(f"load at end {_load()}")
    missed += arabic_missed + other_missed
    if peak > TARGET_RSS_MB:
        missed.append(f"peak RSS {peak:.1f} MB > {TARGET_RSS_MB:.0f} MB")
    print()
    print(f"target: every Arabic page ≤ {TARGET_ARABIC_COLD_MS:.0f} ms CPU cold")
    for line in missed:
        print(f"MISSED: {line}")
    if not missed:
        print("all targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
