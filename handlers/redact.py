"""Keep the bot token out of logs.

httpx logs every request URL at INFO, and Bot API URLs contain the token
(``…/bot<TOKEN>/sendMessage``); exception texts can carry it too. We raise httpx's logger to
WARNING and put a filter on every root handler that replaces the token (and any other secret
given) wherever it appears in a record: message, arguments and traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

MASK = "<redacted>"
QUIET_LOGGERS = ("httpx", "httpcore")


class RedactingFilter(logging.Filter):
    """Rewrites records so that none of ``secrets`` survives formatting."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


@contextmanager
def redacted_logs(*secrets: str) -> Iterator[RedactingFilter]:
    """While active: httpx quiet, and every root handler redacts ``secrets``.

    Logging is configured by ``main.py`` before the bot starts; handlers added later are not
    covered, which is why the bot enters this right after the configuration is in place.
    """
    redactor = RedactingFilter(secrets)
    handlers = list(logging.getLogger().handlers)
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    for handler in handlers:
        handler.addFilter(redactor)
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)
    try:
        yield redactor
    finally:
        for handler in handlers:
            handler.removeFilter(redactor)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
