"""Heavy Arabic news pages, generated: the weight and clutter real sites serve around a story.

A real Arabic news page is rarely the 10 KB of a hand-written fixture. Between 300 and 600 KB
is common: inline scripts (ad slots, analytics, a framework's state), inline styles, an icon
sprite, a mega-menu of hundreds of links, «الأكثر قراءة» tabs, polls, prayer times, currency
rates, a grid of related stories, reader comments with reply forms and a footer of links —
around a story of 500 to 800 words. Extraction time grows with all of that, not with the
story, so the pipeline benchmark measures such pages.

The pages are built from code (deterministic, seeded) rather than stored: three layouts that
Arabic sites use — a modern CMS theme, an ASP.NET page wrapped in one <form> with a large
view state, and an older nested-table portal — each around its own story. The stories, the
teaser headlines and the comments are our own Arabic text. :func:`warmup_page` is a fourth
page, with another story, for warming a process up without touching the measured pages.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HeavyPage:
    name: str
    url: str
    title: str
    site_name: str
    paragraphs: tuple[str, ...]
    html: str

    @property
    def size_kb(self) -> float:
        return len(self.html.encode("utf-8")) / 1024


@dataclass(frozen=True, slots=True)
class _Story:
    title: str
    section: str
    date_iso: str
    date_ar: str
    author: str
    paragraphs: tuple[str, ...]


_SCHOOLS = _Story(
    title="الحكومة تطلق برنامجاً لتأهيل خمسمئة مدرسة قروية قبل الدخول المدرسي المقبل",
    section="مجتمع",
    date_iso="2026-04-07T11:20:00+01:00",
    date_ar="الثلاثاء 7 أبريل 2026 - 11:20",
    author="نادية الوزاني",
    paragraphs=(
        "أعلنت وزارة التربية الوطنية، أمس الإثنين، عن برنامج لتأهيل خمسمئة مدرسة في الوسط "
        "القروي قبل انطلاق الموسم الدراسي المقبل، بغلاف مالي يناهز مليار درهم، يشمل ترميم "
        "الحجرات وربط المؤسسات بشبكتي الماء والكهرباء وبناء مرافق صحية منفصلة للفتيات.",
        "وقال الوزير في ندوة صحافية بالرباط إن البرنامج يستهدف في مرحلته الأولى أقاليم "
        "الأطلس المتوسط والجنوب الشرقي، حيث ما تزال مدارس كثيرة تعمل بحجرات من البناء المفكك "
        "أقيمت قبل أكثر من ثلاثين سنة، ولا تتوفر على سور يحمي التلاميذ.",
        "وأوضح أن اختيار المؤسسات تم بناء على تقارير لجان إقليمية زارت أزيد من ألف ومئتي "
        "مدرسة خلال الأشهر الماضية، واعتمدت معايير من بينها حالة البنايات وعدد التلاميذ "
        "وبعد المدرسة عن أقرب مركز صحي.",
        "ويتضمن البرنامج كذلك تجهيز مئتي مدرسة بألواح شمسية لتوفير الإنارة والتدفئة، "
        "وتزويد الفرعيات المعزولة بخزانات للماء تملأ بواسطة شاحنات الجماعات في انتظار ربطها "
        "بالشبكة العمومية.",
        "وفي ما يخص النقل المدرسي، أعلن الوزير عن اقتناء ثلاثمئة حافلة جديدة توزع على "
        "الجماعات الأكثر حاجة، بشراكة مع المجالس الجهوية التي ستتحمل نفقات التسيير "
        "والصيانة.",
        "ورحبت جمعيات آباء وأولياء التلاميذ بالبرنامج، غير أنها نبهت إلى أن المشكل لا يقتصر "
        "على البنايات، بل يشمل أيضاً الخصاص في الأساتذة، إذ تضطر مدارس عديدة إلى جمع "
        "مستويين أو ثلاثة في قسم واحد.",
        "وقال رئيس فيدرالية جمعيات الآباء بجهة درعة تافيلالت إن «ترميم الحجرات خطوة مهمة، "
        "لكن التلميذ القروي يحتاج أيضاً إلى أستاذ مستقر وإلى مطعم مدرسي يضمن له وجبة "
        "ساخنة في أيام البرد».",
        "ومن المنتظر أن تنطلق الأشغال في شهر ماي، على أن تسلم المؤسسات المؤهلة قبل "
        "منتصف شتنبر، وهو أجل تعتبره مقاولات البناء ضيقاً بالنظر إلى وعورة المسالك "
        "المؤدية إلى عدد من الدواوير.",
        "وتعهدت الوزارة بنشر لائحة المدارس المعنية وتقدم الأشغال في كل واحدة منها على "
        "موقعها الإلكتروني، حتى يتمكن الآباء والمنتخبون من تتبع المشروع ومساءلة المسؤولين "
        "عند كل تأخير.",
    ),
)

_DEPOSITS = _Story(
    title="مصرف لبنان يمدد العمل بآلية السحب الشهري من الودائع حتى نهاية السنة",
    section="اقتصاد",
    date_iso="2026-02-19T09:05:00+02:00",
    date_ar="الخميس 19 شباط 2026",
    author="جورج أبو جودة",
    paragraphs=(
        "قرر مصرف لبنان تمديد العمل بالآلية التي تسمح للمودعين بسحب مبالغ شهرية محددة من "
        "حساباتهم بالدولار حتى نهاية السنة الجارية، مع رفع السقف الشهري بنسبة عشرين في "
        "المئة للحسابات التي فتحت قبل أزمة عام 2019.",
        "وجاء في بيان صادر عن المصرف المركزي أن القرار اتخذ بعد التشاور مع جمعية المصارف "
        "ووزارة المال، وأن كلفته تغطى من الاحتياطي الإلزامي ومن مساهمة المصارف بحسب حجم "
        "الودائع لدى كل منها.",
        "ويستفيد من الآلية نحو ثلاثمئة وخمسين ألف مودع، معظمهم من أصحاب الحسابات الصغيرة "
        "والمتوسطة، فيما يبقى كبار المودعين خارجها إلى حين إقرار قانون إعادة هيكلة القطاع "
        "المصرفي.",
        "ورأى خبراء اقتصاديون أن التمديد يخفف الضغط عن الأسر التي تعتمد على ودائعها في "
        "تغطية نفقات الاستشفاء والتعليم، لكنه لا يعالج أصل المشكلة المتمثل في توزيع "
        "الخسائر بين الدولة والمصارف والمودعين.",
        "وقال أستاذ الاقتصاد في الجامعة اللبنانية إن «كل شهر يمر من دون خطة شاملة يعني "
        "مزيداً من تآكل الودائع»، داعياً المجلس النيابي إلى الإسراع في مناقشة مشاريع "
        "القوانين العالقة منذ أكثر من عامين.",
        "في المقابل، اعتبرت جمعية المصارف أن رفع السقف يضع عبئاً إضافياً على سيولة "
        "المؤسسات الصغيرة، وطالبت بأن تتحمل الدولة حصة أكبر من الكلفة، بوصفها المستدين "
        "الأكبر من القطاع المصرفي.",
        "ومن المنتظر أن يبدأ العمل بالسقف الجديد مطلع الشهر المقبل، على أن تصدر المصارف "
        "تعاميم داخلية تحدد طريقة تقديم الطلبات والمستندات المطلوبة من المودعين.",
        "ويأتي القرار قبل أسابيع من زيارة مرتقبة لبعثة صندوق النقد الدولي إلى بيروت، "
        "لمتابعة المفاوضات حول برنامج تمويل مشروط بإصلاحات في المالية العامة والقطاع "
        "المصرفي.",
    ),
)

_WATER = _Story(
    title="افتتاح أكبر محطة لمعالجة مياه الصرف في الدلتا بطاقة مليون متر مكعب يومياً",
    section="محافظات",
    date_iso="2026-05-11T18:40:00+03:00",
    date_ar="الإثنين 11 مايو 2026 - 06:40 م",
    author="منى السيد",
    paragraphs=(
        "افتتح رئيس الوزراء، اليوم الإثنين، محطة لمعالجة مياه الصرف الصحي في محافظة "
        "الغربية، تعد الأكبر من نوعها في منطقة الدلتا بطاقة تصل إلى مليون متر مكعب يومياً، "
        "وتخدم نحو أربعة ملايين نسمة في خمس مدن وعشرات القرى.",
        "وتعتمد المحطة على المعالجة الثلاثية، ما يسمح بإعادة استخدام المياه المعالجة في "
        "ري الأشجار الخشبية والمساحات الخضراء بدل صرفها في المصارف الزراعية التي كانت "
        "تنقل التلوث إلى الترع والبحيرات الشمالية.",
        "وقال وزير الإسكان خلال الافتتاح إن المشروع استغرق أربع سنوات من العمل، وبلغت "
        "تكلفته نحو سبعة مليارات جنيه، شاركت في تمويلها مؤسسات دولية بقروض ميسرة ومنح "
        "فنية.",
        "وأضاف أن المرحلة الثانية ستشمل مد شبكات الصرف إلى ستين قرية ما تزال تعتمد على "
        "الخزانات الأرضية، وهي خزانات تتسرب مياهها إلى التربة وتلوث الآبار التي يشرب منها "
        "الأهالي.",
        "ورحب سكان القرى المجاورة بالمشروع، لكنهم اشتكوا من الروائح المنبعثة من أحواض "
        "التجفيف خلال فترة التشغيل التجريبي، وطالبوا بزراعة حزام من الأشجار حول المحطة.",
        "وأكدت الشركة القابضة لمياه الشرب والصرف الصحي أن الروائح ناتجة عن ضبط المعدات "
        "في الأسابيع الأولى، وأنها ستختفي مع انتظام التشغيل، مشيرة إلى أن الحزام الأخضر "
        "مدرج ضمن أعمال المرحلة الثانية.",
        "ويرى خبراء في الموارد المائية أن توسيع معالجة مياه الصرف أصبح ضرورة في بلد يعاني "
        "من شح المياه، وأن كل متر مكعب معالج يخفف الضغط على حصة مياه النيل المخصصة للزراعة.",
    ),
)

_FESTIVAL = _Story(
    title="مهرجان الموسيقى الأندلسية يعود إلى شفشاون بعد غياب ثلاث سنوات",
    section="ثقافة",
    date_iso="2026-06-02T10:00:00+01:00",
    date_ar="الثلاثاء 2 يونيو 2026",
    author="هشام الريسوني",
    paragraphs=(
        "يعود مهرجان الموسيقى الأندلسية إلى مدينة شفشاون في دورة جديدة تنطلق نهاية الشهر "
        "الجاري، بعد غياب دام ثلاث سنوات بسبب صعوبات في التمويل، بمشاركة أجواق من المغرب "
        "والجزائر وتونس وإسبانيا.",
        "وقالت إدارة المهرجان إن البرنامج يتضمن ثماني أمسيات في ساحة وطاء الحمام وفي "
        "فضاء القصبة، إلى جانب ورشات لتعليم العزف على العود والرباب لفائدة أطفال المدينة.",
        "وستكرم الدورة أحد أقدم رؤساء الأجواق في شمال المملكة، الذي قضى أكثر من خمسين سنة "
        "في جمع نوبات الآلة وتدوينها، وساهم في تكوين أجيال من العازفين والمنشدين.",
        "ويرتقب أن يستقطب المهرجان آلاف الزوار، وهو ما يعول عليه أصحاب الفنادق والمطاعم "
        "لتعويض تراجع الحجوزات الذي عرفته المدينة خلال فصل الربيع.",
        "وأكد رئيس الجماعة أن المجلس رصد دعماً استثنائياً للدورة، ووقع اتفاقية مع وزارة "
        "الثقافة تضمن تنظيم المهرجان سنوياً خلال السنوات الثلاث المقبلة.",
        "وتعتبر شفشاون من أبرز حواضر الموسيقى الأندلسية في المغرب، إذ حافظت أسر عديدة "
        "فيها على هذا التراث جيلاً بعد جيل، في الأعراس والمواسم الدينية والسهرات العائلية.",
    ),
)

# Teaser headlines for menus, «most read» boxes, related grids and tickers.
_TEASERS = (
    "توقيف شبكة لتزوير الوثائق الإدارية في مكناس",
    "الأمطار تعود إلى شمال المملكة نهاية الأسبوع",
    "ارتفاع أسعار الخضر في أسواق الجملة مع بداية الصيف",
    "المنتخب الوطني يواجه نظيره المصري وديا في القاهرة",
    "وزارة الصحة تطلق حملة للتلقيح ضد الحصبة في المدارس",
    "افتتاح الدورة الجديدة لمعرض الكتاب وسط إقبال كبير",
    "تراجع نسبة البطالة في المدن خلال الربع الأول",
    "البرلمان يناقش مشروع قانون الإضراب في جلسة عامة",
    "انطلاق أشغال الطريق السريع بين تيزنيت والداخلة",
    "مهرجان السينما يعلن لائحة الأفلام المتنافسة",
    "حريق يأتي على محلات تجارية في سوق شعبي",
    "البنك المركزي يبقي سعر الفائدة دون تغيير",
    "طلبة الطب يعلقون مقاطعة الدروس بعد اتفاق مع الوزارة",
    "الرجاء يتعاقد مع مهاجم برازيلي لموسمين",
    "تساقطات ثلجية مرتقبة في مرتفعات الأطلس",
    "الحكومة تصادق على مرسوم دعم السكن الاقتصادي",
    "ميناء طنجة المتوسط يحقق رقما قياسيا في الحاويات",
    "وفاة فنان شعبي بعد صراع طويل مع المرض",
    "إطلاق خط جوي جديد بين فاس وبروكسل",
    "جمعيات حماية المستهلك تنتقد ارتفاع فواتير الكهرباء",
    "الأرصاد تحذر من موجة حر في المناطق الداخلية",
    "اكتشاف موقع أثري جديد قرب وليلي",
    "الوداد يتأهل إلى ربع نهائي دوري الأبطال",
    "تأجيل امتحانات الباكالوريا الاستدراكية أسبوعا",
    "مجلس المنافسة يفتح تحقيقا في أسعار المحروقات",
    "تدشين مستشفى جامعي جديد في أكادير",
    "السلطات تغلق مقاهي لعدم احترام شروط السلامة",
    "الدرهم يستقر أمام اليورو ويتراجع أمام الدولار",
    "ندوة دولية حول الذكاء الاصطناعي في الجامعة",
    "الفلاحون يطالبون بتمديد آجال سداد القروض",
    "ارتفاع عدد السياح الوافدين خلال عطلة الربيع",
    "انهيار منزل قديم في المدينة العتيقة دون إصابات",
    "تعيين عامل جديد على إقليم الحسيمة",
    "شركات الاتصالات تخفض أسعار الإنترنت المنزلي",
    "حملة لتنظيف الشواطئ بمشاركة مئات المتطوعين",
    "أسعار الذهب تسجل أعلى مستوى منذ عام",
)
_SUMMARIES = (
    "وأكدت المصادر أن التحقيق ما يزال جاريا لتحديد المسؤوليات.",
    "ويأتي ذلك في سياق اجتماعي متوتر تعرفه عدة قطاعات.",
    "وينتظر أن تعلن النتائج النهائية خلال الأيام المقبلة.",
    "وعبر عدد من المواطنين عن ارتياحهم لهذه الخطوة.",
    "وتوقع خبراء أن يستمر هذا المنحى خلال الأشهر المقبلة.",
    "ودعت السلطات السكان إلى توخي الحذر واتباع التعليمات.",
)
_COMMENTS = (
    "مشروع جيد لكن العبرة بالتنفيذ، رأينا وعودا كثيرة من قبل.",
    "نتمنى أن تشمل هذه المبادرة قريتنا أيضا فالوضع هناك صعب جدا.",
    "شكرا على هذا المقال المفصل.",
    "أين كانت هذه الميزانية طوال السنوات الماضية؟",
    "الخبر مهم ويجب متابعته حتى النهاية.",
    "أتمنى أن تنشروا لائحة المستفيدين كاملة.",
    "المشكل الحقيقي هو غياب المراقبة وليس قلة الأموال.",
    "تحية للصحافية على المتابعة الدائمة لهذا الملف.",
)
_MENU = (
    "الرئيسية", "سياسة", "اقتصاد", "مجتمع", "جهات", "دولي", "رياضة", "ثقافة", "فن", "رأي",
    "تكنولوجيا", "صحة", "تعليم", "فيديو", "صور", "ملفات", "حوارات", "منوعات",
)  # fmt: skip
_SECTIONS_EXTRA = ("أخبار عاجلة", "تقارير", "تحقيقات", "بورتريه", "كاريكاتير", "بودكاست")


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _script_blob(rng: random.Random, kilobytes: int) -> str:
    """An inline script of about ``kilobytes`` KB: ad slots and a minified helper library."""
    slots = []
    while sum(len(s) for s in slots) < kilobytes * 600:
        slot = {
            "id": f"div-gpt-ad-{rng.randrange(10**12, 10**13)}-{len(slots)}",
            "path": f"/{rng.randrange(10**7, 10**8)}/news/article/slot_{len(slots)}",
            "sizes": [[300, 250], [336, 280], [728, 90]][: rng.randrange(1, 4)],
            "targeting": {"section": rng.choice(_MENU), "pos": f"p{len(slots)}", "ab": "b"},
        }
        slots.append(json.dumps(slot, ensure_ascii=False))
    helpers = "".join(
        f"function _{i:x}(a,b){{var c=a[{i % 7}]||{{}};return c.k{i}?b(c.k{i}):a.slice({i % 5})}}"
        for i in range(kilobytes * 4)
    )
    return f"window.__ADS__=[{','.join(slots)}];{helpers}"


def _style_blob(rng: random.Random, kilobytes: int) -> str:
    rules = []
    while sum(len(rule) for rule in rules) < kilobytes * 1024:
        n = len(rules)
        rules.append(
            f".c{n}-{rng.randrange(1000)}{{margin:0 {n % 9}px;padding:{n % 5}px {n % 7}px;"
            f"color:#{rng.randrange(0x1000000):06x};font:{12 + n % 6}px/1.6 Tajawal,sans-serif}}"
        )
    return "".join(rules)


def _svg_sprite(rng: random.Random, icons: int) -> str:
    symbols = "".join(
        f'<symbol id="i{n}" viewBox="0 0 24 24"><path d="M{rng.randrange(24)} {rng.randrange(24)}'
        + "".join(f"l{rng.randrange(-9, 9)} {rng.randrange(-9, 9)}" for _ in range(40))
        + 'z"/></symbol>'
        for n in range(icons)
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg" style="display:none">{symbols}</svg>'


def _teaser(rng: random.Random, *, summary: bool, image: bool) -> str:
    headline = rng.choice(_TEASERS)
    href = f"/news/{rng.randrange(100000, 999999)}.html"
    parts = [f'<article class="card card--{rng.choice(("s", "m", "l"))}">']
    if image:
        parts.append(
            f'<a href="{href}" class="card__img"><img src="/media/2026/{rng.randrange(1, 13):02d}/'
            f'{rng.randrange(10**6)}.jpg" alt="{_escape(headline)}" loading="lazy"></a>'
        )
    parts.append(f'<h3 class="card__title"><a href="{href}">{_escape(headline)}</a></h3>')
    if summary:
        parts.append(f'<p class="card__excerpt">{_escape(rng.choice(_SUMMARIES))}</p>')
    parts.append(f'<span class="card__meta">{rng.randrange(1, 24)} ساعة</span></article>')
    return "".join(parts)


def _mega_menu(rng: random.Random, per_section: int) -> str:
    items = []
    for name in _MENU:
        sub = "".join(
            f'<li><a href="/{rng.randrange(10**5)}">{_escape(rng.choice(_TEASERS))}</a></li>'
            for _ in range(per_section)
        )
        items.append(
            f'<li class="menu-item has-children"><a href="/section/{_escape(name)}">'
            f'{_escape(name)}</a><ul class="sub-menu">{sub}</ul></li>'
        )
    return f'<nav class="main-nav" role="navigation"><ul class="menu">{"".join(items)}</ul></nav>'


def _comments(rng: random.Random, count: int) -> str:
    items = "".join(
        f'<li class="comment" id="comment-{n}"><div class="comment-author"><img src="/av/{n}.png">'
        f'<cite>قارئ {n}</cite></div><div class="comment-date">{rng.randrange(1, 28)} أبريل 2026'
        f'</div><div class="comment-body"><p>{_escape(rng.choice(_COMMENTS))}</p></div>'
        f'<a class="reply" href="#respond">رد</a></li>'
        for n in range(count)
    )
    form = (
        '<div id="respond"><h3>أضف تعليقك</h3><form action="/comment" method="post">'
        '<textarea name="comment"></textarea><input name="author" placeholder="الاسم">'
        '<input name="email" placeholder="البريد الإلكتروني"><button>إرسال</button></form></div>'
    )
    return (
        f'<section class="comments"><h2>التعليقات ({count})</h2><ol>{items}</ol>{form}'
        "<p>التعليقات المنشورة تعبر عن آراء أصحابها ولا تعبر عن رأي الموقع.</p></section>"
    )


def _sidebar(rng: random.Random) -> str:
    most_read = "".join(
        f'<li><span class="n">{n}</span><a href="/n/{rng.randrange(10**6)}">'
        f"{_escape(rng.choice(_TEASERS))}</a></li>"
        for n in range(1, 11)
    )
    return (
        '<aside class="sidebar">'
        f'<div class="widget tabs"><h3>الأكثر قراءة</h3><ol>{most_read}</ol></div>'
        '<div class="widget poll"><h3>استطلاع الرأي</h3><form action="/poll">'
        "<p>هل تتابع الأخبار على هاتفك أكثر من الحاسوب؟</p>"
        '<label><input type="radio" name="p" value="1"> نعم</label>'
        '<label><input type="radio" name="p" value="2"> لا</label>'
        "<button>صوت</button></form></div>"
        '<div class="widget prayer"><h3>مواقيت الصلاة</h3><ul><li>الفجر 04:52</li>'
        "<li>الظهر 13:31</li><li>العصر 17:07</li><li>المغرب 20:14</li><li>العشاء 21:38</li>"
        "</ul></div>"
        '<div class="widget currency"><h3>أسعار العملات</h3><table><tr><td>الأورو</td>'
        "<td>10.86</td></tr><tr><td>الدولار</td><td>9.97</td></tr></table></div>"
        '<div class="widget newsletter"><h3>النشرة البريدية</h3><form action="/nl">'
        '<input type="email" placeholder="بريدك الإلكتروني"><button>اشترك</button></form></div>'
        "</aside>"
    )


def _footer(rng: random.Random, links: int) -> str:
    columns = "".join(
        f'<li><a href="/p/{rng.randrange(10**5)}">{_escape(rng.choice(_TEASERS))}</a></li>'
        for _ in range(links)
    )
    return (
        f'<footer class="site-footer"><ul class="footer-links">{columns}</ul>'
        '<p><a href="/about">من نحن</a> | <a href="/contact">اتصل بنا</a> | '
        '<a href="/privacy">سياسة الخصوصية</a></p><p>جميع الحقوق محفوظة © 2026</p></footer>'
    )


def _head(story: _Story, site: str, url: str, rng: random.Random, style_kb: int) -> str:
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": story.date_iso,
            "author": {"@type": "Person", "name": story.author},
            "publisher": {"@type": "Organization", "name": site},
        },
        ensure_ascii=False,
    )
    return (
        f'<head><meta charset="utf-8"><title>{_escape(story.title)} | {_escape(site)}</title>'
        f'<link rel="canonical" href="{url}">'
        f'<meta property="og:title" content="{_escape(story.title)}">'
        f'<meta property="og:site_name" content="{_escape(site)}">'
        f'<meta property="og:image" content="{url.rsplit("/", 1)[0]}/cover.jpg">'
        f'<meta property="article:published_time" content="{story.date_iso}">'
        f'<meta property="article:section" content="{_escape(story.section)}">'
        f"<style>{_style_blob(rng, style_kb)}</style>"
        f'<script type="application/ld+json">{ld}</script>'
        f"<script>{_script_blob(rng, 40)}</script></head>"
    )


def _story_block(story: _Story) -> str:
    paragraphs = "".join(f"<p>{_escape(p)}</p>" for p in story.paragraphs)
    half = len(story.paragraphs) // 2
    paragraphs = paragraphs.replace(
        f"<p>{_escape(story.paragraphs[half])}</p>",
        '<div class="ad-inread"><script>googletag.cmd.push(function(){});</script></div>'
        f"<p>{_escape(story.paragraphs[half])}</p>",
    )
    return (
        '<div class="breadcrumb"><a href="/">الرئيسية</a> » '
        f'<a href="/s">{story.section}</a></div>'
        f'<h1 class="entry-title">{_escape(story.title)}</h1>'
        f'<div class="entry-meta"><span class="author">{_escape(story.author)}</span> '
        f'<time datetime="{story.date_iso}">{story.date_ar}</time></div>'
        '<figure><img src="/media/cover.jpg" alt="">'
        "<figcaption>صورة من الأرشيف</figcaption></figure>"
        f'<div class="entry-content">{paragraphs}</div>'
        '<div class="share">شارك: <a href="#">فيسبوك</a> <a href="#">إكس</a> '
        '<a href="#">واتساب</a></div>'
        f'<div class="tags">الوسوم: <a href="/t/1">{story.section}</a> '
        '<a href="/t/2">المغرب</a></div>'
    )


def _modern(story: _Story, site: str, url: str, rng: random.Random) -> str:
    """A CMS theme: mega-menu, ticker, story, related grid, comments, sidebar, footer."""
    related = "".join(_teaser(rng, summary=True, image=True) for _ in range(24))
    latest = "".join(_teaser(rng, summary=False, image=True) for _ in range(90))
    ticker = " • ".join(f'<a href="/b/{n}">{_escape(rng.choice(_TEASERS))}</a>' for n in range(12))
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl">{_head(story, site, url, rng, 70)}<body>'
        f"{_svg_sprite(rng, 120)}"
        f'<header class="site-header"><a class="logo" href="/">{_escape(site)}</a>'
        f'{_mega_menu(rng, 22)}<div class="ticker"><b>عاجل</b> {ticker}</div></header>'
        f'<main class="container"><article class="post">{_story_block(story)}</article>'
        f'<section class="related"><h2>مقالات ذات صلة</h2>{related}</section>'
        f"{_comments(rng, 14)}"
        f'<section class="latest"><h2>آخر الأخبار</h2>{latest}</section></main>'
        f"{_sidebar(rng)}{_footer(rng, 160)}"
        f"<script>{_script_blob(rng, 250)}</script></body></html>"
    )


def _aspnet(story: _Story, site: str, url: str, rng: random.Random) -> str:
    """An ASP.NET page: everything inside one <form>, a large view state, bootstrap rows."""
    state = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                    for _ in range(160_000))  # fmt: skip
    rows = "".join(
        f'<div class="row MyMainDivFullWidth"><div class="col-xl-12"><h2>{_escape(title)}</h2>'
        + "".join(
            f'<div class="col-md-3 item">{_teaser(rng, summary=True, image=True)}</div>'
            for _ in range(24)
        )
        + "</div></div>"
        for title in _SECTIONS_EXTRA
    )
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl">{_head(story, site, url, rng, 40)}'
        '<body class="MyMainBody"><form method="post" action="./article" id="aspnetForm">'
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{state}">'
        '<input type="hidden" name="__EVENTVALIDATION" value="x9f2">'
        f'<div class="body-container"><div class="TheMainMenu">{_mega_menu(rng, 8)}</div>'
        '<div class="row"><div class="col-xl-8 ArticleDetails">'
        f"{_story_block(story)}</div>"
        f'<div class="col-xl-4 column-fixed">{_sidebar(rng)}</div></div>{rows}'
        f"{_footer(rng, 60)}</div>"
        f"<script>{_script_blob(rng, 120)}</script></form></body></html>"
    )


def _tables(story: _Story, site: str, url: str, rng: random.Random) -> str:
    """An older portal: nested tables, <font>, link rows, a poll, counters."""
    menu = " | ".join(f'<a href="/cat/{n}">{_escape(name)}</a>' for n, name in enumerate(_MENU))
    side = "".join(
        f'<tr><td class="num">{n}</td><td><a href="/n/{rng.randrange(10**6)}">'
        f"{_escape(rng.choice(_TEASERS))}</a></td></tr>"
        for n in range(1, 241)
    )
    body = "<br><br>".join(_escape(p) for p in story.paragraphs)
    return (
        f'<html dir="rtl">{_head(story, site, url, rng, 30)}<body>'
        '<table width="990" align="center" border="0" cellpadding="0" cellspacing="0">'
        f'<tr><td colspan="3"><img src="/img/logo.gif"><script>{_script_blob(rng, 100)}</script>'
        f'</td></tr><tr><td colspan="3" class="menu">{menu}</td></tr><tr>'
        f'<td width="200" valign="top"><table><tr><td><b>الأكثر قراءة</b></td></tr>{side}'
        "</table></td>"
        '<td width="560" valign="top"><table width="100%"><tr><td>'
        f'<font size="2" color="#990000">{_escape(story.section)}</font></td></tr>'
        f'<tr><td><font size="5"><b>{_escape(story.title)}</b></font></td></tr>'
        f'<tr><td><font size="1">{story.date_ar} | كتب: {_escape(story.author)}</font></td></tr>'
        '<tr><td><font size="1">عدد القراءات: 5120 | <a href="/print">طباعة</a> | '
        '<a href="/send">أرسل لصديق</a></font></td></tr>'
        f'<tr><td><font face="Arabic Transparent" size="3">{body}</font></td></tr>'
        f"<tr><td>{_comments(rng, 10)}</td></tr></table></td>"
        f'<td width="230" valign="top">{_sidebar(rng)}</td></tr>'
        f'<tr><td colspan="3">{_footer(rng, 90)}</td></tr></table>'
        f"<script>{_script_blob(rng, 140)}</script></body></html>"
    )


_LAYOUTS: dict[str, Callable[[_Story, str, str, random.Random], str]] = {
    "modern": _modern,
    "aspnet": _aspnet,
    "tables": _tables,
}


def _page(name: str, layout: str, story: _Story, site: str, host: str, seed: int) -> HeavyPage:
    url = f"https://{host}/{story.section}/2026/{seed}.html"
    return HeavyPage(
        name=name,
        url=url,
        title=story.title,
        site_name=site,
        paragraphs=story.paragraphs,
        html=_LAYOUTS[layout](story, site, url, random.Random(seed)),
    )


def heavy_pages() -> list[HeavyPage]:
    """The three measured heavy pages, one per layout."""
    return [
        _page("heavy-modern", "modern", _SCHOOLS, "صوت الأطلس", "sawt-atlas.ma", 1107),
        _page("heavy-aspnet", "aspnet", _DEPOSITS, "أخبار الأرز", "arz-news.lb", 2219),
        _page("heavy-tables", "tables", _WATER, "بوابة الدلتا", "delta-portal.eg", 3511),
    ]


def warmup_page() -> HeavyPage:
    """A page with another story, for warming a process up (never measured)."""
    return _page("heavy-warmup", "modern", _FESTIVAL, "شمال بريس", "chamal-press.ma", 4409)
