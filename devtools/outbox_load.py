"""Many approved drafts at once, for the outbox tests and ``bench/outbox.py``.

Drafts are made and approved through the real newsroom (:class:`~bot.newsroom.workflow.Newsroom`
over :class:`~db.drafts.DraftRepository`), so their outbox rows are exactly those an editor's
approval queues. Only the drafting is cut short: each article gets a caption and an X text
written here from its headline and lead, and every draft carries the same cards (given, or
none) — drawing hundreds of cards would take minutes on a small machine and tells the outbox
nothing.

The articles are local news from Moroccan cities, each with a count in its headline, so that
every draft's texts are different: X refuses a text it already has, and the tests count what
the fakes received by text.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.models import Article
from bot.newsroom.drafting import DraftOptions
from bot.newsroom.models import DraftCard, DraftContent, NewsroomDraft, Person, Target
from bot.newsroom.workflow import Newsroom, NewsroomConfig
from db.database import Database
from db.drafts import DraftRepository
from db.outbox import OutboxRepository

JOURNALIST = Person(777, "هشام", "hicham")
EDITOR = Person(501, "سلمى بنعيسى", "salma")

CITIES = (
    "الرباط",
    "الدار البيضاء",
    "فاس",
    "مراكش",
    "أكادير",
    "طنجة",
    "وجدة",
    "مكناس",
    "تطوان",
    "العيون",
    "الداخلة",
    "بني ملال",
)

# (headline, lead); {city} and {n} (a count between 11 and 99: the noun after it is singular).
STORIES = (
    (
        "{city}: افتتاح سوق نموذجي جديد يضم {n} محلاً تجارياً",
        "يأتي السوق الجديد في إطار برنامج إعادة تنظيم الباعة الجائلين، وسيفتح أبوابه ابتداءً"
        " من الأسبوع المقبل بعد استكمال الربط بشبكتي الماء والكهرباء.",
    ),
    (
        "مجلس جماعة {city} يصادق على {n} مشروعاً لتأهيل الأحياء الناقصة التجهيز",
        "صادق المجلس بالإجماع خلال دورته العادية على المشاريع التي تشمل تعبيد الطرق وتوسيع"
        " شبكة الإنارة العمومية وإحداث مساحات خضراء.",
    ),
    (
        "حملة طبية متعددة التخصصات تستفيد منها {n} أسرة بضواحي {city}",
        "أشرف على الحملة أطباء متطوعون بتنسيق مع المندوبية الإقليمية للصحة، وشملت فحوصاً"
        " في طب العيون وطب الأطفال وأمراض السكري.",
    ),
    (
        "توزيع {n} حافلة للنقل المدرسي على الجماعات القروية المحيطة بمدينة {city}",
        "تهدف العملية إلى الحد من الهدر المدرسي في صفوف تلاميذ العالم القروي، خاصة الفتيات"
        " اللواتي يقطعن مسافات طويلة للوصول إلى مؤسساتهن.",
    ),
    (
        "أمطار رعدية مرتقبة في {city} ومقاييس قد تصل إلى {n} ملم",
        "دعت المديرية العامة للأرصاد الجوية السائقين إلى توخي الحذر، ونبهت إلى احتمال تشكل"
        " السيول في المنخفضات ومجاري الأودية.",
    ),
    (
        "المستشفى الجهوي في {city} يستقبل {n} طبيباً وممرضاً جديداً",
        "ينتظر أن يخفف التعزيز الجديد الضغط على قسم المستعجلات، الذي يستقبل يومياً مئات"
        " المرضى من المدينة والأقاليم المجاورة.",
    ),
    (
        "تعاونية نسوية في {city} تسوّق {n} طناً من المنتجات المحلية خلال الموسم",
        "تضم التعاونية عشرات النساء من الدواوير المجاورة، وتعتمد على المعارض الجهوية والبيع"
        " عبر الإنترنت لتصريف منتجاتها.",
    ),
    (
        "إطلاق {n} خطاً جديداً للحافلات الكهربائية في {city}",
        "قالت الشركة المفوض لها تدبير النقل الحضري إن الخطوط الجديدة ستربط الأحياء الطرفية"
        " بوسط المدينة والمحطة الطرقية.",
    ),
    (
        "افتتاح {n} قسماً للتعليم الأولي في المدارس العمومية بمدينة {city}",
        "أوضحت المديرية الإقليمية للتربية الوطنية أن الأقسام الجديدة مجهزة بالكامل، وأن"
        " التسجيل فيها مفتوح إلى نهاية الشهر الجاري.",
    ),
    (
        "فريق {city} لكرة القدم يتعاقد مع {n} لاعباً شاباً من مركز التكوين",
        "أكد رئيس النادي أن الاعتماد على أبناء المدينة خيار استراتيجي، وأن العقود تمتد"
        " لثلاثة مواسم قابلة للتجديد.",
    ),
)


def news_article(index: int) -> Article:
    """The ``index``-th article of the load: a different headline for each index."""
    story, city = STORIES[index % len(STORIES)], CITIES[(index // len(STORIES)) % len(CITIES)]
    # The count moves on once every story has been told in every city: no headline repeats
    # within 89 × 120 articles.
    count = 11 + (index // (len(STORIES) * len(CITIES))) % 89
    headline, lead = story
    title = headline.format(city=city, n=count)
    return Article(
        title=title,
        text=lead,
        url=f"https://akhbar-sahel.ma/mahalli/2026/{index:05d}.html",
        published=dt.date(2026, 3, 14),
        site_name="أخبار الساحل",
        section="محلي",
    )


@dataclass
class HeadlineDrafts:
    """A content producer for load: the caption is the headline in bold and the lead, the
    X text the headline and the link; every draft gets ``cards``."""

    cards: tuple[DraftCard, ...] = ()

    async def draft_content(self, article: Article, options: DraftOptions) -> DraftContent:
        caption = f"<b>{html.escape(article.title)}</b>\n\n{html.escape(article.text)}"
        return DraftContent(
            headline=article.title,
            channel_text=caption,
            x_text=f"{article.title}\n{article.url}",
            theme=options.theme,
            variant=options.variant,
            cards=self.cards,
        )

    async def draft_cards(self, article: Article, content: DraftContent) -> DraftContent:
        return content


async def queue_approved(
    database: Database,
    count: int,
    *,
    targets: frozenset[Target],
    channels: Sequence[str | None] = (None,),
    cards: tuple[DraftCard, ...] = (),
    start: int = 0,
    wake: Callable[[], None] = lambda: None,
    announce: bool = False,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> list[NewsroomDraft]:
    """Submit and approve ``count`` drafts for ``targets`` (articles ``start`` onwards), the
    ``i``-th to ``channels[i % len(channels)]`` (None: the default channel). Returns the
    approved drafts. ``wake`` is called after each approval, as the bot's newsroom does;
    with ``announce`` the workers of every process are told, as the bot's worker does."""
    newsroom = Newsroom(
        drafts=DraftRepository(database),
        producer=HeadlineDrafts(cards),
        config=NewsroomConfig(targets=targets),
        wake=wake,
        clock=clock,
    )
    outbox = OutboxRepository(database)
    approved = []
    for index in range(start, start + count):
        channel = channels[index % len(channels)]
        draft = await newsroom.submit(
            news_article(index), by=JOURNALIST, origin="load", channel=channel
        )
        outcome = await newsroom.approve(draft.id, draft.version, by=EDITOR)
        if not outcome.ok or outcome.draft is None:
            raise RuntimeError(f"draft {draft.id} was not approved: {outcome.refusal}")
        approved.append(outcome.draft)
        if announce:
            await outbox.announce()
    return approved
