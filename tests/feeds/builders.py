"""Feeds written for these tests: RSS 2.0, Atom and RDF documents from plain item lists, and
Arabic article pages for their links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape

# Lead paragraphs, one per story, written for these tests.
STORIES = [
    (
        "ارتفاع منسوب سد الوحدة بعد التساقطات الأخيرة",
        "سجل سد الوحدة، أكبر سدود المملكة، ارتفاعاً ملحوظاً في منسوب مياهه بعد التساقطات المطرية "
        "الغزيرة التي عرفتها جهة فاس مكناس خلال الأسبوع الماضي، حسب معطيات وزارة التجهيز والماء.",
    ),
    (
        "افتتاح الدورة الجديدة لمعرض الكتاب بالرباط",
        "افتتحت صباح اليوم بالرباط الدورة الجديدة للمعرض الدولي للنشر والكتاب، بمشاركة أزيد من "
        "سبعمائة عارض من خمسين بلداً، وبرنامج ثقافي يمتد عشرة أيام من الندوات والتوقيعات.",
    ),
    (
        "تدشين خط جديد للترامواي في الدار البيضاء",
        "دشنت السلطات المحلية بالدار البيضاء خطاً جديداً للترامواي يربط حي سيدي مومن بوسط المدينة، "
        "على طول أربعة عشر كيلومتراً، في إطار مخطط لتحسين التنقل الحضري في العاصمة الاقتصادية.",
    ),
    (
        "موسم استثنائي لصادرات الأفوكادو المغربية",
        "حققت صادرات الأفوكادو المغربية خلال الموسم الحالي رقماً قياسياً، بعدما تجاوزت مئة ألف طن "
        "وجهت أساساً إلى الأسواق الأوروبية، وفق ما أعلنته الفيدرالية البيمهنية للفواكه.",
    ),
    (
        "انطلاق حملة تلقيح ضد الأنفلونزا الموسمية",
        "أطلقت وزارة الصحة حملة وطنية للتلقيح ضد الأنفلونزا الموسمية تستهدف المسنين والمصابين "
        "بأمراض مزمنة والأطر الصحية، وتستمر إلى غاية نهاية شهر يناير المقبل في كل الجهات.",
    ),
]


def story(number: int) -> tuple[str, str]:
    """Story ``number`` (cycling through :data:`STORIES`, numbered beyond them)."""
    title, lead = STORIES[number % len(STORIES)]
    if number >= len(STORIES):
        title = f"{title} ({number})"
        lead = f"{lead} وهذه متابعة رقم {number} للموضوع."
    return title, lead


def article_page(number: int, *, canonical: str | None = None) -> bytes:
    """A plain article page for story ``number`` with enough body to be an article."""
    title, lead = story(number)
    more = (
        "وأوضح المسؤولون أن الخطوة تأتي في سياق برنامج أوسع يهدف إلى تحسين الخدمات المقدمة "
        "للمواطنين، مع تعزيز الشراكة بين القطاعين العام والخاص على المستوى الجهوي.",
        "ومن المنتظر أن تتواصل الجهود خلال الأشهر المقبلة، بحسب ما أكده مصدر رسمي في تصريح "
        "صحفي، مشيراً إلى أن التقييم الأول للنتائج سيُنشر قبل نهاية السنة الجارية.",
    )
    link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in (lead, *more))
    return (
        f'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title>{link}</head><body><article><h1>{escape(title)}</h1>{body}</article></body>"
        "</html>"
    ).encode()


@dataclass(frozen=True)
class Entry:
    title: str
    link: str
    guid: str
    published: dt.datetime | None
    summary: str = ""
    categories: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


def entry(number: int, link: str, published: dt.datetime | None, **changes: object) -> Entry:
    title, lead = story(number)
    values: dict[str, object] = {
        "title": title,
        "link": link,
        "guid": f"story-{number}",
        "published": published,
        "summary": lead,
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def rss(entries: list[Entry], *, title: str = "أخبار الساحل") -> bytes:
    items = []
    for e in entries:
        date = f"<pubDate>{format_datetime(e.published)}</pubDate>" if e.published else ""
        categories = "".join(f"<category>{escape(c)}</category>" for c in e.categories)
        items.append(
            f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
            f'<guid isPermaLink="false">{escape(e.guid)}</guid>{date}{categories}'
            f"<description>{escape(e.summary)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://akhbar-sahel.ma/</link>"
        f"<description>آخر الأخبار</description>{''.join(items)}</channel></rss>"
    ).encode()


def atom(entries: list[Entry], *, title: str = "أخبار الساحل") -> bytes:
    items = []
    for e in entries:
        date = e.published.isoformat() if e.published else None
        items.append(
            f'<entry><title>{escape(e.title)}</title><link href="{escape(e.link)}"/>'
            f"<id>{escape(e.guid)}</id>"
            + (f"<published>{date}</published><updated>{date}</updated>" if date else "")
            + f"<summary>{escape(e.summary)}</summary></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:nashir:test</id>"
        f"<updated>2026-12-01T00:00:00Z</updated>{''.join(items)}</feed>"
    ).encode()


def rdf(entries: list[Entry], *, title: str = "أخبار الساحل") -> bytes:
    items = []
    for e in entries:
        date = f"<dc:date>{e.published.isoformat()}</dc:date>" if e.published else ""
        items.append(
            f'<item rdf:about="{escape(e.link)}"><title>{escape(e.title)}</title>'
            f"<link>{escape(e.link)}</link>{date}"
            f"<description>{escape(e.summary)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="https://akhbar-sahel.ma/"><title>{escape(title)}</title>'
        f"<link>https://akhbar-sahel.ma/</link><description>أخبار</description></channel>"
        f"{''.join(items)}</rdf:RDF>"
    ).encode()
