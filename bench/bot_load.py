"""Load benchmark for the Telegram bot under Telegram's flood limits: many users send a
link at the same moment, then a few arrive one after another.

The bot runs in its own process exactly as ``python main.py run`` runs it (real pipeline in
worker processes, SQLite cache, python-telegram-bot), against the local Bot API server —
with Telegram's limits on (30 messages/s per bot, one per second per chat after a short
burst, 20 per minute per group) — and a local page server, both in this process. Two mixes
are run, each with a fresh bot:

* cache-heavy: 200 users share 10 distinct articles (mostly the cache and Telegram's limit);
* all-distinct: 200 users, 200 articles (the pipeline's throughput).

Each mix has a burst (every user's link in the same instant) and then a steady phase (40 more
users, one every 100 ms: 20 messages/s at most, so the limit never binds). Measured, with
the targets in brackets:

* the bot's own latency, in the steady phase: from the update reaching the bot (the
  getUpdates answer carrying it, or its webhook POST) to the bot's first request for that
  chat [p95 ≤ 50 ms] — in the burst the same figure is mostly the limit's queue;
* how fast the burst's first answers (acks) drain, against the 30/s limit [≥ 90 %];
* 429 answers [0] — a bot that paces itself gets none — and users without a card [0];
* cards per second in the burst against the bound: the CPU bound (cores ÷ the pipeline's
  CPU time per article, measured beforehand in a process of its own, for each distinct
  article) or, when lower, what Telegram's 30/s leaves for cards when every user needs an
  ack and a card (15/s) [≥ 80 %];
* the bot's event-loop lag [≤ 100 ms] and peak RSS [≤ 300 MB].

    .venv/bin/python bench/bot_load.py                    # both mixes, polling
    .venv/bin/python bench/bot_load.py --mix distinct --mode webhook
    .venv/bin/python bench/bot_load.py --no-flood-limits  # as before the limits

Exits 1 naming every missed target (without limits, the drain and 429 targets are not
judged; cards/s is then held against the CPU bound alone). Timings depend on the machine's
load: the load average is printed with the figures.
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
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devtools.botapi import (  # noqa: E402
    COUNTED_METHODS,
    DEFAULT_TOKEN,
    TELEGRAM_LIMITS,
    BotAPIServer,
    Call,
    FloodPolicy,
)
from devtools.pages import PageServer  # noqa: E402
from devtools.ports import free_port  # noqa: E402

SAMPLE = ROOT / "examples" / "sample-article.html"
MIXES = {"cache": ("cache-heavy", 10), "distinct": ("all-distinct", 0)}  # 0: one per user
STEADY_USERS = 40
STEADY_EVERY = 0.1  # seconds between two users of the steady phase
TARGETS = {
    "latency_p95_ms": 50.0,
    "drain_pct": 90.0,
    "cards_pct": 80.0,
    "loop_lag_ms": 100.0,
    "rss_mb": 300.0,
}
LAG_TICK = 0.01  # seconds between event-loop probes
PIPELINE_SAMPLES = 12  # articles timed, one after another, to know the pipeline's cost


# ----------------------------------------------------------------------------- bot process


def child(stats_path: Path, webhook_port: int | None) -> int:
    """Run the bot until SIGTERM, probing the event loop; write figures to ``stats_path``."""
    from bot.settings import load_settings
    from handlers.heap import freeze_startup_heap
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
            freeze_startup_heap()  # as main.py run does once the bot answers
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


def pipeline_child(urls: Sequence[str]) -> int:
    """Share ``urls`` one after another with the bot's own pipeline; print the CPU seconds
    each took (after the first, which loads fonts and templates)."""
    from bot.pipeline import build_share_service
    from bot.settings import load_settings

    async def main() -> list[float]:
        service = build_share_service(load_settings(dotenv=None))
        spent = []
        try:
            for url in urls:
                before = time.process_time()
                await service.share_url(url)
                spent.append(time.process_time() - before)
        finally:
            await service.close()
        return spent[1:]

    print(json.dumps(asyncio.run(main())))
    return 0


# ------------------------------------------------------------------------------ load side


def article_page(html: str, number: int) -> bytes:
    """The sample article as a distinct article: its own headline and canonical address."""
    return (
        html.replace("desalination-agadir.html", f"desalination-agadir-{number}.html")
        .replace("في أكادير", f"في أكادير ({number})")
        .encode("utf-8")
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Outcome:
    """What happened to one mix's users, from the server's records."""

    handed: dict[int, float] = field(default_factory=dict)  # user → update reached the bot
    first_try: dict[int, float] = field(default_factory=dict)  # user → first message request
    first_ok: dict[int, float] = field(default_factory=dict)  # user → first accepted message
    card: dict[int, float] = field(default_factory=dict)  # user → card accepted
    messages: int = 0  # messages accepted (acks, cards, texts)
    refused_429: int = 0
    first_429s: list[str] = field(default_factory=list)
    error_replies: dict[int, str] = field(default_factory=dict)  # user → «⚠️ …» they got
    failures: list[str] = field(default_factory=list)  # failed calls other than 429s

    def without_card(self) -> list[int]:
        return sorted(self.handed.keys() - self.card.keys())

    def without_answer(self) -> list[int]:
        return sorted(self.handed.keys() - self.first_ok.keys())


def collect(api: BotAPIServer, users: set[int], since: int, start: float) -> Outcome:
    outcome = Outcome()
    with api.at_once():
        calls: list[Call] = list(api.calls[since:])
        updates = list(api.updates)
        handed = dict(api.handed)
    for update in updates:
        message = update.get("message")
        if message and message["chat"]["id"] in users and update["update_id"] in handed:
            outcome.handed.setdefault(message["chat"]["id"], handed[update["update_id"]])
    for call in calls:
        chat = call.chat_id
        if call.status == 429:
            outcome.refused_429 += 1
            if len(outcome.first_429s) < 3:
                outcome.first_429s.append(
                    f"{call.method} to {chat} at +{call.at - start:.2f} s ({call.error})"
                )
        elif not call.ok and call.name != "getupdates":
            outcome.failures.append(f"{call.method} → {call.status} {call.error}")
        if chat not in users or call.name not in COUNTED_METHODS:
            continue
        assert isinstance(chat, int)
        outcome.first_try.setdefault(chat, call.at)
        if call.ok:
            outcome.messages += 1
            outcome.first_ok.setdefault(chat, call.at)
            if call.name == "sendphoto":
                outcome.card.setdefault(chat, call.at)
            text = str((call.result or {}).get("text", ""))
            if "⚠️" in text or "عذراً" in text:
                outcome.error_replies.setdefault(chat, text)
    outcome.handed = {u: outcome.handed.get(u, start) for u in users}
    return outcome


def wait_for_cards(
    api: BotAPIServer, users: set[int], since: int, timeout: float, *, quiet: float = 15.0
) -> None:
    """Until every user has a card or an error message, or the bot has sent nothing for
    ``quiet`` seconds (it gave up on someone), or ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = [c for c in api.calls[since:] if c.name != "getupdates"]
        done = {c.chat_id for c in calls if c.ok and c.name == "sendphoto"}
        errors = {
            c.chat_id
            for c in calls
            if c.ok and c.name == "sendmessage" and "⚠️" in str((c.result or {}).get("text", ""))
        }
        if users <= done | errors:
            return
        if calls and time.monotonic() - calls[-1].done > quiet:
            return
        time.sleep(0.1)


