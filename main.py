"""Nashir (ناشر) — composition root and command line.

    python main.py share SOURCE [--out DIR] [--platforms LIST] [--cards LIST] [--json]
    python main.py summarize-batch IN.jsonl [--sentences N | --chars N]
    python main.py run [--webhook-url URL --listen HOST --port N]

Settings are read once here (environment and `.env`) and every service is built here.

Exit codes: 0 done; 1 bad input or an output folder that cannot be written (one line on
stderr says why); 2 bad usage or settings; 3 a bug (run with --debug); 130 interrupted;
141 the output pipe was closed by the reader (``| head``), quietly, as other Unix tools do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import (
    FileEncodingError,
    InputError,
    NashirError,
    SettingsError,
    SourceNotFoundError,
    SourceUnreadableError,
)
from bot.models import Article, CardSize, ShareResult
from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from bot.output import WrittenResult

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, what a shell reports for a tool killed by it
EXIT_CODES_HELP = """exit codes:
  0    done
  1    bad input (a link, file or text that cannot be shared) or an output folder that
       cannot be written; one line on stderr says why
  2    bad usage or settings
  3    internal error (a bug: run again with --debug and report it)
  130  interrupted
  141  the output pipe was closed by the reader (e.g. `| head -1`): no message
"""

logger = logging.getLogger("nashir")


def _parse_card_sizes(value: str) -> tuple[CardSize, ...]:
    if value.strip().lower() == "all":
        return tuple(CardSize)
    try:
        return tuple(CardSize(part.strip().lower()) for part in value.split(",") if part.strip())
    except ValueError:
        known = ", ".join(size.value for size in CardSize)
        msg = f"unknown card size in {value!r} (known: {known}, all)"
        raise argparse.ArgumentTypeError(msg) from None


def _parse_platform_list(value: str):  # type: ignore[no-untyped-def]
    from bot.platforms import parse_platforms

    try:
        return parse_platforms(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description=(
            "Nashir (ناشر): turns an Arabic news article into ready-to-post texts for nine "
            "platforms and share cards, and runs the Telegram bot. Settings come from the "
            "environment and .env (see .env.example)."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="verbose logs and tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    share = commands.add_parser(
        "share",
        help="one article → drafts for every platform and share cards",
        description=(
            "Extract an article, write DIR/<slug>/drafts.json, one <platform>.txt per platform "
            "and the cards, and print a summary table. Exit code 1 with a one-line reason on "
            "bad input."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    share.add_argument(
        "source", help="a URL, an .html/.htm or .txt file, or - to read article text on stdin"
    )
    share.add_argument(
        "--out", type=Path, default=Path("out"), help="output folder (default: out)"
    )
    share.add_argument(
        "--platforms",
        type=_parse_platform_list,
        default=None,
        help="comma-separated platforms (x,telegram,facebook,linkedin,threads,bluesky,"
        "mastodon,instagram,whatsapp) or all (default)",
    )
    share.add_argument(
        "--cards",
        type=_parse_card_sizes,
        default=None,
        help="card sizes: wide,x,square,portrait,story or all (default: wide,x)",
    )
    share.add_argument(
        "--theme",
        default=None,
        metavar="NAME",
        help="card theme, a file name in templates/cards/ without .toml (default: CARD_THEME)",
    )
    share.add_argument("--json", action="store_true", help="print drafts.json instead of a table")

    batch = commands.add_parser(
        "summarize-batch",
        help="the summarizer alone, for evaluation (JSON lines in, JSON lines out)",
        description='Read {"id","text"} lines and print {"id","summary"} lines.',
    )
    batch.add_argument("input", type=Path, help="JSON lines file, or - for stdin")
    budget = batch.add_mutually_exclusive_group()
    budget.add_argument("--sentences", type=int, default=None, help="N sentences (default 3)")
    budget.add_argument(
        "--chars", type=int, default=None, help="whole sentences while they fit in N characters"
    )

    run = commands.add_parser(
        "run",
        help="the Telegram bot (long polling, or webhook with --webhook-url)",
        description=(
            "Run the bot. Without --webhook-url it long-polls getUpdates; with it, it listens "
            "on --listen:--port and registers the webhook with a secret token."
        ),
    )
    run.add_argument("--webhook-url", default=None, help="public HTTPS URL Telegram posts to")
    run.add_argument("--listen", default="127.0.0.1", help="address to listen on (webhook)")
    run.add_argument("--port", type=int, default=8443, help="port to listen on (webhook)")
    run.add_argument(
        "--workers",
        type=int,
        choices=range(1, 65),
        metavar="N",
        default=1,
        help="webhook worker processes sharing the port (needs PostgreSQL; default 1)",
    )
    # Set by the supervisor of --workers for each worker it starts.
    run.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    run.add_argument("--no-register", action="store_true", help=argparse.SUPPRESS)
    run.add_argument("--pipeline-workers", type=int, default=None, help=argparse.SUPPRESS)
    return parser


def configure_logging(settings: Settings, *, debug: bool, command: str) -> None:
    level = logging.DEBUG if debug else getattr(logging, settings.log_level.upper())
    if command != "run" and not debug:
        # One-shot commands answer with their output and a one-line reason on failure;
        # informational logs are for the long-running bot.
        level = max(level, logging.WARNING)
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def _read_source_bytes(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    path = Path(source)
    if not path.exists():
        raise SourceNotFoundError(source)
    if path.is_dir():
        raise SourceUnreadableError(f"{source} is a folder")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceUnreadableError(f"{source}: {exc.strerror or type(exc).__name__}") from None


def _read_source_text(source: str) -> str:
    data = _read_source_bytes(source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileEncodingError(source) from None


def _local_source(source: str) -> Article | str | None:
    """The article of an HTML file, the text of a text file or stdin; None for a URL."""
    from bot.ingest.sources import article_from_html_bytes, looks_like_url

    if looks_like_url(source):
        return None
    if source != "-" and Path(source).suffix.lower() in {".html", ".htm", ".xhtml"}:
        return article_from_html_bytes(_read_source_bytes(source), source)
    return _read_source_text(source)


async def _share(
    settings: Settings, args: argparse.Namespace, local: Article | str | None
) -> ShareResult:
    from bot.cards import CardUse
    from bot.pipeline import DEFAULT_CARD_SIZES, build_share_service

    if args.theme:
        settings = settings.replace(card_theme=args.theme)
    # Files for an editor to upload anywhere: lossless PNG (see bot/cards/encode.py).
    service = build_share_service(
        settings, card_sizes=args.cards or DEFAULT_CARD_SIZES, card_use=CardUse.FILE
    )
    try:
        if local is None:
            return await service.share_url(args.source, platforms=args.platforms)
        if isinstance(local, Article):
            return await service.share_article(local, platforms=args.platforms)
        return await service.share_text(local, platforms=args.platforms)
    finally:
        await service.close()


def _print_table(result: ShareResult, written: WrittenResult) -> None:
    from bot.platforms import PLATFORMS

    article = result.article
    print(article.title)
    if article.url:
        print(f"  {article.url}")
    print()
    rows = []
    for draft in result.drafts:
        spec = PLATFORMS[draft.platform]
        first = " ".join((draft.summary or "").split()[:8])
        mark = "  (OVER LIMIT)" if not draft.fits else ""
        rows.append(
            (draft.platform.value, f"{draft.length}/{draft.limit}", spec.unit.value, first + mark)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print(f"{'platform':<{widths[0]}}  {'length':>{widths[1]}}  {'unit':<{widths[2]}}  summary")
    for name, size, unit, first in rows:
        print(f"{name:<{widths[0]}}  {size:>{widths[1]}}  {unit:<{widths[2]}}  {first}…")
    print()
    for card in result.cards:
        width, height = card.size.dimensions
        print(
            f"card {card.size.value:<9} {width}×{height} {card.image_format:<4} "
            f"{len(card.data) // 1024:>4} KB  {card.filename}"
        )
    for note in result.notes:
        print(f"note: {note}")
    print()
    print(f"wrote {len(written.files)} files to {written.folder}/: {', '.join(written.files)}")
    if written.removed:
        print(f"removed from an earlier run: {', '.join(written.removed)}")
    print(
        f"next: paste {written.folder}/<platform>.txt where you post, attach the card, or run "
        "the bot (python main.py run) to share from Telegram."
    )


def command_share(settings: Settings, args: argparse.Namespace) -> int:
    from bot.output import result_to_dict, write_result

    result = asyncio.run(_share(settings, args, _local_source(args.source)))
    written = write_result(result, args.out)
    if args.json:
        print(json.dumps(result_to_dict(result), ensure_ascii=False, indent=2))
    else:
        _print_table(result, written)
    return EXIT_OK


def command_summarize_batch(settings: Settings, args: argparse.Namespace) -> int:
    from bot.summarize import ExtractiveSummarizer
    from bot.summarize.batch import summarize_records

    source = str(args.input)
    text = _read_source_text(source)
    sentences = args.sentences if args.sentences is not None or args.chars else 3
    for row in summarize_records(
        _batch_records(text, source), ExtractiveSummarizer(), sentences=sentences, chars=args.chars
    ):
        print(json.dumps(row, ensure_ascii=False), flush=False)
    return EXIT_OK


def _batch_records(text: str, source: str) -> Iterator[dict[str, object]]:
    """The ``{"id", "text"}`` objects of a JSON-lines text, each checked, with line numbers."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{source}:{number}: not JSON ({exc.msg})",
                message_ar=f"السطر {number} ليس JSON صالحاً.",
            ) from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError(
                f'{source}:{number}: expected an object with a "text" string',
                message_ar=f"السطر {number} لا يحتوي على حقل «text» نصي.",
            )
        yield record


