"""Failures end in a short Arabic explanation; flood control is waited out."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from bot.errors import BlockedAddressError, NotAnArticleError, UnsupportedContentError
from devtools.botapi import BotAPIServer, Call
from devtools.pages import PageServer
from tests.e2e.conftest import StartBot, article_variant
from tests.e2e.harness import visible

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

NOT_AN_ARTICLE = """<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8">
<title>تسجيل الدخول</title></head><body><nav><a href="/">الرئيسية</a></nav>
<form><label>البريد</label><input name="m"><button>دخول</button></form></body></html>"""


def answer_to(api: BotAPIServer, user_id: int, text: str) -> list[Call]:
    """Send ``text``; return the bot's messages up to and including its final answer."""
    mark = api.mark()
    api.send_message(api.user(user_id), text)
    # The ack, then the explanation (the ack is deleted once the explanation is due).
    return api.wait_for("sendMessage", since=mark, chat_id=user_id, count=2)


def test_a_missing_page_is_explained(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer
) -> None:
    start_bot()
    ack, answer = answer_to(api, 2001, page_server.url("/no-such-article.html"))
    assert "جارٍ التحضير" in visible(ack)
    assert "الصفحة غير موجودة (404)" in visible(answer)
    assert "👈 تأكد من الرابط وأرسله كاملاً، أو أرسل نص المقال بدلاً منه." in visible(answer)
    assert not api.find("sendPhoto", chat_id=2001)


def test_a_private_address_is_refused(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, article_url: str
) -> None:
    # 127.0.0.1 is itself a private address: with the guard on, the page server is off limits.
    start_bot(fetch_allow_private_hosts=False)
    _, answer = answer_to(api, 2002, article_url)
    assert BlockedAddressError.message_ar in visible(answer)
    assert "أرسل نص المقال نفسه" in visible(answer)  # what to do instead
    assert page_server.requests == []


def test_a_page_without_an_article_is_explained(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer
) -> None:
    start_bot()
    login = page_server.add("/login.html", body=NOT_AN_ARTICLE.encode())
    _, answer = answer_to(api, 2003, login)
    assert NotAnArticleError.message_ar in visible(answer)
    assert "أرسل رابط صفحة المقال نفسه" in visible(answer)

    image = page_server.add(
        "/photo.jpg", body=b"\xff\xd8\xff" + b"0" * 64, content_type="image/jpeg"
    )
    _, answer = answer_to(api, 2004, image)
    assert UnsupportedContentError.message_ar in visible(answer)
    assert "أرسل نص المقال بدلاً من الرابط" in visible(answer)


def test_the_rate_limit_answers_politely(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, sample_html: str
) -> None:
    start_bot(rate_limit_per_minute=2)
    user = api.user(2005)
    mark = api.mark()
    for number in range(3):
        url = page_server.add(f"/limit-{number}.html", body=article_variant(sample_html, number))
        api.send_message(user, url)
    api.wait_for("sendPhoto", since=mark, chat_id=2005, count=2)
    limited = api.wait_for(
        "sendMessage", since=mark, chat_id=2005, where=lambda c: "عذراً" in visible(c)
    )[0]
    assert "مقالين" in visible(limited) and "ثانية" in visible(limited)
    assert len(api.find("sendPhoto", since=mark, chat_id=2005)) == 2


def test_an_article_already_prepared_does_not_count_against_the_limit(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, sample_html: str
) -> None:
    start_bot(rate_limit_per_minute=1)
    user = api.user(2007)
    url = page_server.add("/counted.html", body=article_variant(sample_html, 20), delay=1.0)
    mark = api.mark()
    with api.at_once():  # sent twice in a hurry: the second joins the work of the first
        api.send_message(user, url)
        api.send_message(user, url)
    api.wait_for("sendPhoto", since=mark, chat_id=2007, count=2)
    for _ in range(2):  # and asked for again once it is ready
        mark = api.mark()
        api.send_message(user, url)
        api.wait_for("sendPhoto", since=mark, chat_id=2007)
    # A reader who used their one request gets an article someone else had prepared.
    reader = api.user(2010)
    mark = api.mark()
    api.send_message(reader, page_server.add("/own.html", body=article_variant(sample_html, 26)))
    api.wait_for("sendPhoto", since=mark, chat_id=2010)
    api.send_message(reader, url)
    api.wait_for("sendPhoto", since=mark, chat_id=2010, count=2)

    # … and one someone else is having prepared right now.
    slow = page_server.add("/slow.html", body=article_variant(sample_html, 27), delay=2.0)
    mark = api.mark()
    api.send_message(api.user(2011), slow)
    api.wait_for("sendChatAction", since=mark, chat_id=2011)  # the work is under way
    api.send_message(reader, slow)
    api.wait_for("sendPhoto", since=mark, chat_id=2010)

    notices = api.find("sendMessage", where=lambda c: "عذراً" in visible(c))
    assert not notices
    assert page_server.requests.count("/counted.html") == 1
    assert page_server.requests.count("/slow.html") == 1


