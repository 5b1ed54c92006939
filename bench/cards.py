"""Share-card benchmark: cards per second for each size, encode time, peak RSS, on one core.

    .venv/bin/python bench/cards.py [--batches 5] [--per-batch 30]

Cards are measured in the format each receiver gets (``bot/cards/encode.py``): "sent" is
what the bot uploads to Telegram (JPEG; Telegram re-encodes photos anyway), "file" what the
command line writes for an editor (PNG), "photo" a card on the lead photo (JPEG for both).

Targets, on the format the bot actually sends, flat theme: ≥ 100 cards/s for the 1200×630
and 1200×675 cards, ≥ 40 cards/s for 1080×1920; peak RSS ≤ 150 MB. The command line's PNG
files have no throughput target (a run writes two to five). Throughput is the median of
several batches; the targets are checked on process CPU time, the steadier figure on a shared
machine (wall clock is shown beside it). Exit status 1, naming the target, when one is missed.

Every card is a different article (devtools/card_variety.py: headlines of one to three lines,
Latin words, digits, several sections, sources and dates), so a cache keyed by article text
cannot flatter the figure; only what recurs in real traffic (site names, dates, sections,
the background of a size) is reused.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, features  # noqa: E402

from bot.cards import CardRenderer, CardUse  # noqa: E402
from bot.cards.encode import encode_card  # noqa: E402
from bot.models import CardSize  # noqa: E402
from devtools.card_samples import make_logo, make_photo, sample_branding  # noqa: E402
from devtools.card_variety import VARIANTS, variant_article  # noqa: E402

SENT, FILE, PHOTO = "sent flat JPEG", "file flat PNG", "photo JPEG"
TARGETS = {("wide", SENT): 100.0, ("x", SENT): 100.0, ("story", SENT): 40.0}
RSS_TARGET_MB = 150.0


def _rate(job: Callable[[], object], batches: int, per_batch: int) -> tuple[float, float, float]:
    """(cards/s wall, cards/s CPU, ms per card CPU), medians over batches."""
    job()  # warm-up: the first card of a size loads its font sizes
    walls, cpus = [], []
    for _ in range(batches):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(per_batch):
            job()
        walls.append(per_batch / (time.perf_counter() - wall))
        cpus.append(per_batch / max(time.process_time() - cpu, 1e-9))
    cpu_rate = statistics.median(cpus)
    return statistics.median(walls), cpu_rate, 1000 / cpu_rate


def _reference_ms() -> float:
    """This machine's speed on a fixed job the research notes timed at about 1.3 ms there
    (a 1200×675 flat card with text, JPEG quality 90): scale the targets by the ratio."""
    image = Image.new("RGB", (1200, 675), (14, 32, 56))
    draw = ImageDraw.Draw(image)
    for row in range(6):
        draw.rectangle((100, 80 + row * 90, 1100 - row * 60, 130 + row * 90), fill=(240, 240, 240))
    _, cpu, _ = _rate(lambda: image.save(io.BytesIO(), "JPEG", quality=90), 3, 40)
    return 1000 / cpu


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="share-card benchmark")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--per-batch", type=int, default=30)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    print(f"Pillow raqm: {features.check('raqm')}  cores used: 1  rss at start: "
          f"{_peak_rss_mb():.0f} MB")  # fmt: skip
    print(f"machine reference: JPEG q90 of a 1200×675 card {_reference_ms():.2f} ms "
          "(research notes' machine: ~1.3 ms)")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        branding = sample_branding(make_logo(Path(tmp) / "logo.png"))
        renderer = CardRenderer(branding)  # the bot's: CardUse.SEND
        startup_ms = (time.perf_counter() - started) * 1000
        renderers = {
            CardUse.SEND: renderer,
            CardUse.FILE: CardRenderer(branding, use=CardUse.FILE),
        }
        print(f"renderer start-up (themes, fonts, logo): {startup_ms:.0f} ms")
        print(f"articles: {len(VARIANTS)} different ones in turn, one per card")
        photo = make_photo()
        rows: list[tuple[str, str, float, float, float, float, int]] = []
        failures: list[str] = []
        first, first_summary = variant_article(0)
        for size in CardSize:
            for label, use, theme, image in (
                (SENT, CardUse.SEND, "solid", None),
                (FILE, CardUse.FILE, "solid", None),
                (PHOTO, CardUse.SEND, "photo", photo),
            ):
                chosen, turn = renderers[use], itertools.count()

                def job(chosen=chosen, theme=theme, image=image, size=size, turn=turn) -> object:
                    article, summary = variant_article(next(turn))
                    return chosen.render(
                        article, size, theme=theme, lead_image=image, summary=summary
                    )

                wall, cpu, ms = _rate(job, args.batches, args.per_batch)
                c = chosen.compose(
                    first, size, theme=theme, lead_image=image, summary=first_summary
                )
                fmt = use.image_format(c.photo)
                _, _, encode_ms = _rate(
                    lambda f=fmt, s=size, c=c: encode_card(c.image, s, f, photo=c.photo),
                    args.batches, args.per_batch,
                )  # fmt: skip
                card = job()
                assert card.image_format == fmt, (label, card.image_format)
                nbytes = len(card.data)
                rows.append((size.value, label, wall, cpu, ms, encode_ms, nbytes))
                target = TARGETS.get((size.value, label))
                if target is not None and cpu < target:
                    failures.append(f"{size.value} {label}: {cpu:.0f}/s < {target:.0f}/s")

        kept = renderer.cache_report()

    w, h = (
        "{:<9} {:<15} {:>10} {:>10} {:>10} {:>10} {:>9}",
        "{:<9} {:<15} {:>10.1f} {:>10.1f} {:>10.2f} {:>10.2f} {:>9}",
    )
    print()
    print(w.format("size", "kind", "cards/s", "cards/s", "ms/card", "encode ms", "bytes"))
    print(w.format("", "", "(wall)", "(CPU)", "(CPU)", "(CPU)", ""))
    for row in rows:
        print(h.format(*row))
    print(
        f"\nkept between cards (recurring text only): {kept.widths} widths, {kept.inks} ink "
        f"boxes, {kept.masks} glyph masks ({kept.mask_bytes / 1024:.0f} KB of masks)"
    )
    # The same reference again: a shared machine's speed drifts during the run, and a
    # change between the two says how far the figures above may be off.
    print(f"machine reference at the end: {_reference_ms():.2f} ms")
    rss = _peak_rss_mb()
    print(f"\npeak RSS: {rss:.0f} MB (target ≤ {RSS_TARGET_MB:.0f} MB)")
    if rss > RSS_TARGET_MB:
        failures.append(f"peak RSS {rss:.0f} MB > {RSS_TARGET_MB:.0f} MB")
    for (size, label), target in TARGETS.items():
        print(f"target {size} {label}: ≥ {target:.0f} cards/s (CPU)")
    print("\nall targets met" if not failures else "\nmissed: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
