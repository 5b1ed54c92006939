"""A real bot process killed with SIGKILL at each step of publishing, then started again:
no draft lost, never two posts for one (draft, target), a post of unknown outcome reconciled
(X) or put to the editors (the channel)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devtools.botapi import BotAPIServer
from devtools.botprocess import BotProcess
from devtools.desk_player import CHANNEL, CHANNEL_ID, DESK_ID, Desk, newsroom_env, wait_until
from devtools.xapi import XAPIServer

pytestmark = pytest.mark.slow

SETTLE = 90.0


@pytest.fixture
def xapi() -> Iterator[XAPIServer]:
    server = XAPIServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def desk(bot_api: BotAPIServer) -> Desk:
    return Desk.open(bot_api)


@pytest.fixture
def bot(bot_api: BotAPIServer, xapi: XAPIServer, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(bot_api, newsroom_env(xapi), tmp_path)
    try:
        yield process.start()
    finally:
        process.kill()


def _crash_then_restart(
    bot: BotProcess,
    desk: Desk,
    article_url: str,
    arm: Callable[[], None],
    reached: Callable[[], bool],
) -> None:
    """Approve a draft with the fault ``arm`` set, kill the bot once ``reached``, restart."""
    draft = desk.submit(article_url)
    arm()
    desk.press(draft.result, "✅ نشر الآن")
    assert wait_until(reached, timeout=SETTLE), bot.log()[-3000:]
    bot.kill()
    bot.start()


def _published(desk: Desk, xapi: XAPIServer) -> None:
    """Wait for the publication to settle (answering the editors' questions), then check
    that each target has exactly one post."""

    def settled() -> bool:
        desk.settle_unknowns(lambda _: len(desk.api.posts(CHANNEL)) > 0)
        return bool(desk.reports())

    assert wait_until(settled, timeout=SETTLE)
    assert len(desk.api.posts(CHANNEL)) == 1
    assert len(xapi.posts) == 1


def test_killed_while_the_channel_post_is_in_flight(
    bot: BotProcess, bot_api: BotAPIServer, xapi: XAPIServer, desk: Desk, article_url: str
) -> None:
    def arm() -> None:
        # Telegram takes the post, and its answer never reaches the bot.
        bot_api.slow_next("sendPhoto", seconds=120, chat_id=CHANNEL_ID)

    _crash_then_restart(bot, desk, article_url, arm, lambda: len(bot_api.posts(CHANNEL)) == 1)
    # The Bot API cannot say whether the post went out: the editors are asked, nothing resent.
    assert wait_until(lambda: bool(desk.unknown_alerts()), timeout=SETTLE), bot.log()[-3000:]
    (alert,) = desk.unknown_alerts()
    assert "#1" in alert.params["text"]
    labels = [b["text"] for row in alert.params["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["✅ تم النشر", "📤 أعد النشر"]
    assert len(bot_api.posts(CHANNEL)) == 1
    _published(desk, xapi)


def test_killed_while_the_x_post_is_in_flight(
    bot: BotProcess, bot_api: BotAPIServer, xapi: XAPIServer, desk: Desk, article_url: str
) -> None:
    held = {}

    def arm() -> None:
        held["fault"] = xapi.hold_next("/2/tweets", created=True)

    try:
        _crash_then_restart(bot, desk, article_url, arm, lambda: held["fault"].arrived.is_set())
        _published(desk, xapi)
        # Found among the account's posts and adopted: the only attempt is the one still
        # held by the server (recorded once it answers); there was never a second.
        assert [c for c in xapi.calls if c.method == "POST" and c.path == "/2/tweets"] == []
        assert desk.unknown_alerts() == []
    finally:
        held["fault"].hold.set()


def test_killed_while_the_card_is_uploaded_to_x(
    bot: BotProcess, bot_api: BotAPIServer, xapi: XAPIServer, desk: Desk, article_url: str
) -> None:
    held = {}

    def arm() -> None:
        held["fault"] = xapi.hold_next("/2/media/upload")

    try:
        _crash_then_restart(bot, desk, article_url, arm, lambda: held["fault"].arrived.is_set())
        _published(desk, xapi)
        assert len(xapi.posts) == 1 and xapi.posts[0].media_ids
    finally:
        held["fault"].hold.set()


def test_killed_just_after_the_approval_is_written(
    bot: BotProcess, bot_api: BotAPIServer, xapi: XAPIServer, desk: Desk, article_url: str
) -> None:
    def arm() -> None:
        # The press is answered once the approval is stored; the bot dies right then,
        # wherever its posts are.
        bot_api.slow_next("answerCallbackQuery", seconds=120, chat_id=None)

    _crash_then_restart(
        bot, desk, article_url, arm, lambda: bool(bot_api.find("answerCallbackQuery"))
    )
    _published(desk, xapi)


def test_killed_while_the_editors_are_told(
    bot: BotProcess, bot_api: BotAPIServer, xapi: XAPIServer, desk: Desk, article_url: str
) -> None:
    def arm() -> None:
        bot_api.slow_next("sendMessage", seconds=120, chat_id=DESK_ID)

    _crash_then_restart(
        bot,
        desk,
        article_url,
        arm,
        lambda: (
            len(bot_api.posts(CHANNEL)) == 1
            and len(xapi.posts) == 1
            and bool(bot_api.find("sendMessage", chat_id=DESK_ID))
        ),
    )
    # Everything was out before the crash: nothing is sent again after the restart.
    wait_until(lambda: False, timeout=5)
    assert len(bot_api.posts(CHANNEL)) == 1 and len(xapi.posts) == 1
