"""Composition: every draft inside its platform's rule, trimmed cleanly, tone per template."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twitter_text import parse_tweet

from bot.compose import ELLIPSIS, Composer, trim_words
from bot.ingest.sources import article_from_text
from bot.models import Article, Platform
from bot.paths import TEMPLATES_DIR
from bot.platforms import PLATFORMS
from bot.platforms.links import plain_text
from bot.summarize import ExtractiveSummarizer
from bot.summarize.openers import Opener, opener
from bot.text.arabic import split_sentences
from tests.summarize.samples import MEMBRANE, PRICES, PRICES_TITLE, RAIL, RAIL_TITLE

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
            assert "📌 المقال كاملاً على موقع أخبار الساحل، والرابط في البايو." in draft.text
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


def test_a_lead_that_does_not_fit_is_cut_at_a_phrase_never_in_one(composer: Composer) -> None:
    spec = PLATFORMS[Platform.BLUESKY]
    lead = (
        "بدأت السلطات المحلية في مدينة الصويرة أشغال تهيئة الكورنيش الممتد على طول الشاطئ "
        "الجنوبي للمدينة القديمة وصولاً إلى الميناء التاريخي ومحيطه وساحة مولاي الحسن المطلة "
        "على جزيرة موكادور والأسوار البرتغالية العتيقة وحدائق القصبة وممرات الراجلين المحاذية "
        "لها."
    )
    article = Article(title="عنوان قصير", text=lead, url=URL)
    draft = composer.compose(article, spec, hashtags=[])
    # Before «في مدينة…» is the first place the sentence can stop.
    assert draft.summary == "بدأت السلطات المحلية."
    # No boundary at all: the post is its headline and its link, not a phrase cut short.
    article = Article(title="عنوان قصير", text="بدأت " + " ".join(["الأشغال"] * 120) + ".")
    draft = composer.compose(article, spec, hashtags=[])
    assert draft.summary == ""
    assert not draft.text.rstrip().endswith(ELLIPSIS)


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


# --- every limit and editorial budget, pinned with fixed numbers ------------------------------

# platform: (limit, editorial budget, how the platform counts the text as the reader sees it)
RULES = {
    Platform.X: (280, 280, lambda text: parse_tweet(text).weightedLength),
    Platform.TELEGRAM: (1024, 1024, lambda text: len(text.encode("utf-16-le")) // 2),
    Platform.FACEBOOK: (63_206, 900, len),
    Platform.LINKEDIN: (3000, 1300, len),
    Platform.THREADS: (500, 500, lambda text: len(text.encode("utf-8"))),
    Platform.BLUESKY: (300, 300, lambda text: len(regex.findall(r"\X", text))),
    Platform.MASTODON: (500, 500, len),  # no URL inside the summary here: 23 = its length
    Platform.INSTAGRAM: (2200, 1200, len),
    Platform.WHATSAPP: (65_536, 700, len),
}


def test_a_long_article_fills_every_platform_up_to_its_fixed_limit_and_budget(
    composer: Composer,
) -> None:
    url = "https://akhbar-sahel.ma/economie/2026/03/tgv-marrakech.html"
    article = Article(title=RAIL_TITLE, text=RAIL, url=url, site_name="أخبار الساحل")
    drafts = {d.platform: d for d in composer.compose_all(article)}
    assert set(drafts) == set(RULES)
    for platform, (limit, budget, count) in RULES.items():
        draft = drafts[platform]
        seen = plain_text(draft.text, is_html=PLATFORMS[platform].html)
        if platform is Platform.MASTODON:
            seen = seen.replace(draft.link or "", "x" * 23)
        length = count(seen)
        assert draft.limit == limit, platform
        assert length <= budget, (platform, length, budget)
        # The story is long enough that every budget binds: a looser rule would show.
        assert length >= 0.75 * budget, (platform, length, budget)


def test_short_posts_open_with_the_lead_and_never_lean_on_a_hidden_sentence(
    composer: Composer,
) -> None:
    url = "https://akhbar-sahel.ma/economie/2026/02/prix-legumes-casablanca.html"
    article = Article(title=PRICES_TITLE, text=PRICES, url=url, site_name="أخبار الساحل")
    lead = split_sentences(PRICES)[0]
    for platform in (Platform.X, Platform.THREADS, Platform.BLUESKY):
        draft = composer.compose(article, PLATFORMS[platform], hashtags=["#الدار_البيضاء"])
        first = split_sentences(draft.summary)[0]
        assert lead.startswith(first.removesuffix(".")), platform  # the lead, whole or cut
        assert first.endswith("."), platform  # a sentence or a clause, never «…»
        units = split_sentences(draft.summary)
        assert all(opener(unit) is not Opener.REFERENCE for unit in units), platform


def test_pasted_text_gets_a_whole_headline_that_the_summary_does_not_repeat(
    composer: Composer,
) -> None:
    article = article_from_text(MEMBRANE)
    assert article.title == (
        "توصلت الباحثة المغربية سناء بلقاضي إلى تطوير غشاء نباتي قادر على تنقية المياه "
        "المستعملة من المعادن الثقيلة"
    )
    lead = split_sentences(article.text)[0]
    for draft in composer.compose_all(article):
        assert not draft.text.splitlines()[0].strip("*<b>/ ").endswith(ELLIPSIS)
        assert lead[:40] not in draft.text, draft.platform
        # The next sentence opens the post without the «و» that tied it to the lead.
        assert draft.summary.startswith("يعتمد الغشاء على ألياف نبات الصبار"), draft.platform


def test_a_wire_dateline_opens_neither_the_headline_nor_the_post(composer: Composer) -> None:
    pasted = (
        "الرباط - و م ع - أعلنت وزارة التجهيز والماء، اليوم الأربعاء، عن إطلاق برنامج جديد "
        "لصيانة الطرق القروية في ست جهات من المملكة بكلفة تناهز ملياري درهم.\n"
        "وأوضح بلاغ للوزارة أن البرنامج يهم أكثر من ثلاثة آلاف كيلومتر من المسالك التي "
        "تضررت من الأمطار الأخيرة، وأن الأشغال ستنطلق في الأسابيع المقبلة.\n"
        "ويأتي هذا البرنامج بعد شكايات متكررة من سكان المناطق الجبلية بسبب صعوبة التنقل."
    )
    article = article_from_text(pasted)
    assert article.title == (
        "أعلنت وزارة التجهيز والماء عن إطلاق برنامج جديد لصيانة الطرق القروية"
    )
    assert article.text.startswith("الرباط - و م ع -")  # the body keeps it, as printed
    for platform in (Platform.X, Platform.BLUESKY, Platform.THREADS):
        draft = composer.compose(article, PLATFORMS[platform], hashtags=[])
        assert "و م ع" not in draft.text, platform  # the lead, headline again, is skipped
        assert draft.summary.startswith("أوضح بلاغ للوزارة"), platform


def test_telegram_and_instagram_give_each_sentence_its_paragraph(composer: Composer) -> None:
    url = "https://akhbar-sahel.ma/economie/2026/03/tgv-marrakech.html"
    article = Article(title=RAIL_TITLE, text=RAIL, url=url, site_name="أخبار الساحل")
    for platform in (Platform.TELEGRAM, Platform.INSTAGRAM):
        draft = composer.compose(article, PLATFORMS[platform], hashtags=[])
        units = split_sentences(draft.summary)
        assert len(units) >= 2, platform
        paragraphs = plain_text(draft.text, is_html=PLATFORMS[platform].html).split("\n\n")
        assert all(unit in paragraphs for unit in units), platform


def test_instagram_says_where_the_link_is_only_when_there_is_one(composer: Composer) -> None:
    spec = PLATFORMS[Platform.INSTAGRAM]
    linked = composer.compose(ARTICLE, spec, hashtags=[])
    assert "📌 المقال كاملاً على موقع أخبار الساحل، والرابط في البايو." in linked.text
    # Without a site name anywhere, the address's host names it — never a brand of ours.
    unnamed = Article(title=ARTICLE.title, text=ARTICLE.text, url=URL)
    text = composer.compose(unnamed, spec, hashtags=[]).text
    assert "📌 المقال كاملاً على موقع akhbar-sahel.ma، والرابط في البايو." in text
    assert "ناشر" not in text
    pasted = Article(title=ARTICLE.title, text=ARTICLE.text, site_name="أخبار الساحل")
    assert "البايو" not in composer.compose(pasted, spec, hashtags=[]).text


def test_telegram_share_text_has_no_dangling_link_sign(composer: Composer) -> None:
    draft = composer.compose(ARTICLE, PLATFORMS[Platform.TELEGRAM], hashtags=["#أكادير"])
    assert "🔗 " + draft.link.replace("&", "&amp;") in draft.text
    query = parse_qs(urlsplit(draft.share_url).query)
    assert query["url"] == [draft.link]
    assert "🔗" not in query["text"][0]
    assert query["text"][0].endswith("#أكادير")


def test_hashtags_give_way_before_the_lead_is_cut_short(composer: Composer) -> None:
    # Beside two hashtags there is room for no clause of the lead (only for the cost,
    # which is not the news); without them, there is.
    lead = (
        "دخلت محطة جديدة لتحلية مياه البحر تعمل بالطاقة الشمسية الخدمة رسمياً صباح اليوم "
        "السبت في ضواحي مدينة أكادير، بطاقة إنتاجية تبلغ 150 ألف متر مكعب يومياً."
    )
    text = f"{lead}\nوبلغت الكلفة الإجمالية للمشروع 2.4 مليار درهم."
    article = Article(title=ARTICLE.title, text=text, url=URL)
    tags = ["#مياه_البحر", "#الطاقة_الشمسية"]
    draft = composer.compose(article, PLATFORMS[Platform.BLUESKY], hashtags=tags)
    assert draft.hashtags == ()
    assert draft.summary == lead.split("، ")[0] + "."
