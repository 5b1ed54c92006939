"""Running the bot: long polling or webhook, started and stopped in the right order.

:func:`run_bot` is what ``python main.py run`` calls. :func:`open_services` and
:func:`running_bot` are the same steps as async context managers, so tests and benchmarks run
exactly what production runs, inside their own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot.settings import Settings
from db.connection import open_database
from db.shares import ShareRepository
from handlers.app import ALLOWED_UPDATES, build_application
from handlers.desk import JobQueue, ShareDesk, Sharer
from handlers.errors import (
    BotStartupError,
    MissingTokenError,
    MissingWebhookSecretError,
    startup_error,
)
from handlers.heap import freeze_startup_heap
from handlers.ingress import Ingress, IngressConfig, accepting_database, handling
from handlers.newsroom_runtime import background_work, newsroom_runtime
from handlers.ratelimit import rate_limiter_for
from handlers.redact import redacted_logs
from handlers.services import DEFAULT_OPTIONS, BotOptions, BotServices
from handlers.texts import MESSAGES_DIR, Texts
from handlers.webhook import WebhookReceiver
from handlers.workers import ProcessSharer

logger = logging.getLogger(__name__)

# Long-poll length: short enough for a prompt stop, long enough to keep requests rare.
POLL_TIMEOUT = 10
EXIT_OK = 0
EXIT_STARTUP_FAILED = 2


class ClosableSharer(Sharer, Protocol):
    async def close(self) -> None: ...


ShareServiceFactory = Callable[[Settings], ClosableSharer]


@dataclass(frozen=True, slots=True)
class WebhookOptions:
    """Where Telegram delivers updates and where this process listens for them.

    ``secret_token`` is checked by the webhook server on every request (Telegram sends it in
    ``X-Telegram-Bot-Api-Secret-Token``); a random one is made per start when not configured.
    """

    url: str
    listen: str
    port: int
    secret_token: str = field(repr=False)
    # Several worker processes: they share the port, and only the first registers the hook.
    reuse_port: bool = False
    register: bool = True

    @property
    def url_path(self) -> str:
        return urlsplit(self.url).path.strip("/")

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        url: str,
        listen: str,
        port: int,
        reuse_port: bool = False,
        register: bool = True,
    ) -> WebhookOptions:
        """Raises :class:`MissingWebhookSecretError` when processes may share the webhook
        (PostgreSQL) and no secret is configured: each would make up its own, and every
        process but the last to register would refuse Telegram's deliveries."""
        configured = settings.telegram_webhook_secret
        if not configured and settings.database_url.engine != "sqlite":
            raise MissingWebhookSecretError("TELEGRAM_WEBHOOK_SECRET is empty")
        secret = configured.reveal() if configured else secrets.token_urlsafe(32)
        return cls(
            url=url,
            listen=listen,
            port=port,
            secret_token=secret,
            reuse_port=reuse_port,
            register=register,
        )


def require_token(settings: Settings) -> str:
    """The bot token, or a clear error when it is not set."""
    token = settings.telegram_bot_token.reveal() if settings.telegram_bot_token else ""
    if not token.strip():
        raise MissingTokenError("TELEGRAM_BOT_TOKEN is empty")
    return token.strip()


@asynccontextmanager
async def open_services(
    settings: Settings, sharer: Sharer, *, options: BotOptions = DEFAULT_OPTIONS
) -> AsyncIterator[BotServices]:
    """The handlers' services over an open database (closed on exit; ``sharer`` is not)."""
    database = await open_database(settings.database_url)
    desk = ShareDesk(
        sharer,
        ShareRepository(database),
        jobs=JobQueue(settings.max_concurrent_jobs, settings.max_queued_jobs),
    )
    try:
        yield BotServices(
            settings=settings,
            desk=desk,
            limiter=rate_limiter_for(settings.rate_limit_per_minute, database),
            texts=Texts(english=settings.bot_language == "ar+en"),
            options=options,
            database=database,
        )
    finally:
        await desk.close()
        await database.close()


