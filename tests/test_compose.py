"""Composition: every draft inside its platform's rule, trimmed cleanly, tone per template."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.compose import ELLIPSIS, Composer, trim_words
from bot.models import Article, Platform
from bot.paths import TEMPLATES_DIR
from bot.platforms import PLATFORMS
from bot.platforms.links import plain_text
from bot.summarize import ExtractiveSummarizer

URL = "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html"

ARTICLE = Article(
    title="افتتاح محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير",
    text=(
        "دخلت محطة لتحلية مياه البحر الخدمة في أكادير بطاقة 150 ألف متر مكعب يومياً. "
        "وتعتمد المحطة على الطاقة الشمسية لتغطية جزء كبير من حاجتها إلى الكهرباء.\n\n"
        "وبلغت كلفة المشروع 2.4 مليار درهم. وتزود المحطة أكثر من مليون نسمة بمياه الشرب.\n\n"
        "ويرى خبراء أن التحلية أصبحت ضرورة للمدن الساحلية في أكادير وغيرها."
    ),
    url=URL,
    site_name="أخبار الساحل",
    published=dt.date(2026, 3, 14),
)


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer(ExtractiveSummarizer(), templates_dir=TEMPLATES_DIR)


def test_one_draft_per_platform_each_within_its_limit(composer: Composer) -> None:
    drafts = composer.compose_all(ARTICLE)
    assert [d.platform for d in drafts] == list(Platform)
    for draft in drafts:
        spec = PLATFORMS[draft.platform]
        assert spec.fits(draft.text), draft.platform
        assert draft.length == spec.measure(draft.text)
        assert draft.limit == spec.limit
        assert len(draft.hashtags) <= spec.max_hashtags


def test_links_are_tracked_per_platform(composer: Composer) -> None:
    for draft in composer.compose_all(ARTICLE):
        if draft.platform is Platform.INSTAGRAM:
            assert "http" not in draft.text  # not clickable there: the caption says where
            assert "رابط المقال" in draft.text
            continue
        assert (
            draft.link
            == f"{URL}?utm_source={draft.platform.value}&utm_medium=social&utm_campaign=nashir"
        )
        assert draft.link in plain_text(draft.text, is_html=PLATFORMS[draft.platform].html)


def test_tone_per_platform(composer: Composer) -> None:
    drafts = {d.platform: d for d in composer.compose_all(ARTICLE)}
    telegram = drafts[Platform.TELEGRAM].text
    assert telegram.startswith(f"<b>{ARTICLE.title}</b>")
    assert drafts[Platform.WHATSAPP].text.startswith(f"*{ARTICLE.title}*")
    assert not drafts[Platform.WHATSAPP].hashtags
    assert len(drafts[Platform.THREADS].hashtags) <= 1
    # Facebook and LinkedIn carry a fuller summary than X.
    assert len(drafts[Platform.FACEBOOK].summary) > len(drafts[Platform.X].summary)
    assert drafts[Platform.X].summary  # the key fact, not the bare headline


def test_telegram_draft_is_html_escaped(composer: Composer) -> None:
    article = Article(
        title="شركة <ألف> & شركاؤها تعلن نتائجها",
        text="أعلنت شركة <ألف> & شركاؤها نتائج العام. وارتفعت الأرباح بنسبة 12 في المئة.",
        url=URL,
    )
    spec = PLATFORMS[Platform.TELEGRAM]
    draft = composer.compose(article, spec, hashtags=[])
    assert "&lt;ألف&gt; &amp;" in draft.text
    assert "<ألف>" not in draft.text
    assert plain_text(draft.text, is_html=True).startswith("شركة <ألف> & شركاؤها")


def test_a_huge_title_is_trimmed_at_a_word_boundary_with_an_ellipsis(composer: Composer) -> None:
    title = " ".join(["كلمة"] * 200)
    article = Article(title=title, text="جملة أولى قصيرة في المتن. وجملة ثانية.", url=URL)
    draft = composer.compose(article, PLATFORMS[Platform.X], hashtags=["#وسم"])
    assert PLATFORMS[Platform.X].fits(draft.text)
    first_line = draft.text.splitlines()[0]
    assert first_line.endswith(ELLIPSIS)
    assert all(word == "كلمة" for word in first_line.removesuffix(ELLIPSIS).split())


def test_a_long_first_sentence_is_shortened_rather_than_dropped(composer: Composer) -> None:
    sentence = "بدأت " + " ".join(["الأشغال"] * 120) + "."
    article = Article(title="عنوان قصير", text=sentence, url=URL)
    draft = composer.compose(article, PLATFORMS[Platform.BLUESKY], hashtags=[])
    assert draft.summary.endswith(ELLIPSIS)
    assert PLATFORMS[Platform.BLUESKY].fits(draft.text)


def test_pasted_text_without_url_has_no_link_and_no_url_share_pages(composer: Composer) -> None:
    article = Article(title=ARTICLE.title, text=ARTICLE.text, url=None)
    drafts = {d.platform: d for d in composer.compose_all(article)}
    assert all(d.link is None and "http" not in d.text for d in drafts.values())
    assert drafts[Platform.FACEBOOK].share_url is None
    assert drafts[Platform.WHATSAPP].share_url is not None


def test_trim_words() -> None:
    assert trim_words("واحد اثنان ثلاثة", lambda s: len(s) <= 100) == "واحد اثنان ثلاثة"
    assert trim_words("واحد، اثنان ثلاثة", lambda s: len(s) <= 11) == "واحد" + ELLIPSIS
    # No whole word fits: the first word is cut between graphemes (harakat stay attached).
    assert trim_words("مُؤْتَمَرٌ كبير", lambda s: len(s) <= 5) == "مُؤْ" + ELLIPSIS
    assert trim_words("طويلة", lambda s: len(s) <= 0) == ""


_arabic = st.text(
    alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x064A), min_size=1, max_size=12
)
_latin = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC", min_size=1, max_size=12)
_emoji = st.sampled_from(["😀", "🇲🇦", "👨\u200d👩\u200d👧", "🏳️\u200d🌈", "❤️", "ﷲ", "\u200f"])
_url = st.sampled_from(
    ["https://akhbar-sahel.ma/a/" + "x" * 150, "http://example.com/q?a=1&b=2", "akhbar.example/x"]
)
_marks = st.sampled_from(["َ", "ُ", "ّ", "ـ"])
_token = st.one_of(
    _arabic, _arabic, _latin, _emoji, _url, _marks, st.sampled_from(["<b>", "&", "#وسم"])
)
_sentence = st.lists(_token, min_size=1, max_size=40).map(" ".join).map(lambda s: s + ".")
_body = st.lists(_sentence, min_size=1, max_size=12).map(" ".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.lists(_token, min_size=1, max_size=80).map(" ".join),
    body=_body,
    with_url=st.booleans(),
)
def test_property_every_draft_fits_for_any_input(
    composer: Composer, title: str, body: str, with_url: bool
) -> None:
    article = Article(title=title, text=body, url=URL + "?id=" + "9" * 40 if with_url else None)
    for draft in composer.compose_all(article):
        spec = PLATFORMS[draft.platform]
        assert spec.fits(draft.text), (draft.platform, draft.length)
        assert draft.length <= draft.limit
