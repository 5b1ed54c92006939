"""Load benchmark for the Telegram bot: many users send a link at the same moment.

The bot runs in its own process exactly as ``python main.py run`` runs it (real pipeline,
SQLite cache, python-telegram-bot), against the local Bot API server and a local page server
in this process. Every simulated user sends one article link at once; we measure, per user,
the time from the update being available to the first answer («جاري التحضير…», the ack) and
to the card (sendPhoto), plus the bot's largest event-loop lag and its peak RSS.

    .venv/bin/python bench/bot_load.py                 # 200 users, 10 articles, polling
    .venv/bin/python bench/bot_load.py --articles 200  # every user a different article
    .venv/bin/python bench/bot_load.py --mode webhook

Targets: ack p95 ≤ 250 ms, card p95 ≤ 3 s, loop lag ≤ 100 ms, 0 failures, RSS ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devtools.botapi import DEFAULT_TOKEN, BotAPIServer, Call  # noqa: E402
from devtools.pages import PageServer  # noqa: E402
from devtools.ports import free_port  # noqa: E402

SAMPLE = ROOT / "examples" / "sample-article.html"
TARGETS = {"ack_p95_ms": 250.0, "card_p95_s": 3.0, "loop_lag_ms": 100.0, "rss_mb": 300.0}
LAG_TICK = 0.01  # seconds between event-loop probes


# ----------------------------------------------------------------------------- bot process


def child(stats_path: Path, webhook_port: int | None) -> int:
    """Run the bot until SIGTERM, probing the event loop; write figures to ``stats_path``."""
    from bot.settings import load_settings
    from handlers.runner import WebhookOptions, serve

    settings = load_settings(dotenv=None)
    webhook = None
    if webhook_port:
        webhook = WebhookOptions(
            url=f"http://127.0.0.1:{webhook_port}/hook",
            listen="127.0.0.1",
            port=webhook_port,
            secret_token="bench_" + "s" * 24,
        )
    max_lag = 0.0

    async def probe(loop: asyncio.AbstractEventLoop) -> None:
        nonlocal max_lag
        while True:
            before = loop.time()
            await asyncio.sleep(LAG_TICK)
            max_lag = max(max_lag, loop.time() - before - LAG_TICK)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        probes: list[asyncio.Task[None]] = []

        def ready(*_: object) -> None:
            probes.append(loop.create_task(probe(loop)))

        await serve(settings, stop=stop, webhook=webhook, ready=ready)
        for task in probes:
            task.cancel()

    asyncio.run(main())
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pipeline's processes, joined
    stats = {
        "max_lag_s": max_lag,
        "peak_rss_mb": own.ru_maxrss / 1024,
        "worker_peak_rss_mb": workers.ru_maxrss / 1024,
        "bot_cpu_s": own.ru_utime + own.ru_stime,
        "worker_cpu_s": workers.ru_utime + workers.ru_stime,
    }
    stats_path.write_text(json.dumps(stats))
    return 0


# ------------------------------------------------------------------------------ load side


def article_page(html: str, number: int) -> bytes:
    """The sample article as a distinct article: its own headline and canonical address."""
    return (
        html.replace("desalination-agadir.html", f"desalination-agadir-{number}.html")
        .replace("في أكادير", f"في أكادير ({number})")
        .encode("utf-8")
    )


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Outcome:
    ack: list[float]
    card: list[float]
    failures: list[str]
    last_ack_at: float = float("nan")  # time.monotonic() of the last first answer
    burst_cpu_s: float = float("nan")  # the bot's CPU from the burst to its last ack


class CpuSampler(threading.Thread):
    """Samples a process's CPU time every few milliseconds (Linux ``/proc``), so the bot's
    CPU spent on the burst of acknowledgements can be told apart from start-up and cards."""

    def __init__(self, pid: int, every: float = 0.005) -> None:
        super().__init__(daemon=True)
        self._stat = Path(f"/proc/{pid}/stat")
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._every = every
        self._halt = threading.Event()
        self.samples: list[tuple[float, float]] = []

    def cpu(self) -> float | None:
        try:
            fields = self._stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / self._tick  # utime + stime

    def run(self) -> None:
        while not self._halt.wait(self._every):
            value = self.cpu()
            if value is None:
                return
            self.samples.append((time.monotonic(), value))

    def stop(self) -> None:
        self._halt.set()

    def between(self, start: float, end: float) -> float:
        """CPU seconds used from ``start`` to ``end`` (monotonic), to the clock tick."""
        before = [cpu for at, cpu in self.samples if at <= start]
        after = [cpu for at, cpu in self.samples if at >= end]
        if not before or not after:
            return float("nan")
        return after[0] - before[-1]


def measure(api: BotAPIServer, sent: dict[int, tuple[float, int]], timeout: float) -> Outcome:
    """Wait until every user has a card (or an error); collect per-user times."""
    deadline = time.monotonic() + timeout
    since = min(mark for _, mark in sent.values())
    users = set(sent)
    while time.monotonic() < deadline:
        done = {c.chat_id for c in api.find("sendPhoto", since=since)}
        errors = {
            c.chat_id
            for c in api.find("sendMessage", since=since)
            if "⚠️" in str((c.result or {}).get("text", ""))
            or "عذراً" in str((c.result or {}).get("text", ""))
        }
        if users <= done | errors:
            break
        time.sleep(0.05)
    ack: list[float] = []
    card: list[float] = []
    failures: list[str] = []
    last_ack_at = float("-inf")
    by_chat: dict[int | str | None, list[Call]] = {}
    for call in api.calls[since:]:
        by_chat.setdefault(call.chat_id, []).append(call)
    for user_id, (at, _) in sent.items():
        calls = by_chat.get(user_id, [])
        acks = [c for c in calls if c.name == "sendmessage" and c.ok]
        photos = [c for c in calls if c.name == "sendphoto" and c.ok]
        if acks:
            ack.append(acks[0].at - at)
            last_ack_at = max(last_ack_at, acks[0].at)
        if photos:
            card.append(photos[0].at - at)
        else:
            text = str((acks[-1].result or {}).get("text", "")) if acks else "no answer"
            failures.append(f"user {user_id}: {text[:80]}")
    failed_calls = [c for c in api.calls[since:] if not c.ok and c.name != "getupdates"]
    failures += [f"{c.method} → {c.status} {c.error}" for c in failed_calls]
    return Outcome(ack, card, failures, last_ack_at=last_ack_at)


def run(users: int, articles: int, mode: str, warmup: bool, timeout: float) -> int:
    html = SAMPLE.read_text(encoding="utf-8")
    pages = PageServer().start()
    api = BotAPIServer().start()
    workdir = Path(tempfile.mkdtemp(prefix="nashir-bench-"))
    stats_path = workdir / "stats.json"
    urls = [pages.add(f"/a/{n}.html", body=article_page(html, n)) for n in range(articles)]
    warm_url = pages.add("/warm.html", body=article_page(html, 10_000))
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": api.root,
        "DATABASE_PATH": str(workdir / "bench.sqlite3"),
        "FETCH_ALLOW_PRIVATE_HOSTS": "true",
        "RATE_LIMIT_PER_MINUTE": "5",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(stats_path)]
    if mode == "webhook":
        command += ["--webhook-port", str(free_port())]
    bot = subprocess.Popen(command, cwd=ROOT, env=env)
    sampler = CpuSampler(bot.pid)
    sampler.start()
    try:
        api.wait_for("setMyCommands", timeout=60)
        if warmup:  # fonts, templates and pools loaded once, as in a bot that has been running
            mark = api.mark()
            api.send_message(api.user(1), warm_url)
            api.wait_for("sendPhoto", since=mark, chat_id=1, timeout=60)
        sent: dict[int, tuple[float, int]] = {}
        for index in range(users):
            user_id = 100_000 + index
            mark = api.mark()
            api.send_message(api.user(user_id, f"قارئ {index}"), urls[index % articles])
            sent[user_id] = (time.monotonic(), mark)
        outcome = measure(api, sent, timeout)
        if outcome.ack:
            start = min(at for at, _ in sent.values())
            outcome.burst_cpu_s = sampler.between(start, outcome.last_ack_at)
    finally:
        sampler.stop()
        bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(timeout=60)
        except subprocess.TimeoutExpired:
            bot.kill()
        api.stop()
        pages.stop()
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    load = resource.getrusage(resource.RUSAGE_SELF)
    stats["load_cpu_s"] = load.ru_utime + load.ru_stime
    report(users, articles, mode, outcome, stats)
    return 0


def report(
    users: int, articles: int, mode: str, outcome: Outcome, stats: dict[str, float]
) -> None:
    nan = float("nan")
    ack_ms = [v * 1000 for v in outcome.ack]
    cards = outcome.card
    lag_ms = stats.get("max_lag_s", nan) * 1000
    rss = stats.get("peak_rss_mb", nan)
    ack_p95, card_p95 = percentile(ack_ms, 0.95), percentile(cards, 0.95)
    rows = [
        (
            "ack p50 / p95 / max (ms)",
            f"{percentile(ack_ms, 0.5):.0f} / {ack_p95:.0f} / {max(ack_ms, default=nan):.0f}",
            ack_p95 <= TARGETS["ack_p95_ms"],
        ),
        (
            "card p50 / p95 / max (s)",
            f"{percentile(cards, 0.5):.2f} / {card_p95:.2f} / {max(cards, default=nan):.2f}",
            card_p95 <= TARGETS["card_p95_s"],
        ),
        ("max event-loop lag (ms)", f"{lag_ms:.0f}", lag_ms <= TARGETS["loop_lag_ms"]),
        ("failures", str(len(outcome.failures)), not outcome.failures),
        ("bot peak RSS (MB)", f"{rss:.0f}", rss <= TARGETS["rss_mb"]),
    ]
    print(f"bot_load: {users} users, {articles} distinct articles, {mode}, {os.cpu_count()} CPUs")
    for name, value, ok in rows:
        print(f"  {name:<28} {value:<24} {'ok' if ok else 'OVER TARGET'}")
    print(
        f"  pipeline workers: largest RSS {stats.get('worker_peak_rss_mb', nan):.0f} MB;"
        f" CPU s: bot {stats.get('bot_cpu_s', nan):.1f}, workers"
        f" {stats.get('worker_cpu_s', nan):.1f}, Bot API + page servers"
        f" {stats.get('load_cpu_s', nan):.1f}"
    )
    burst_ms = outcome.burst_cpu_s * 1000
    print(
        f"  bot CPU from the burst to the last ack: {burst_ms:.0f} ms"
        f" ({burst_ms / max(len(outcome.ack), 1):.2f} ms per user)"
    )
    mean = statistics.fmean(cards) if cards else nan
    print(f"  answered: {len(outcome.ack)} acks, {len(cards)} cards; mean card {mean:.2f} s")
    for failure in outcome.failures[:10]:
        print(f"  failure: {failure}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--articles", type=int, default=10, help="distinct articles shared")
    parser.add_argument("--mode", choices=["polling", "webhook"], default="polling")
    parser.add_argument("--no-warmup", action="store_true")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--webhook-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.webhook_port)
    return run(args.users, max(1, args.articles), args.mode, not args.no_warmup, args.timeout)


if __name__ == "__main__":
    raise SystemExit(main())
