"""Inline mode: @bot <url> offers one ready text per platform."""

from __future__ import annotations

import time

from bot.models import Platform
from bot.platforms import PLATFORMS
from bot.platforms.counting import utf16_units
from devtools.botapi import BotAPIServer, parse_html
from devtools.pages import PageServer
from handlers.error_handler import ERROR_RESULT_ID
from tests.e2e.conftest import StartBot, article_variant
from tests.e2e.harness import has_arabic


def ask_inline(api: BotAPIServer, user_id: int, query: str) -> dict:  # type: ignore[type-arg]
    query_id = api.inline_query(api.user(user_id), query)
    api.wait_for("answerInlineQuery", where=lambda c: c.params["inline_query_id"] == query_id)
    return api.inline_answers[query_id]


def shown_text(result: dict) -> str:  # type: ignore[type-arg]
    if result["type"] == "photo":
        return parse_html(result["caption"])[0]
    return parse_html(result["input_message_content"]["message_text"])[0]


def test_a_shared_article_offers_one_result_per_platform_with_the_card(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot()
    mark = api.mark()
    api.send_message(api.user(3001), article_url)  # Telegram now holds the card
    api.wait_for("sendPhoto", since=mark, chat_id=3001)
    api.wait_for("deleteMessage", since=mark, chat_id=3001)  # the share reply is complete

    answer = ask_inline(api, 3002, f"شارك {article_url}")

    results = answer["results"]
    assert [r["id"].split(":")[1] for r in results] == [p.value for p in Platform]
    for result in results:
        platform = Platform(result["id"].split(":")[1])
        assert has_arabic(result["title"]) and PLATFORMS[platform].name_ar in result["title"]
        assert has_arabic(shown_text(result))
        # The card goes with the text when the platform has one and the text fits a caption.
        fits_caption = utf16_units(shown_text(result)) <= 1024
        wants_card = PLATFORMS[platform].card_size is not None and fits_caption
        assert (result["type"] == "photo") == wants_card, platform
        if wants_card:
            assert result["photo_file_id"] in api.files
    assert sum(r["type"] == "photo" for r in results) >= 5
    assert int(answer["cache_time"]) > 0


def test_a_slow_article_gets_a_placeholder_then_real_results(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, sample_html: str
) -> None:
    start_bot()
    slow = page_server.add("/slow.html", body=article_variant(sample_html, 7), delay=3.0)

    first = ask_inline(api, 3003, slow)
    assert [r["id"] for r in first["results"]] == ["pending"]
    assert "جارٍ التحضير" in first["results"][0]["title"]
    assert int(first["cache_time"]) == 0

    deadline = time.monotonic() + 30
    while True:  # the user keeps typing; the work went on meanwhile
        answer = ask_inline(api, 3003, slow)
        if answer["results"][0]["id"] != "pending" or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert len(answer["results"]) == len(Platform)
    assert all(r["type"] == "article" for r in answer["results"])  # no card in Telegram yet
    assert page_server.requests.count("/slow.html") == 1  # processed once


def test_a_query_without_a_link_points_to_help(start_bot: StartBot, api: BotAPIServer) -> None:
    start_bot()
    answer = ask_inline(api, 3004, "مرحبا")
    assert answer["results"] == []
    assert answer["button"]["start_parameter"] == "help" and has_arabic(answer["button"]["text"])


def test_an_inline_error_is_explained_in_a_result(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer
) -> None:
    start_bot()
    answer = ask_inline(api, 3005, page_server.url("/gone.html"))
    (result,) = answer["results"]
    assert "404" in shown_text(result) and has_arabic(result["title"])


def test_results_read_as_they_will_be_posted_in_telegram(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot()
    results = {r["id"].split(":")[1]: r for r in ask_inline(api, 3006, article_url)["results"]}

    assert results["linkedin"]["title"] == "نص جاهز للينكدإن"
    assert results["x"]["title"] == "نص جاهز لإكس"
    # WhatsApp's *bold* headline is bold in Telegram, not wrapped in stars.
    whatsapp = results["whatsapp"]
    html = whatsapp["input_message_content"]["message_text"]
    text, entities = parse_html(html)
    assert "*" not in text and "*" not in whatsapp["description"]
    assert any(e["type"] == "bold" and e["offset"] == 0 for e in entities)


def test_asking_again_while_an_article_is_prepared_is_not_counted(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, sample_html: str
) -> None:
    start_bot(rate_limit_per_minute=1)
    slow = page_server.add("/slow-counted.html", body=article_variant(sample_html, 8), delay=3.0)
    assert [r["id"] for r in ask_inline(api, 3007, slow)["results"]] == ["pending"]
    again = ask_inline(api, 3007, slow)  # the next keystroke, still within the minute
    assert again["results"][0]["id"] != ERROR_RESULT_ID  # not refused by the rate limit
    assert again["results"][0]["id"] == "pending" or len(again["results"]) == len(Platform)
