"""Memory and time of hostile pages: compression bombs and an oversized table.

Usage::

    .venv/bin/python bench/hostile.py [--inflated-mib 1024]

Each page is shared in a fresh process through the real pipeline (``build_share_service`` and
``share_url``, as ``python main.py share URL`` does), from a local page server. The process
measures its resident memory once the pipeline is built (idle), resets the kernel's
high-water mark, shares the page, and reports the new peak above idle and the CPU time.

Cases: every compression bomb a server can send (gzip and deflate, one layer and two; brotli
and zstd are not accepted by the fetcher at all) inflating to ``--inflated-mib``;
a 4.8 MB page of 36,000 table rows (under the size cap, so extraction's own bound shows); and
the bundled sample article for comparison.

Target: every refused page costs at most 100 MB above idle. Exits 1 naming each miss.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.bombs import standard_bombs  # noqa: E402
from devtools.pages import PageServer  # noqa: E402

MiB = 1024 * 1024
TARGET_REFUSED_MB = 100.0
# Just under the 5 MB page cap, so the page is extracted: the bound on work is what shows.
TABLE_ROWS = 36_000


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> None:
    """Forget the start-up peak: from here VmHWM is this page's peak."""
    Path("/proc/self/clear_refs").write_text("5")


def measure_one(url: str) -> dict[str, object]:
    """In the child: share ``url`` once and report memory and CPU."""
    from bot.errors import NashirError
    from bot.pipeline import build_share_service
    from bot.settings import load_settings

    settings = load_settings({"FETCH_ALLOW_PRIVATE_HOSTS": "true"}, dotenv=None)

    async def run() -> dict[str, object]:
        service = build_share_service(settings)
        try:
            idle = _status_kib("VmRSS")
            _reset_peak()
            started = time.process_time()
            outcome = "shared"
            try:
                await service.share_url(url)
            except NashirError as exc:
                outcome = f"refused: {exc.message_en}"
            cpu = time.process_time() - started
            peak = _status_kib("VmHWM")
        finally:
            await service.close()
        return {
            "idle_mb": idle / 1024,
            "peak_above_idle_mb": max(peak - idle, 0) / 1024,
            "cpu_s": cpu,
            "outcome": outcome,
        }

    return asyncio.run(run())


def _table_page() -> bytes:
    lead = "<p>" + "تقرير مفصل عن أسعار الخضر والفواكه في أسواق الجملة خلال الأسبوع. " * 6 + "</p>"
    rows = "".join(
        f"<tr><td>{i}</td><td>سعر الكيلوغرام من الطماطم في سوق الجملة رقم {i}</td>"
        f"<td>{i % 17 + 3} دراهم</td></tr>"
        for i in range(TABLE_ROWS)
    )
    return (
        f"<html><head><title>أسعار الأسواق</title></head><body>{lead}<table>{rows}</table>"
        "</body></html>"
    ).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inflated-mib", type=int, default=1024, help="bomb size once inflated")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one)))
        return 0

    server = PageServer().start()
    cases: list[tuple[str, str, bool]] = []
    try:
        print(f"building bombs of {args.inflated_mib} MiB …", flush=True)
        for bomb in standard_bombs(args.inflated_mib * MiB):
            url = server.add(
                f"/bomb-{bomb.name}",
                body=bomb.body,
                headers={"Content-Encoding": bomb.content_encoding},
            )
            label = f"bomb {bomb.content_encoding} ({len(bomb.body) / 1024:.1f} KB sent)"
            cases.append((label, url, True))
        table = _table_page()
        url = server.add("/table", body=table)
        cases.append((f"table of {TABLE_ROWS:,} rows ({len(table) / MiB:.1f} MB)", url, False))
        sample = (ROOT / "examples" / "sample-article.html").read_bytes()
        cases.append(("sample article", server.add("/sample", body=sample), False))

        misses = []
        print(f"\n{'page':<42} {'idle MB':>8} {'peak+ MB':>9} {'CPU s':>6}  outcome")
        for label, url, must_refuse in cases:
            child = subprocess.run(
                [sys.executable, __file__, "--one", url],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            row = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"{label:<42} {row['idle_mb']:>8.1f} {row['peak_above_idle_mb']:>9.1f} "
                f"{row['cpu_s']:>6.2f}  {row['outcome']}"
            )
            refused = str(row["outcome"]).startswith("refused")
            if must_refuse and not refused:
                misses.append(f"{label} was not refused")
            if refused and float(row["peak_above_idle_mb"]) > TARGET_REFUSED_MB:  # type: ignore[arg-type]
                misses.append(
                    f"{label}: {row['peak_above_idle_mb']:.1f} MB above idle "
                    f"(target ≤ {TARGET_REFUSED_MB:.0f} MB)"
                )
    finally:
        server.stop()
    print()
    if misses:
        for miss in misses:
            print(f"MISSED: {miss}")
        return 1
    print(f"target met: every refused page ≤ {TARGET_REFUSED_MB:.0f} MB above idle")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
