"""The bot as deployed: the pipeline in worker processes, the bot's loop kept for Telegram."""

from __future__ import annotations

import io

from PIL import Image

from bot.models import CardSize
from devtools.botapi import BotAPIServer
from devtools.pages import PageServer
from handlers.keyboards import ButtonAction, ButtonKind
from tests.e2e.conftest import StartBot
from tests.e2e.harness import buttons, visible


def test_card_other_size_and_error_through_worker_processes(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, article_url: str
) -> None:
    start_bot(workers=1)
    user = api.user(5001, "ليلى")
    mark = api.mark()
    api.send_message(user, article_url)
    photo = api.wait_for("sendPhoto", since=mark, chat_id=5001)[0]

    share_id = next(
        a.share_id for b in buttons(photo) if (a := ButtonAction.decode(b.get("callback_data")))
    )
    square = ButtonAction(ButtonKind.CARD, share_id, CardSize.SQUARE.value)
    mark = api.mark()
    api.press_button(user, photo.result, square.encode())
    sent = api.wait_for("sendPhoto", since=mark, chat_id=5001)[0]
    with Image.open(io.BytesIO(next(iter(sent.files.values())).data)) as card:
        assert card.size == CardSize.SQUARE.dimensions

    mark = api.mark()
    api.send_message(user, page_server.url("/removed.html"))
    answer = api.wait_for("sendMessage", since=mark, chat_id=5001, count=2)[-1]
    assert "الصفحة غير موجودة (404)" in visible(answer)
