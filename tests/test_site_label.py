"""Whose article it is, on posts, cards and /start: never a brand of ours by default."""

from __future__ import annotations

from bot.models import Article
from bot.settings import load_settings
from handlers.texts import Texts


def test_the_page_the_setting_then_the_host() -> None:
    url = "https://www.akhbar-sahel.ma/economie/agadir.html"
    named = Article(title="عنوان", text="نص", url=url, site_name="أخبار الساحل")
    assert named.site_label("جريدة الشمال") == "أخبار الساحل"
    unnamed = Article(title="عنوان", text="نص", url=url)
    assert unnamed.site_label("جريدة الشمال") == "جريدة الشمال"
    assert unnamed.site_label("") == "akhbar-sahel.ma"
    assert Article(title="عنوان", text="نص").site_label("") == ""


def test_no_default_site_name_and_start_says_none() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.site_name == ""
    start = Texts().html("start", site_name=settings.site_name, bot_username="nashir_bot")
    assert "ناشر" not in start and start.startswith("<b>أهلاً بك 👋</b>")
    named = Texts().html("start", site_name="أخبار الساحل", bot_username="nashir_bot")
    assert "أهلاً بك في بوت أخبار الساحل" in named
