"""The token never reaches a log handler."""

from __future__ import annotations

import logging

import pytest

from handlers.redact import MASK, RedactingFilter, redacted_logs

TOKEN = "123456789:AAE-secret-token-value-xxxxxxxxxxxxx"


def test_filter_redacts_message_arguments_and_traceback() -> None:
    redactor = RedactingFilter([TOKEN, ""])
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST %s done", (f"https://h/bot{TOKEN}/getMe",), None
    )
    assert redactor.filter(record) is True
    assert TOKEN not in record.getMessage() and MASK in record.getMessage()

    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected")
    except RuntimeError as error:
        failing = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "boom", None, (RuntimeError, error, None)
        )
    redactor.filter(failing)
    assert TOKEN not in logging.Formatter().format(failing)


def test_context_quiets_httpx_and_filters_root_handlers(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.NOTSET)
    with redacted_logs(TOKEN):
        logging.getLogger("httpx").info("HTTP Request: POST https://api/bot%s/getMe", TOKEN)
        logging.getLogger("telegram.ext.Updater").error("failed with %s", TOKEN)
    logging.getLogger("some.module").warning("after: %s", TOKEN)

    messages = [record.getMessage() for record in caplog.records]
    assert not any("HTTP Request" in m for m in messages)  # httpx raised to WARNING
    assert f"failed with {MASK}" in messages
    assert f"after: {TOKEN}" in messages  # the filter is removed on exit
    assert logging.getLogger("httpx").level == logging.NOTSET