@dataclass
class Figures:
    """One mix's figures, each with its target (None: reported only)."""

    rows: list[tuple[str, str, bool | None]] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: str, ok: bool | None = None) -> None:
        self.rows.append((name, value, ok))
        if ok is False:
            self.missed.append(name)


def judge(
    burst: Outcome,
    steady: Outcome,
    stats: dict[str, float],
    *,
    distinct: int,
    pipeline_s: float,
    policy: FloodPolicy | None,
) -> Figures:
    figures = Figures()
    nan = float("nan")
    limited = policy is not None
    limit = float(policy.per_second) if policy else float("inf")

    def under_limits(ok: bool) -> bool | None:
        """Targets about Telegram's limits are judged only when they are enforced."""
        return ok if limited else None

    own = [(steady.first_try[u] - steady.handed[u]) * 1000 for u in steady.first_try]
    p95 = percentile(own, 0.95)
    figures.add(
        "bot latency, steady: update → request p50/p95 (ms)",
        f"{percentile(own, 0.5):.0f} / {p95:.0f}",
        p95 <= TARGETS["latency_p95_ms"] and len(own) == len(steady.handed),
    )
    queued = [(burst.first_try[u] - burst.handed[u]) * 1000 for u in burst.first_try]
    figures.add(
        "  in the burst: update → request p50/p95 (ms)",
        f"{percentile(queued, 0.5):.0f} / {percentile(queued, 0.95):.0f}",
    )
    first = min(burst.handed.values())
    answered = sorted(burst.first_ok.values())
    if answered and len(answered) == len(burst.handed):
        taken = answered[-1] - first
        rate = len(answered) / taken if taken > 0 else nan
        figures.add(
            "acks drain, % of the 30/s limit" if limited else "acks drain",
            f"{100 * rate / limit:.0f} % ({rate:.1f}/s, last after {taken:.2f} s)"
            if limited
            else f"{rate:.0f}/s (last after {taken:.2f} s)",
            under_limits(rate >= limit * TARGETS["drain_pct"] / 100),
        )
    else:
        figures.add("acks drain", "not every user answered", under_limits(False))
    refused = burst.refused_429 + steady.refused_429
    figures.add("429 answers", str(refused), under_limits(refused == 0))
    lost = burst.without_card() + steady.without_card()
    told = len(burst.error_replies) + len(steady.error_replies)
    silent = len(burst.without_answer()) + len(steady.without_answer())
    figures.add(
        "users without a card",
        f"{len(lost)} ({told} told «⚠️…», {silent} without any answer)",
        not lost,
    )
    failed = burst.failures + steady.failures
    figures.add("failed calls (not 429)", str(len(failed)), not failed)

    cards = sorted(burst.card.values())
    if cards:
        taken = cards[-1] - first
        rate = len(cards) / taken if taken > 0 else nan
        cpu_bound = (os.cpu_count() or 1) / pipeline_s * len(burst.handed) / distinct
        telegram_bound = limit / 2  # every user needs an ack and a card
        bound = min(cpu_bound, telegram_bound)
        binding = "CPU" if cpu_bound <= telegram_bound else "Telegram's 30/s"
        figures.add(
            f"cards/s in the burst, % of the bound ({binding})",
            f"{rate:.1f}/s = {100 * rate / bound:.0f} %" + (" (users lost)" if lost else ""),
            rate >= bound * TARGETS["cards_pct"] / 100 and not lost,
        )
        figures.notes.append(
            f"card bounds: CPU {cpu_bound:.1f}/s ({os.cpu_count()} cores ÷"
            f" {pipeline_s * 1000:.0f} ms CPU per article, {distinct} distinct for"
            f" {len(burst.handed)} users), Telegram {telegram_bound:.1f}/s;"
            f" {burst.messages} messages sent in the burst"
        )
        since = [c - first for c in cards]
        figures.add(
            "card p50 / p95 / max (s)",
            f"{percentile(since, 0.5):.2f} / {percentile(since, 0.95):.2f} / {since[-1]:.2f}",
        )
    else:
        figures.add("cards/s in the burst", "no card", False)
    acks = [burst.first_ok[u] - burst.handed[u] for u in burst.first_ok]
    figures.add(
        "first answer p50 / p95 (s)", f"{percentile(acks, 0.5):.2f} / {percentile(acks, 0.95):.2f}"
    )
    lag_ms = stats.get("max_lag_s", nan) * 1000
    figures.add("max event-loop lag (ms)", f"{lag_ms:.0f}", lag_ms <= TARGETS["loop_lag_ms"])
    rss = stats.get("peak_rss_mb", nan)
    figures.add("bot peak RSS (MB)", f"{rss:.0f}", rss <= TARGETS["rss_mb"])
    figures.notes.append(
        f"CPU s: bot {stats.get('bot_cpu_s', nan):.1f}, pipeline workers"
        f" {stats.get('worker_cpu_s', nan):.1f} (largest RSS"
        f" {stats.get('worker_peak_rss_mb', nan):.0f} MB)"
    )
    return figures


