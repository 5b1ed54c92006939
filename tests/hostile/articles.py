"""Small Arabic article pages for the hostile-input tests (written for these tests)."""

from __future__ import annotations

from html import escape

HARBOUR = (
    "توسعة ميناء طنجة المتوسط لاستقبال سفن الحاويات العملاقة",
    [
        "أعلنت الوكالة الخاصة طنجة المتوسط عن إطلاق أشغال توسعة جديدة للميناء تهدف إلى رفع "
        "طاقته الاستيعابية بنحو مليوني حاوية سنوياً في أفق سنة 2028.",
        "وتشمل الأشغال بناء رصيف إضافي بطول كيلومتر ونصف، وتعميق الحوض المائي حتى يتمكن من "
        "استقبال سفن الجيل الأخير التي يتجاوز طولها أربعمائة متر.",
        "وأوضح مسؤولو الوكالة أن المشروع سيوفر أزيد من ثلاثة آلاف منصب شغل مباشر خلال مرحلة "
        "البناء، إضافة إلى فرص أخرى في مجالات اللوجستيك والنقل البحري.",
        "ويحتل الميناء مكانة متقدمة بين موانئ البحر الأبيض المتوسط من حيث حجم المبادلات، "
        "بفضل موقعه على مضيق جبل طارق وربطه بشبكة الطرق السيارة والسكك الحديدية.",
    ],
)
LIBRARY = (
    "افتتاح مكتبة وسائطية جديدة في قلب مدينة فاس العتيقة",
    [
        "فتحت المكتبة الوسائطية الجديدة أبوابها أمام زوار مدينة فاس العتيقة بعد أشغال ترميم "
        "دامت ثلاث سنوات لمبنى تاريخي يعود إلى القرن التاسع عشر.",
        "وتضم المكتبة أزيد من أربعين ألف كتاب ومخطوط، إلى جانب قاعات للمطالعة الرقمية وورشات "
        "لتعليم الأطفال فنون الخط العربي والزخرفة التقليدية.",
        "وقال مدير المؤسسة إن المشروع يسعى إلى إعادة الحياة الثقافية إلى أزقة المدينة العتيقة "
        "وجذب الطلبة والباحثين من مختلف الجامعات المغربية.",
        "وتنظم المكتبة خلال شهرها الأول سلسلة لقاءات مع كتاب وشعراء، ومعرضاً لصور نادرة توثق "
        "تاريخ الحرف اليدوية في فاس.",
    ],
)
ENGLISH = (
    "City council approves a new cycling network downtown",
    [
        "The city council voted on Tuesday to build forty kilometres of protected cycle lanes "
        "across the downtown area over the next three years.",
        "Supporters said the network would cut traffic and make short trips safer, while some "
        "shop owners worried about losing parking spaces in front of their stores.",
        "Work on the first section is expected to begin in the spring, the mayor told reporters "
        "after the meeting, with the whole network finished before the end of the decade.",
    ],
)


def article_page(
    article: tuple[str, list[str]],
    *,
    canonical: str | None = None,
    lang: str = "ar",
    charset: str | None = "utf-8",
) -> str:
    """A plain article page: head with title and canonical link, body with the paragraphs."""
    title, paragraphs = article
    meta = f'<meta charset="{charset}">' if charset else ""
    link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{escape(title)}</title>{link}'
        f"</head><body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    )


def article_text(article: tuple[str, list[str]]) -> str:
    """The article as pasted text: the headline line, then the paragraphs."""
    title, paragraphs = article
    return "\n".join([title, *paragraphs])