@asynccontextmanager
async def running_bot(
    settings: Settings, services: BotServices, *, webhook: WebhookOptions | None = None
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Start the bot (polling, or webhook when given) and stop it cleanly on exit.

    Raises:
        BotStartupError: no token, token rejected, or the Bot API unreachable.
    """
    token = require_token(settings)
    hidden = [token, *([webhook.secret_token] if webhook else [])]
    with redacted_logs(*hidden):
        application = build_application(token, settings.telegram_api_base_url, services)
        receiver: WebhookReceiver | None = None
        ingress: Ingress | None = None
        try:
            await application.initialize()
        except TelegramError as error:
            # PTB shuts its clients down only after a successful start; close the one that
            # asked Telegram who we are, so no connection is left behind.
            await application.bot.request.shutdown()
            raise startup_error(error) from None
        stack = contextlib.AsyncExitStack()
        await stack.__aenter__()
        try:
            newsroom = await stack.enter_async_context(
                newsroom_runtime(settings, application, services.desk, database=services.database)
            )
            await set_commands(application, services)
            if webhook is None:
                await application.updater.start_polling(
                    timeout=POLL_TIMEOUT, allowed_updates=list(ALLOWED_UPDATES)
                )
            else:
                if services.database is None:
                    raise RuntimeError("webhook mode needs the bot's database for its inbox")
                ingress = Ingress(
                    application,
                    services.database,
                    config=IngressConfig.from_settings(settings),
                    accepting=await stack.enter_async_context(accepting_database(settings)),
                )
                receiver = WebhookReceiver(
                    ingress.accept,
                    listen=webhook.listen,
                    port=webhook.port,
                    url_path=webhook.url_path,
                    secret_token=webhook.secret_token,
                    reuse_port=webhook.reuse_port,
                    health=ingress.health,
                )
                await receiver.start()  # listening before Telegram is told where to post
                if webhook.register:
                    await application.bot.set_webhook(
                        webhook.url,
                        secret_token=webhook.secret_token,
                        allowed_updates=list(ALLOWED_UPDATES),
                    )
            await application.start()
            await stack.enter_async_context(background_work(newsroom))
            if ingress is not None:
                await stack.enter_async_context(handling(ingress))
            logger.info(
                "Nashir bot @%s is running (%s) against %s",
                application.bot.username,
                "webhook" if webhook else "long polling",
                settings.telegram_api_base_url,
            )
            yield application
        finally:
            # The newsroom's background work stops first, while the bot can still send.
            await stack.aclose()
            if receiver is not None:
                await receiver.stop()
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()


async def set_commands(application: Application, services: BotServices) -> None:  # type: ignore[type-arg]
    """The command menu, described in Arabic (and in English for English-speaking users).

    The menu is cosmetic: the commands work without it. Some self-hosted or proxy Bot API
    servers lack ``setMyCommands`` (a 404, which python-telegram-bot reports as a rejected
    token) or refuse it; that is a warning, never a bot that does not start.
    """
    label = services.texts.label
    menus: list[tuple[list[BotCommand], str | None]] = [
        (
            [
                BotCommand("start", label("command_start")),
                BotCommand("help", label("command_help")),
                BotCommand("share", label("command_share")),
            ],
            None,
        )
    ]
    if services.texts.english:
        english = [
            BotCommand("start", label("command_start_en")),
            BotCommand("help", label("command_help_en")),
            BotCommand("share", label("command_share_en")),
        ]
        menus.append((english, "en"))
    scopes: list[tuple[list[BotCommand], str | None, BotCommandScopeChat | None]] = [
        (commands, language, None) for commands, language in menus
    ]
    desk = services.settings.editor_chat_id
    if desk is not None:
        # The editors' group gets the newsroom's commands in its menu.
        newsroom = Texts(MESSAGES_DIR / "newsroom").label
        desk_commands = [
            BotCommand(name, newsroom(f"command_{name}"))
            for name in ("submit", "drafts", "draft", "queue", "schedule", "move", "stats")
        ]
        scopes.append((desk_commands, None, BotCommandScopeChat(desk)))
    for commands, language, scope in scopes:
        try:
            await application.bot.set_my_commands(commands, language_code=language, scope=scope)
        except TelegramError as error:
            # Only the type: PTB writes the token into the text of InvalidToken.
            logger.warning(
                "the Bot API refused setMyCommands (%s); the bot runs without its command menu",
                type(error).__name__,
            )
            return


def run_bot(
    settings: Settings,
    *,
    webhook_url: str | None,
    listen: str,
    port: int,
    share_service_factory: ShareServiceFactory | None = None,
    workers: int | None = None,
    options: BotOptions = DEFAULT_OPTIONS,
    reuse_port: bool = False,
    register_webhook: bool = True,
) -> int:
    """Run the bot until SIGINT/SIGTERM; return the process exit code.

    Args:
        settings: loaded once by ``main.py``.
        webhook_url: public address Telegram posts updates to; None = long polling.
        listen: address the webhook server binds.
        port: port the webhook server binds.
        share_service_factory: builds the share pipeline from settings (default
            ``bot.pipeline.build_share_service``); a module-level function, because it is
            called inside each worker process.
        workers: worker processes for the pipeline (default: one per CPU); 0 runs it in
            this process, in the pipeline's own threads.
        options: behaviour tunables.
        reuse_port: share the webhook port with other worker processes.
        register_webhook: call setWebhook (one worker of several does).

    Returns:
        0 after a clean stop, 2 when the bot could not start (the reason is logged).
    """

    async def until_signal() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve(
            settings,
            webhook=webhook,
            share_service_factory=share_service_factory,
            workers=workers,
            options=options,
            stop=stop,
            ready=lambda *_: freeze_startup_heap(),
        )

    try:
        require_token(settings)
        webhook = (
            WebhookOptions.from_settings(
                settings,
                url=webhook_url,
                listen=listen,
                port=port,
                reuse_port=reuse_port,
                register=register_webhook,
            )
            if webhook_url
            else None
        )
        asyncio.run(until_signal())
    except BotStartupError as error:
        logger.error("%s", error.one_line())
        return EXIT_STARTUP_FAILED
    return EXIT_OK


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event,
    webhook: WebhookOptions | None = None,
    share_service_factory: ShareServiceFactory | None = None,
    workers: int | None = None,
    options: BotOptions = DEFAULT_OPTIONS,
    ready: Callable[[Application, BotServices], None] | None = None,  # type: ignore[type-arg]
) -> None:
    """Build every service, run the bot until ``stop`` is set, then close everything.

    ``ready`` is called once the bot is answering (tests and benchmarks wait for it).
    """
    require_token(settings)  # before starting any worker
    sharer = await start_sharer(settings, share_service_factory, workers)
    try:
        async with (
            open_services(settings, sharer, options=options) as services,
            running_bot(settings, services, webhook=webhook) as application,
        ):
            if ready is not None:
                ready(application, services)
            await stop.wait()
            logger.info("stopping the bot")
    finally:
        await sharer.close()


async def start_sharer(
    settings: Settings, factory: ShareServiceFactory | None, workers: int | None
) -> ClosableSharer:
    """The share pipeline: in worker processes (``workers`` > 0 or None), or in-process."""
    if workers == 0:
        if factory is None:
            from bot.pipeline import build_share_service

            factory = build_share_service
        return factory(settings)
    sharer = ProcessSharer(settings, factory=factory, workers=workers)
    try:
        await sharer.start()
    except BaseException:
        await sharer.close()
        raise
    return sharer
