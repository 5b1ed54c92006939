"""SUMMARIZER=llm through the whole share pipeline: checked answers used, others fall back."""

from __future__ import annotations

from pathlib import Path

from bot.models import Article, Platform
from bot.pipeline import build_share_service
from bot.platforms import PLATFORMS
from bot.settings import Settings
from tests.summarize.fake_llm import FakeLLM, Reply

ARTICLE = Article(
    title="افتتاح محطة لتحلية مياه البحر في أكادير",
    text=(
        "دخلت محطة لتحلية مياه البحر الخدمة في أكادير بطاقة 150 ألف متر مكعب يومياً. "
        "وتعتمد المحطة على الطاقة الشمسية. وبلغت كلفة المشروع 2.4 مليار درهم."
    ),
    url="https://akhbar-sahel.ma/economie/agadir.html",
)
GOOD = "تنتج محطة أكادير الجديدة 150 ألف متر مكعب من المياه يومياً بالطاقة الشمسية."
INVENTED = "تنتج المحطة 900 ألف متر مكعب يومياً."


async def test_llm_answers_are_used_and_refused_ones_keep_the_extractive_draft(
    llm_settings: Settings, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    # X gets a good answer; Telegram gets an invented number twice and falls back.
    fake_llm.answer(Reply(GOOD), Reply(INVENTED), Reply(INVENTED))
    service = build_share_service(llm_settings)
    try:
        result = await service.share_article(ARTICLE, platforms=[Platform.X, Platform.TELEGRAM])
    finally:
        await service.close()
    x, telegram = result.drafts
    assert x.summary == GOOD and x.note == "llm"
    assert GOOD in x.text and PLATFORMS[Platform.X].fits(x.text)
    assert "900" not in telegram.text
    assert telegram.note == "extractive: LLM invented_number"
    assert telegram.summary.startswith("دخلت محطة")
    assert len(fake_llm.requests) == 3


async def test_without_llm_settings_no_request_is_made(
    settings: Settings, fake_llm: FakeLLM
) -> None:
    service = build_share_service(settings.replace(llm_base_url=fake_llm.base_url))
    try:
        result = await service.share_article(ARTICLE, platforms=[Platform.X])
    finally:
        await service.close()
    assert result.drafts[0].note == ""
    assert fake_llm.requests == []
