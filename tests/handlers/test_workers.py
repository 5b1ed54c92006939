"""The pipeline in worker processes: results and engine errors cross intact."""

from __future__ import annotations

import pytest

from bot.errors import BlockedAddressError, HTTPStatusError, NashirError, NotAnArticleError
from bot.models import CardSize, Platform
from bot.settings import Settings
from devtools.pages import PageServer
from handlers.workers import ProcessSharer, _Failure


@pytest.mark.parametrize(
    "error",
    [
        HTTPStatusError(404),
        HTTPStatusError(503),
        BlockedAddressError("10.0.0.1"),
        NotAnArticleError(),
        NashirError("x", message_ar="رسالة خاصة"),
    ],
)
def test_engine_errors_survive_transport(error: NashirError) -> None:
    rebuilt = _Failure.of(error).rebuild()
    assert type(rebuilt) is type(error)
    assert rebuilt.message_ar == error.message_ar  # type: ignore[attr-defined]
    assert vars(rebuilt) == vars(error)


def test_unexpected_errors_become_a_generic_engine_error() -> None:
    rebuilt = _Failure.of(KeyError("drafts")).rebuild()
    assert type(rebuilt) is NashirError and "KeyError" in str(rebuilt)


async def test_worker_processes_share_and_explain(
    settings: Settings, page_server: PageServer, sample_html: str
) -> None:
    url = page_server.add("/w.html", body=sample_html.encode())
    sharer = ProcessSharer(settings, workers=1)
    await sharer.start()
    try:
        result = await sharer.share_url(url)
        assert result.draft(Platform.X).length <= 280
        assert [card.size for card in result.cards]
        square = await sharer.share_article(result.article, card_sizes=[CardSize.SQUARE])
        assert [card.size for card in square.cards] == [CardSize.SQUARE]
        with pytest.raises(HTTPStatusError) as caught:
            await sharer.share_url(page_server.url("/nothing-here.html"))
        assert caught.value.status == 404 and "404" in caught.value.message_ar
    finally:
        await sharer.close()