def command_run(settings: Settings, args: argparse.Namespace) -> int:
    from handlers.fleet import run_workers
    from handlers.runner import run_bot

    if args.workers > 1:
        if not args.webhook_url:
            print(
                "error: --workers needs --webhook-url (workers share a webhook)", file=sys.stderr
            )
            return EXIT_USAGE
        return run_workers(
            settings,
            count=args.workers,
            webhook_url=args.webhook_url,
            listen=args.listen,
            port=args.port,
        )
    return run_bot(
        settings,
        webhook_url=args.webhook_url,
        listen=args.listen,
        port=args.port,
        workers=args.pipeline_workers,
        reuse_port=args.reuse_port,
        register_webhook=not args.no_register,
    )


COMMANDS = {
    "share": command_share,
    "summarize-batch": command_summarize_batch,
    "run": command_run,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings, debug=args.debug, command=args.command)
    try:
        return COMMANDS[args.command](settings, args)
    except NashirError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return _pipe_closed()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception:
        # A bug, not bad input: say so in one line; the traceback goes to the debug log.
        logger.debug("unexpected failure", exc_info=True)
        print(
            "error: خطأ داخلي غير متوقع — internal error (run with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_BUG


def _pipe_closed() -> int:
    """The reader of our output went away (``| head -1``): stop quietly.

    stdout still holds unflushed bytes; pointing it at /dev/null stops Python from failing
    again, loudly, when it flushes at exit.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_PIPE_CLOSED


if __name__ == "__main__":
    raise SystemExit(main())