def test_articles_found_in_the_database_do_not_count_either(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, sample_html: str
) -> None:
    user = api.user(2009)
    stored = [
        page_server.add(f"/stored-{n}.html", body=article_variant(sample_html, 22 + n))
        for n in range(2)
    ]
    new, refused = (
        page_server.add(f"/new-{n}.html", body=article_variant(sample_html, 24 + n))
        for n in range(2)
    )
    first = start_bot(rate_limit_per_minute=2)
    for url in stored:
        mark = api.mark()
        api.send_message(user, url)
        api.wait_for("sendPhoto", since=mark, chat_id=2009)
    first.stop()

    # Restarted, the bot has both articles in its database, none in memory.
    start_bot(rate_limit_per_minute=1)
    for url in (stored[0], new, stored[1]):  # found, new (the one counted), found again
        mark = api.mark()
        api.send_message(user, url)
        api.wait_for("sendPhoto", since=mark, chat_id=2009)
    mark = api.mark()
    api.send_message(user, refused)  # a second new article within the minute
    notice = api.wait_for(
        "sendMessage", since=mark, chat_id=2009, where=lambda c: "عذراً" in visible(c)
    )
    assert notice and not api.find("sendPhoto", since=mark, chat_id=2009)
    assert [page_server.requests.count(u.removeprefix(page_server.root)) for u in stored] == [1, 1]
    assert "/new-1.html" not in page_server.requests


def wait_for_log(caplog: pytest.LogCaptureFixture, text: str, count: int) -> None:
    """Block until the bot (in its own thread) has logged ``text`` ``count`` times."""
    deadline = time.monotonic() + 20
    while sum(text in record.getMessage() for record in caplog.records) < count:
        assert time.monotonic() < deadline, f"{text!r} logged fewer than {count} times"
        time.sleep(0.05)


def test_the_rate_limit_notice_is_sent_once_per_wait(
    start_bot: StartBot,
    api: BotAPIServer,
    page_server: PageServer,
    sample_html: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.error_handler")
    start_bot(rate_limit_per_minute=1)
    user = api.user(2008)
    urls = [
        page_server.add(f"/many-{n}.html", body=article_variant(sample_html, 30 + n))
        for n in range(5)
    ]
    mark = api.mark()
    api.send_message(user, urls[0])
    api.wait_for("sendPhoto", since=mark, chat_id=2008)
    for url in urls[1:]:  # four more articles within the minute
        api.send_message(user, url)

    def notice(call: Call) -> bool:
        return "عذراً" in visible(call)

    api.wait_for("sendMessage", since=mark, chat_id=2008, where=notice)
    wait_for_log(caplog, "update failed: RateLimitedError", 4)  # all four were refused
    api.send_message(user, "/help")  # one more round trip for any late answer
    api.wait_for("sendMessage", since=mark, chat_id=2008, where=lambda c: "طريقة" in visible(c))
    assert len(api.find("sendMessage", since=mark, chat_id=2008, where=notice)) == 1
    assert [p for p in page_server.requests if p.startswith("/many-")] == ["/many-0.html"]


class HeldBody:
    """A page body sent only once the test releases it, so its fetch stays open."""

    def __init__(self, body: bytes, released: threading.Event) -> None:
        self.body = body
        self.released = released

    def __iter__(self) -> Iterator[bytes]:
        self.released.wait(30)
        yield self.body


@pytest.mark.parametrize("mode", ["polling"])  # one getUpdates answer carries the crowd
def test_a_crowd_is_queued_within_the_bound_and_the_rest_told_to_come_back(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, sample_html: str
) -> None:
    start_bot(max_concurrent_jobs=2, max_queued_jobs=2)
    released = threading.Event()
    users = range(2101, 2108)  # seven readers, seven different articles, at once
    try:
        mark = api.mark()
        with api.at_once():
            for n, user_id in enumerate(users):
                body = HeldBody(article_variant(sample_html, 40 + n), released)
                url = page_server.add(f"/crowd-{n}.html", body=body, content_length=False)
                api.send_message(api.user(user_id), url)

        def busy(call: Call) -> bool:
            return "الطلبات كثيرة، حاول بعد قليل" in visible(call)

        refused = api.wait_for("sendMessage", since=mark, where=busy, count=3)
        # Two pages are being fetched, two wait their turn: nothing more was started.
        assert len([p for p in page_server.requests if p.startswith("/crowd-")]) == 2
    finally:
        released.set()
    served = [u for u in users if u not in {c.chat_id for c in refused}]
    for user_id in served:
        api.wait_for("sendPhoto", since=mark, chat_id=user_id, timeout=60)
    assert len(api.find("sendMessage", since=mark, where=busy)) == 3
    assert len([p for p in page_server.requests if p.startswith("/crowd-")]) == 4


def test_a_429_is_waited_out_and_the_card_still_arrives(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot()
    api.fail_next("sendPhoto", retry_after=1)
    mark = api.mark()
    api.send_message(api.user(2006), article_url)
    delivered = api.wait_for("sendPhoto", since=mark, chat_id=2006)[0]
    refused = api.find("sendPhoto", since=mark, chat_id=2006, ok=False)
    assert [c.status for c in refused] == [429]
    assert delivered.at - refused[0].at >= 1.0  # not retried before retry_after
    assert not api.find("sendMessage", since=mark, chat_id=2006, where=lambda c: "⚠️" in visible(c))
