"""Errors of the Telegram conversation, in the engine's tree (``bot.errors.NashirError``).

Engine errors (unreachable page, not an article, private address, too large …) already carry
their Arabic message; these add the ones only the bot can meet.
"""

from __future__ import annotations

from telegram.error import Forbidden, InvalidToken, NetworkError, TelegramError

from bot.errors import (
    BlockedAddressError,
    EmptyTextError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InputError,
    InvalidURLError,
    NashirError,
    NotAnArticleError,
    UnreachableError,
)


class RateLimitedError(InputError):
    """One user asked for too much in a minute.

    ``notify`` is False when the user was already told in this window: the bot then stays
    silent rather than answer every further message with the same notice.
    """

    message_ar = "طلبات كثيرة في وقت قصير، يُرجى الانتظار قليلاً."
    message_en = "Too many requests; please wait a little."

    def __init__(self, *, limit: int, retry_after: int, notify: bool = True) -> None:
        super().__init__(f"{limit}/min, retry after {retry_after}s")
        self.limit = limit
        self.retry_after = retry_after
        self.notify = notify


class BusyError(NashirError):
    """Every slot of the share pipeline is taken and its queue is full (a crowd)."""

    message_ar = "الطلبات كثيرة، حاول بعد قليل."
    message_en = "The bot is busy with many requests; please try again shortly."


class ExpiredShareError(InputError):
    message_ar = "انتهت صلاحية هذه الأزرار. أرسل رابط المقال من جديد."
    message_en = "These buttons have expired. Send the article link again."


class TelegramDeliveryError(NashirError):
    message_ar = "تعذر إرسال الرد عبر تيليغرام. يُرجى المحاولة مرة أخرى."
    message_en = "The answer could not be delivered through Telegram. Please try again."


class BotStartupError(NashirError):
    message_ar = "تعذر تشغيل البوت."
    message_en = "The bot could not start."


class MissingTokenError(BotStartupError):
    message_ar = "رمز البوت غير مضبوط: أضف TELEGRAM_BOT_TOKEN إلى الإعدادات."
    message_en = "TELEGRAM_BOT_TOKEN is not set."


class MissingWebhookSecretError(BotStartupError):
    message_ar = (
        "عدة عمليات تتقاسم الـwebhook: اضبط TELEGRAM_WEBHOOK_SECRET بقيمة واحدة لها جميعاً."
    )
    message_en = "Workers sharing a webhook need one TELEGRAM_WEBHOOK_SECRET: set it."


class SingleProcessDatabaseError(BotStartupError):
    message_ar = (
        "قاعدة SQLite تخدم عملية واحدة: لتشغيل عدة عمليات استعمل PostgreSQL في DATABASE_URL."
    )
    message_en = "SQLite serves one process: several workers need PostgreSQL in DATABASE_URL."


class RejectedTokenError(BotStartupError):
    message_ar = "رفض تيليغرام رمز البوت: تحقق من قيمة TELEGRAM_BOT_TOKEN."
    message_en = "Telegram rejected the bot token (TELEGRAM_BOT_TOKEN)."


class BotAPIUnreachableError(BotStartupError):
    message_ar = "تعذر الاتصال بخادم Bot API: تحقق من الشبكة ومن TELEGRAM_API_BASE_URL."
    message_en = "The Bot API server could not be reached (check TELEGRAM_API_BASE_URL)."


# What the user can do next, by kind of error: the nearest class in the error's MRO wins,
# and None means the message already says it. Keys of ``next_steps`` in labels.txt.j2.
NEXT_STEPS: dict[type[NashirError], str | None] = {
    InvalidURLError: "check_link",
    HTTPStatusError: "check_link",
    BlockedAddressError: "public_link",
    FetchTimeoutError: "slow_site",
    UnreachableError: "slow_site",
    FetchError: "send_text",
    NotAnArticleError: "article_page",
    EmptyTextError: "paste_whole",
    RateLimitedError: None,
    BusyError: None,
    ExpiredShareError: None,
    InputError: None,
    TelegramDeliveryError: "retry",
    NashirError: "retry",
}


def next_step(error: NashirError) -> str | None:
    """The key of the advice shown under ``error`` (see :data:`NEXT_STEPS`)."""
    for kind in type(error).__mro__:
        if kind in NEXT_STEPS:
            return NEXT_STEPS[kind]
    return None


def as_user_error(error: BaseException | None) -> NashirError:
    """The error a user is told about: engine errors as they are, Telegram's as one kind."""
    if isinstance(error, NashirError):
        return error
    if isinstance(error, TelegramError):
        return TelegramDeliveryError(type(error).__name__)
    return NashirError()


def startup_error(error: TelegramError) -> BotStartupError:
    """Explain why the first Bot API call (getMe) failed.

    Only the error's type goes into the detail: PTB puts the token itself in the text of
    ``InvalidToken`` ("The token `…` was rejected by the server").
    """
    kind = type(error).__name__
    if isinstance(error, InvalidToken | Forbidden):
        return RejectedTokenError(f"getMe answered {kind}")
    if isinstance(error, NetworkError):
        return BotAPIUnreachableError(f"getMe failed: {kind}")
    return BotStartupError(f"getMe failed: {kind}")