def measure_pipeline(html: str, env: dict[str, str]) -> float:
    """The pipeline's CPU seconds per article (median), in a process of its own."""
    pages = PageServer().start()
    try:
        urls = [
            pages.add(f"/p/{n}.html", body=article_page(html, 20_000 + n))
            for n in range(PIPELINE_SAMPLES + 1)
        ]
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--pipeline-child", *urls],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
    finally:
        pages.stop()
    return statistics.median(json.loads(done.stdout.strip().splitlines()[-1]))


def run_mix(
    users: int,
    articles: int,
    mode: str,
    policy: FloodPolicy | None,
    env: dict[str, str],
    workdir: Path,
    timeout: float,
) -> tuple[Outcome, Outcome, dict[str, float]]:
    html = SAMPLE.read_text(encoding="utf-8")
    pages = PageServer().start()
    api = BotAPIServer(flood=policy, allow_local_webhooks=True).start()
    stats_path = workdir / f"stats-{articles}-{mode}.json"
    urls = [pages.add(f"/a/{n}.html", body=article_page(html, n)) for n in range(articles)]
    warm_url = pages.add("/warm.html", body=article_page(html, 10_000))
    env = {
        **env,
        "TELEGRAM_API_BASE_URL": api.root,
        "DATABASE_URL": str(workdir / f"bench-{articles}-{mode}.sqlite3"),
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(stats_path)]
    if mode == "webhook":
        command += ["--webhook-port", str(free_port())]
    log = (workdir / f"bot-{articles}-{mode}.log").open("w")
    bot = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log)
    try:
        api.wait_for("setMyCommands", timeout=120)
        # Fonts, templates and pools loaded once, as in a bot that has been running.
        mark = api.mark()
        api.send_message(api.user(1), warm_url)
        api.wait_for("sendPhoto", since=mark, chat_id=1, timeout=120)
        api.wait_for("deleteMessage", since=mark, chat_id=1, timeout=30)
        time.sleep(1.5)  # the warm-up's messages leave the one-second window
        ids = {100_000 + index for index in range(users)}
        since = api.mark()
        start = time.monotonic()
        with api.at_once():  # one moment: the bot receives them together
            for index, user_id in enumerate(sorted(ids)):
                api.send_message(api.user(user_id, f"قارئ {index}"), urls[index % articles])
        wait_for_cards(api, ids, since, timeout)
        time.sleep(2.0)  # the last cleanup requests; the limits' buckets fill again
        burst = collect(api, ids, since, start)

        # Then users one after another, at a pace the limits allow: the bot's own latency.
        fresh = articles == users  # all-distinct: new articles; cache-heavy: the same ones
        steady_ids = {200_000 + index for index in range(STEADY_USERS)}
        since = api.mark()
        start = time.monotonic()
        for index, user_id in enumerate(sorted(steady_ids)):
            url = (
                pages.add(f"/s/{index}.html", body=article_page(html, 30_000 + index))
                if fresh
                else urls[index % articles]
            )
            api.send_message(api.user(user_id, f"قارئة {index}"), url)
            time.sleep(STEADY_EVERY)
        wait_for_cards(api, steady_ids, since, timeout)
        time.sleep(0.5)
        steady = collect(api, steady_ids, since, start)
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(timeout=60)
        except subprocess.TimeoutExpired:
            bot.kill()
        api.stop()
        pages.stop()
        log.close()
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    return burst, steady, stats


