"""The local Bot API server enforces Telegram's flood limits and fails on demand."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from devtools.botapi import DEFAULT_TOKEN, TELEGRAM_LIMITS, BotAPIServer, FloodPolicy
from tests.e2e.harness import png

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class Clock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limited(clock: Clock) -> Iterator[BotAPIServer]:
    """A server with Telegram's limits (the default) on a clock the test steps."""
    api = BotAPIServer(clock=clock).start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture
async def client(limited: BotAPIServer) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=f"{limited.root}/bot") as bot:
        yield bot


def waited(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def test_every_test_gets_telegrams_limits_unless_it_opts_out(bot_api: BotAPIServer) -> None:
    assert bot_api.flood_limits == FloodPolicy(
        per_second=30, chat_per_second=1.0, chat_burst=3, group_per_minute=20
    )
    unstarted = BotAPIServer()  # and so does every server, unless told otherwise
    unstarted.server_close()
    assert unstarted.flood_limits == TELEGRAM_LIMITS


@pytest.mark.no_flood_limits
def test_the_marker_switches_the_limits_off(bot_api: BotAPIServer) -> None:
    assert bot_api.flood_limits is None


async def test_a_chat_gets_a_short_burst_then_one_message_a_second(
    client: Bot, limited: BotAPIServer, clock: Clock
) -> None:
    limited.private_chat(limited.user(901))
    for number in range(3):
        await client.send_message(901, f"رسالة {number}")
    with pytest.raises(RetryAfter) as caught:
        await client.send_message(901, "رابعة")
    assert waited(caught.value) == 1
    # What is not a message costs nothing: chat actions, edits, deletions.
    sent = limited.posts(901)[-1].result
    await client.send_chat_action(901, "typing")
    await client.edit_message_text("معدلة", chat_id=901, message_id=sent["message_id"])
    await client.delete_message(901, sent["message_id"])

    clock.advance(1.0)
    await client.send_message(901, "بعد ثانية")
    with pytest.raises(RetryAfter):
        await client.send_message(901, "مرة أخرى")
    assert len(limited.posts(901)) == 4
    assert [c.status for c in limited.refusals()] == [429, 429]


async def test_thirty_messages_a_second_across_all_chats(
    client: Bot, limited: BotAPIServer, clock: Clock
) -> None:
    for user_id in range(1000, 1031):
        limited.private_chat(limited.user(user_id))
    for user_id in range(1000, 1030):
        await client.send_message(user_id, "تنبيه")
    with pytest.raises(RetryAfter) as caught:
        await client.send_photo(1030, InputFile(png(), filename="c.png"))
    assert waited(caught.value) == 1
    assert limited.find("sendPhoto", ok=None)[0].files  # refused, yet the upload is kept
    clock.advance(0.02)
    with pytest.raises(RetryAfter):
        await client.send_message(1030, "ليس بعد")
    clock.advance(0.02)  # a thirtieth of a second: room for one more, not two
    await client.send_message(1030, "الآن")
    with pytest.raises(RetryAfter):
        await client.send_message(1030, "مرة أخرى")


async def test_twenty_messages_a_minute_in_a_channel_or_group(
    client: Bot, limited: BotAPIServer, clock: Clock
) -> None:
    limited.channel(-1001500000001, "أخبار الساحل", username="akhbar_sahel")
    limited.group(-1001500000002, "غرفة التحرير")
    for _ in range(20):
        await client.send_message("@akhbar_sahel", "خبر")
        await client.send_message(-1001500000002, "ملاحظة")
        clock.advance(1.0)  # within the per-chat rate
    for chat in ("@akhbar_sahel", -1001500000002):
        with pytest.raises(RetryAfter) as caught:
            await client.send_message(chat, "واحد وعشرون")
        assert waited(caught.value) == 40  # the first of the twenty leaves the minute at 60 s
    clock.advance(40.0)
    await client.send_message("@akhbar_sahel", "واحد وعشرون")
    assert len(limited.posts(-1001500000001)) == 21
    assert len(limited.posts("@akhbar_sahel")) == 21


async def test_a_refused_message_costs_nothing(client: Bot, limited: BotAPIServer) -> None:
    limited.private_chat(limited.user(902))
    for _ in range(3):
        with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
            await client.send_photo(902, InputFile(png(), filename="c.png"), caption="ب" * 1025)
    for number in range(3):
        await client.send_message(902, f"رسالة {number}")


async def test_limits_can_be_switched_off_or_changed(
    client: Bot, limited: BotAPIServer, clock: Clock
) -> None:
    limited.private_chat(limited.user(903))
    limited.disable_flood_limits()
    for number in range(40):
        await client.send_message(903, str(number))
    limited.set_flood_limits(FloodPolicy(chat_burst=1))
    await client.send_message(903, "واحدة")
    with pytest.raises(RetryAfter):
        await client.send_message(903, "ثانية")


async def test_injected_429_and_server_errors_send_nothing(
    client: Bot, limited: BotAPIServer
) -> None:
    limited.private_chat(limited.user(904))
    limited.fail_next("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await client.send_message(904, "أول")
    assert waited(caught.value) == 7
    limited.server_error_next("sendMessage")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await client.send_message(904, "ثان")
    limited.server_error_next("sendMessage", status=502)  # the front server's HTML page
    with pytest.raises(NetworkError, match=r"Bad Gateway.*Parsing the server response"):
        await client.send_message(904, "ثالث")
    assert limited.posts(904) == [] and limited.messages_in(904) == []
    await client.send_message(904, "رابع")
    assert [c.status for c in limited.find("sendMessage", ok=None)] == [429, 500, 502, 200]


async def test_a_dropped_connection_before_or_after_the_message_is_sent(
    client: Bot, limited: BotAPIServer
) -> None:
    limited.private_chat(limited.user(905))
    limited.drop_next("sendMessage", chat_id=905)
    with pytest.raises(NetworkError):
        await client.send_message(905, "لم تصل")
    assert limited.posts(905) == []

    limited.drop_next("sendMessage", after_processing=True)
    with pytest.raises(NetworkError):
        await client.send_message(905, "وصلت دون جواب")
    # The bot cannot know, but the message is in the chat.
    assert [m["text"] for m in limited.messages_in(905)] == ["وصلت دون جواب"]
    assert [(c.fault, c.status) for c in limited.find("sendMessage", ok=None)] == [
        ("drop", 0),
        ("drop-after", 200),
    ]


async def test_a_slow_answer_times_the_client_out_after_the_message_is_sent(
    limited: BotAPIServer,
) -> None:
    limited.private_chat(limited.user(906))
    limited.slow_next("sendMessage", seconds=2.0)
    request = HTTPXRequest(read_timeout=0.3)
    async with Bot(DEFAULT_TOKEN, base_url=f"{limited.root}/bot", request=request) as impatient:
        with pytest.raises(TimedOut):
            await impatient.send_message(906, "بطيئة")
    assert [m["text"] for m in limited.messages_in(906)] == ["بطيئة"]


async def test_a_blocked_user_or_a_removed_bot_answers_403(
    client: Bot, limited: BotAPIServer
) -> None:
    user = limited.user(907, "هشام")
    chat = limited.private_chat(user)
    limited.block_bot(chat)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await client.send_message(907, "هل أنت هنا؟")
    (update,) = await client.get_updates(timeout=0)
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    limited.unblock_bot(chat)
    await client.send_message(907, "عدت")

    group = limited.group(-1001500000003, "قراء الجريدة")
    limited.block_bot(group)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await client.send_photo(group["id"], InputFile(png(), filename="c.png"))
    limited.channel(-1001500000004, "قناة لا يديرها البوت", bot_is_admin=False)
    with pytest.raises(Forbidden, match="bot is not a member of the channel chat"):
        await client.send_message(-1001500000004, "خبر")


async def test_a_server_may_lack_set_my_commands(client: Bot, limited: BotAPIServer) -> None:
    limited.disable_method("setMyCommands")
    with pytest.raises(InvalidToken):  # PTB's name for a 404, as a bot would meet it
        await client.set_my_commands([("start", "ابدأ")])
    assert limited.find("setMyCommands", ok=None)[0].status == 404
    limited.enable_method("setMyCommands")
    assert await client.set_my_commands([("start", "ابدأ")]) is True
