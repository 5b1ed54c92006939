"""Failures end in a short Arabic explanation; flood control is waited out."""

from __future__ import annotations

import threading
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
    assert "جاري التحضير" in visible(ack)
    assert "الصفحة غير موجودة (404)" in visible(answer)
    assert not api.find("sendPhoto", chat_id=2001)


def test_a_private_address_is_refused(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, article_url: str
) -> None:
    # 127.0.0.1 is itself a private address: with the guard on, the page server is off limits.
    start_bot(fetch_allow_private_hosts=False)
    _, answer = answer_to(api, 2002, article_url)
    assert BlockedAddressError.message_ar in visible(answer)
    assert page_server.requests == []


def test_a_page_without_an_article_is_explained(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer
) -> None:
    start_bot()
    login = page_server.add("/login.html", body=NOT_AN_ARTICLE.encode())
    _, answer = answer_to(api, 2003, login)
    assert NotAnArticleError.message_ar in visible(answer)

    image = page_server.add(
        "/photo.jpg", body=b"\xff\xd8\xff" + b"0" * 64, content_type="image/jpeg"
    )
    _, answer = answer_to(api, 2004, image)
    assert UnsupportedContentError.message_ar in visible(answer)


def test_the_rate_limit_answers_politely(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot(rate_limit_per_minute=2)
    user = api.user(2005)
    mark = api.mark()
    for _ in range(3):
        api.send_message(user, article_url)
    api.wait_for("sendPhoto", since=mark, chat_id=2005, count=2)
    limited = api.wait_for(
        "sendMessage", since=mark, chat_id=2005, where=lambda c: "عذراً" in visible(c)
    )[0]
    assert "مقالين" in visible(limited) and "ثانية" in visible(limited)
    assert len(api.find("sendPhoto", since=mark, chat_id=2005)) == 2


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