def report(title: str, figures: Figures) -> None:
    print(title)
    for name, value, ok in figures.rows:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"  {name:<56} {value:<42} {verdict}")
    for note in figures.notes:
        print(f"  {note}")


def run(args: argparse.Namespace) -> int:
    policy = None if args.no_flood_limits else TELEGRAM_LIMITS
    workdir = Path(tempfile.mkdtemp(prefix="nashir-bench-"))
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "FETCH_ALLOW_PRIVATE_HOSTS": "true",
        "RATE_LIMIT_PER_MINUTE": "5",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    html = SAMPLE.read_text(encoding="utf-8")
    load = os.getloadavg()[0]
    pipeline_s = measure_pipeline(html, {**env, "DATABASE_URL": str(workdir / "p.sqlite3")})
    limits = (
        f"limits {policy.per_second}/s, {policy.chat_per_second:g}/s per chat (burst"
        f" {policy.chat_burst}), {policy.group_per_minute}/min per group"
        if policy
        else "NO flood limits"
    )
    print(
        f"bot_load: {args.users} users at once, {args.mode}, {os.cpu_count()} CPUs, {limits};"
        f" pipeline {pipeline_s * 1000:.0f} ms CPU per article (median of {PIPELINE_SAMPLES})"
    )
    missed: list[str] = []
    mixes = ["cache", "distinct"] if args.mix == "both" else [args.mix]
    for mix in mixes:
        name, shared = MIXES[mix]
        articles = min(args.users, shared or args.users)
        before = os.getloadavg()[0]
        burst, steady, stats = run_mix(
            args.users, articles, args.mode, policy, env, workdir, args.timeout
        )
        figures = judge(
            burst, steady, stats, distinct=articles, pipeline_s=pipeline_s, policy=policy
        )
        after = os.getloadavg()[0]
        report(
            f"{name}: {args.users} users, {articles} distinct articles"
            f" (load average {before:.1f} before, {after:.1f} after)",
            figures,
        )
        for user, text in list(burst.error_replies.items())[:2]:
            print(f"    user {user} was told: {text[:70]}")
        for refusal in (burst.first_429s + steady.first_429s)[:3]:
            print(f"    429: {refusal}")
        for failure in (burst.failures + steady.failures)[:5]:
            print(f"    failed call: {failure}")
        missed += [f"{name}: {target}" for target in figures.missed]
    print(f"load average at the start {load:.1f}: figures are noisy on a shared machine")
    print(f"the bot's logs: {workdir}/bot-*.log")
    if missed:
        print("MISSED TARGETS: " + "; ".join(missed))
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--mix", choices=["both", "cache", "distinct"], default="both")
    parser.add_argument("--mode", choices=["polling", "webhook"], default="polling")
    parser.add_argument("--no-flood-limits", action="store_true")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--webhook-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pipeline-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.webhook_port)
    if args.pipeline_child:
        return pipeline_child(args.pipeline_child)
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
