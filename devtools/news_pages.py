"""Distinct Arabic news pages, as many as a load test needs, each with its own story.

A load test that shares thousands of new links needs thousands of articles that differ the
way a regional news site's do: another city, other figures, another official, another day.
:func:`news_page` builds article number ``n`` from one of eight story kinds (transport,
health, exams, farming, football, cinema, water, housing) filled in with a Moroccan city
and region, figures and names drawn from ``n``, so the same number always gives the same
page and two numbers never the same address; :func:`distinct_pages` also keeps headlines
apart.

A page has the weight of a light article page (about 16 KB): the story with its lead
image, a menu, a ticker, related headlines, comments, a sidebar, a footer and some script;
:mod:`devtools.heavy_pages` has the 300–600 KB kind. The stories, headlines and comments
are our own Arabic text.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Callable
from dataclasses import dataclass

# City, its region (as regions are named since 2015).
_CITIES = (
    ("طنجة", "طنجة تطوان الحسيمة"),
    ("تطوان", "طنجة تطوان الحسيمة"),
    ("الحسيمة", "طنجة تطوان الحسيمة"),
    ("فاس", "فاس مكناس"),
    ("مكناس", "فاس مكناس"),
    ("الرباط", "الرباط سلا القنيطرة"),
    ("سلا", "الرباط سلا القنيطرة"),
    ("القنيطرة", "الرباط سلا القنيطرة"),
    ("الدار البيضاء", "الدار البيضاء سطات"),
    ("المحمدية", "الدار البيضاء سطات"),
    ("الجديدة", "الدار البيضاء سطات"),
    ("مراكش", "مراكش آسفي"),
    ("آسفي", "مراكش آسفي"),
    ("أكادير", "سوس ماسة"),
    ("تارودانت", "سوس ماسة"),
    ("وجدة", "الشرق"),
    ("الناظور", "الشرق"),
    ("بني ملال", "بني ملال خنيفرة"),
    ("خريبكة", "بني ملال خنيفرة"),
    ("الراشيدية", "درعة تافيلالت"),
    ("ورزازات", "درعة تافيلالت"),
    ("كلميم", "كلميم واد نون"),
    ("العيون", "العيون الساقية الحمراء"),
    ("الداخلة", "الداخلة وادي الذهب"),
)
_MEN = (
    "يوسف بنعلي",
    "عبد الرحيم الإدريسي",
    "محمد أمين السباعي",
    "رشيد بوزيان",
    "عمر الفاسي",
    "حسن أيت الطالب",
    "مصطفى الوردي",
    "إدريس الكتاني",
)
_WOMEN = (
    "فاطمة الزهراء العمراني",
    "خديجة أوعلي",
    "نزهة الطاهري",
    "سعاد المرابط",
    "ليلى بنشقرون",
    "أسماء الحياني",
)
_DAYS = ("الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
_MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو",
    "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر",
)  # fmt: skip
_SITES = (
    ("صدى الجهات", "sada-jihat.ma"),
    ("أخبار المدن", "akhbar-almoudoun.ma"),
    ("بوابة الشمال", "bawabat-chamal.ma"),
    ("الجنوب اليوم", "janoub-today.ma"),
)
_AUTHORS = ("هشام العلمي", "مريم الصقلي", "أنس بلحاج", "سكينة الزياني", "طارق المنصوري")
# Headlines of other stories, for the ticker and the «related» boxes.
_OTHER_HEADLINES = (
    "تساقطات مطرية مهمة تنعش آمال الفلاحين في الموسم الزراعي",
    "وزارة الصحة تطلق حملة وطنية للكشف المبكر عن السكري",
    "توقيف مروجي المخدرات في عملية أمنية بضواحي المدينة",
    "المجلس الجماعي يصادق على ميزانية السنة المقبلة بالأغلبية",
    "إطلاق رحلات جوية جديدة نحو مدن أوروبية خلال الصيف",
    "تلاميذ يحصدون جوائز في أولمبياد الرياضيات الوطنية",
    "ارتفاع أسعار اللحوم الحمراء يثير غضب المستهلكين",
    "ترميم المدينة العتيقة يدخل مرحلته الثانية",
    "الفريق المحلي يتعاقد مع مدرب جديد لموسمين",
    "افتتاح معرض للصناعة التقليدية بمشاركة مئة حرفي",
    "جمعية تطلق قافلة طبية لفائدة سكان الجبال",
    "تعثر أشغال تهيئة الكورنيش يثير تساؤلات السكان",
    "الأمن يشن حملة لتحرير الملك العمومي من الباعة",
    "شباب المدينة يطلقون مبادرة لتنظيف الحدائق العمومية",
    "عودة الحركة إلى الميناء بعد انتهاء فترة الراحة البيولوجية",
    "ندوة حول التغيرات المناخية وندرة المياه في الجامعة",
)
_COMMENTS = (
    "خبر جيد، نتمنى أن يطبق على أرض الواقع وألا يبقى حبراً على ورق.",
    "شكراً على المتابعة، أين يمكن الاطلاع على التفاصيل الكاملة؟",
    "المدينة في حاجة إلى مشاريع كهذه منذ سنوات.",
    "الوعود كثيرة والتنفيذ بطيء، ننتظر ونرى.",
    "نطالب بإشراك السكان في مثل هذه القرارات.",
    "مقال مفصل، تحية للصحافي على المجهود.",
    "ماذا عن الأحياء الهامشية؟ دائماً خارج الحسابات.",
)
_MENU = ("الرئيسية", "جهات", "سياسة", "اقتصاد", "مجتمع", "رياضة", "ثقافة", "دولي", "رأي", "فيديو")


@dataclass(frozen=True, slots=True)
class Story:
    kind: str  # a Latin slug for the address and the image
    section: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewsPage:
    number: int
    path: str  # where the page server serves it: /<kind>/<year>/<month>/<slug>-<n>.html
    url: str  # the site's own (canonical) address
    title: str
    site_name: str
    paragraphs: tuple[str, ...]
    html: str

    @property
    def body(self) -> bytes:
        return self.html.encode("utf-8")


@dataclass(frozen=True, slots=True)
class _Fill:
    """What one page's story is filled in with."""

    rng: random.Random
    city: str
    region: str
    other_city: str
    man: str
    woman: str
    weekday: str
    month: str
    day: int

    def n(self, low: int, high: int, step: int = 1) -> int:
        return self.rng.randrange(low, high + 1, step)


def _buses(f: _Fill) -> Story:
    count, lines, price = f.n(24, 180), f.n(6, 30), f.n(4, 7)
    return Story(
        "transport",
        "جهات",
        f"{count} حافلة كهربائية جديدة تدخل الخدمة في {f.city} ابتداء من يوم {f.weekday}",
        (
            f"أعلنت شركة التنمية المحلية المكلفة بالنقل الحضري في مدينة {f.city} عن إدخال "
            f"{count} حافلة كهربائية جديدة إلى الخدمة ابتداء من يوم {f.weekday} المقبل، في إطار "
            "خطة لتجديد الأسطول وتقليص انبعاثات الغازات الملوثة وسط المدينة.",
            f"وقال {f.man}، المدير العام للشركة، إن الحافلات الجديدة ستغطي {lines} من الخطوط، "
            "من بينها خطوط تربط الأحياء الطرفية بالجامعة والمستشفى الإقليمي ومحطة القطار، "
            "مشيراً إلى أن مدة الانتظار في أوقات الذروة لن تتجاوز عشر دقائق.",
            "وتتوفر الحافلات على مكيفات وكاميرات مراقبة وأماكن مخصصة للأشخاص في وضعية إعاقة، "
            "إضافة إلى نظام أداء بالبطاقة والهاتف المحمول يعفي الركاب من البحث عن القطع النقدية.",
            f"وسيبقى ثمن التذكرة في حدود {price} دراهم، على أن يستفيد التلاميذ والطلبة من "
            "اشتراك شهري مخفض بعد إيداع ملفاتهم لدى وكالات الشركة.",
            "ورحب مستعملو النقل العمومي بالخطوة، غير أن عدداً منهم طالب بتوسيع الشبكة لتشمل "
            "الدواوير المجاورة، التي يضطر سكانها إلى ركوب سيارات الأجرة الكبيرة أو النقل السري "
            "للوصول إلى مقرات عملهم.",
            "وكان مجلس الجماعة قد صادق في دورته الأخيرة على اتفاقية جديدة للتدبير المفوض تمتد "
            "خمس عشرة سنة، تلزم الشركة بتجديد نصف الأسطول قبل نهاية سنة 2027.",
        ),
    )


def _dialysis(f: _Fill) -> Story:
    sessions, machines = f.n(300, 900, 10), f.n(12, 48)
    cost, patients = f.n(15, 60), f.n(300, 1400, 10)
    return Story(
        "sante",
        "صحة",
        f"افتتاح مركز لتصفية الدم في {f.city} بطاقة {sessions} حصة أسبوعياً",
        (
            f"افتتح والي جهة {f.region}، صباح يوم {f.weekday}، مركزاً جديداً لتصفية الدم "
            f"بمدينة {f.city}، تبلغ طاقته الاستيعابية {sessions} حصة في الأسبوع، ويضم "
            f"{machines} جهازاً من الجيل الحديث.",
            f"ويأتي المركز، الذي كلف بناؤه وتجهيزه حوالي {cost} مليون درهم، لتخفيف معاناة "
            "مرضى القصور الكلوي الذين كانوا يقطعون عشرات الكيلومترات ثلاث مرات في الأسبوع "
            "للوصول إلى مستشفيات المدن المجاورة.",
            f"وأوضحت {f.woman}، المندوبة الإقليمية لوزارة الصحة، أن المركز سيشتغل بثلاث فترات "
            "يومياً، وأن الأولوية ستمنح للمرضى المسجلين في لوائح الانتظار منذ أكثر من سنة.",
            "وتم تكوين طاقم من الأطباء والممرضين المتخصصين في أمراض الكلي بتعاون مع المركز "
            "الاستشفائي الجامعي، فيما تتكفل جمعية محلية لدعم مرضى القصور الكلوي بنقل المرضى "
            "المعوزين من القرى البعيدة.",
            "وعبر عدد من المرضى وأسرهم عن ارتياحهم لافتتاح المركز، مؤكدين أن التنقل المتكرر "
            "كان يستنزف مداخيلهم الهزيلة ويضطرهم أحياناً إلى تأجيل الحصص.",
            f"ويبلغ عدد مرضى القصور الكلوي المزمن المسجلين في الإقليم حوالي {patients} مريض، "
            "حسب معطيات المندوبية، وهو رقم مرشح للارتفاع بسبب انتشار داء السكري وارتفاع "
            "الضغط الدموي.",
        ),
    )


def _exams(f: _Fill) -> Story:
    candidates, centres, girls = f.n(18_000, 95_000), f.n(40, 99), f.n(48, 57)
    return Story(
        "education",
        "تعليم",
        f"{candidates} مترشح ومترشحة يجتازون امتحانات الباكالوريا في جهة {f.region}",
        (
            f"انطلقت، صباح يوم {f.weekday}، امتحانات الدورة العادية لنيل شهادة الباكالوريا في "
            f"جهة {f.region}، بمشاركة {candidates} مترشح ومترشحة، موزعين على {centres} مركزاً "
            "للامتحان.",
            f"وقال {f.man}، مدير الأكاديمية الجهوية للتربية والتكوين، خلال زيارة لأحد مراكز "
            f"الامتحان بمدينة {f.city}، إن نسبة الإناث بلغت {girls} في المئة من مجموع "
            "المترشحين، وإن عدد المترشحين الأحرار عرف ارتفاعاً مقارنة بالسنة الماضية.",
            "واتخذت الأكاديمية تدابير لمحاربة الغش، من بينها تعميم أجهزة رصد الهواتف المحمولة "
            "داخل القاعات، وتشديد المراقبة في محيط المؤسسات، وتذكير المترشحين بالعقوبات التي "
            "يتعرض لها كل من ضبط متلبساً.",
            "وتستمر الامتحانات ثلاثة أيام، على أن يعلن عن النتائج في منتصف الشهر المقبل، فيما "
            "تجرى الدورة الاستدراكية في الأسبوع الأول من شهر يوليوز.",
            "وعبر عدد من الآباء الذين رافقوا أبناءهم إلى مراكز الامتحان عن أملهم في أن تمر "
            "الامتحانات في ظروف جيدة، مطالبين بتوفير الماء والظل للمترشحين في ظل ارتفاع درجات "
            "الحرارة.",
        ),
    )


def _citrus(f: _Fill) -> Story:
    drop, tonnes = f.n(12, 35), f.n(180, 650, 10)
    return Story(
        "agriculture",
        "اقتصاد",
        f"تراجع إنتاج الحوامض في جهة {f.region} بنسبة {drop} في المئة بسبب الجفاف",
        (
            f"توقعت المديرية الجهوية للفلاحة في جهة {f.region} تراجع إنتاج الحوامض خلال الموسم "
            f"الحالي بنسبة {drop} في المئة مقارنة بالموسم الماضي، بسبب توالي سنوات الجفاف "
            "وتقليص حصص مياه السقي المخصصة للضيعات.",
            f"وأوضح {f.man}، المدير الجهوي للفلاحة، في لقاء مع المهنيين بمدينة {f.city}، أن "
            f"الإنتاج المرتقب لن يتجاوز {tonnes} ألف طن، بعدما كان يفوق هذا الرقم بكثير قبل "
            "خمس سنوات.",
            "وأشار إلى أن عدداً من الفلاحين لجؤوا إلى اقتلاع الأشجار المسنة أو تعويضها "
            "بزراعات أقل استهلاكاً للماء، في حين اتجه آخرون إلى السقي بالتنقيط بدعم من صندوق "
            "التنمية الفلاحية.",
            "ويخشى المصدرون أن يؤثر تراجع الإنتاج على حصة المغرب في الأسواق الأوروبية، حيث "
            "تشتد المنافسة مع مصر وتركيا وجنوب إفريقيا.",
            "في المقابل، يتوقع المهنيون ارتفاع أسعار البرتقال والكليمانتين في السوق الداخلية "
            "خلال الأسابيع المقبلة، وهو ما سيثقل كاهل الأسر التي تعاني أصلاً من غلاء الخضر "
            "واللحوم.",
            "ودعت جمعيات منتجي الحوامض الحكومة إلى إطلاق برنامج استعجالي لدعم الضيعات الصغيرة "
            "والمتوسطة، يشمل تأجيل سداد القروض وتخفيض كلفة الطاقة المستعملة في ضخ المياه.",
        ),
    )


_SCORES = ("بهدفين لهدف", "بثلاثة أهداف لهدف", "بهدفين دون رد", "بثلاثة أهداف دون رد")


def _football(f: _Fill) -> Story:
    score, week = f.rng.choice(_SCORES), f.n(14, 29)
    minute, points = f.n(8, 38), f.n(28, 46)
    return Story(
        "sport",
        "رياضة",
        f"اتحاد {f.city} يفوز على شباب {f.other_city} {score} في الدورة {week} من البطولة",
        (
            f"حقق فريق اتحاد {f.city} فوزاً ثميناً على ضيفه شباب {f.other_city} {score}، في "
            f"المباراة التي جمعت بينهما مساء يوم {f.weekday} بالملعب البلدي، برسم الدورة "
            f"{week} من البطولة الوطنية.",
            f"وافتتح الفريق المحلي باب التسجيل في الدقيقة {minute} عن طريق مهاجمه الشاب، بعد "
            "تمريرة عرضية متقنة من الجهة اليسرى، قبل أن يضغط الضيوف بحثاً عن التعادل طيلة ما "
            "تبقى من الشوط الأول.",
            "وفي الشوط الثاني، أجرى المدرب تغييرات هجومية أعطت أكلها، إذ تمكن الفريق من تعزيز "
            "تقدمه، في حين اكتفى الفريق الزائر ببعض المحاولات التي تصدى لها الحارس ببراعة.",
            f"وبهذا الفوز رفع اتحاد {f.city} رصيده إلى {points} نقطة، ليقترب من المربع الذهبي، "
            f"بينما تجمد رصيد شباب {f.other_city} الذي بات مهدداً بالنزول إلى القسم الثاني.",
            "وقال مدرب الفريق في الندوة الصحافية عقب المباراة إن لاعبيه «قدموا مباراة كبيرة "
            "واحترموا التعليمات»، مضيفاً أن الجمهور كان اللاعب رقم واحد في هذه المواجهة.",
            "وعرفت المباراة حضوراً جماهيرياً غفيراً، إذ نفدت التذاكر قبل يومين من موعدها، وسط "
            "إجراءات أمنية مشددة في محيط الملعب.",
        ),
    )


def _festival(f: _Fill) -> Story:
    films, edition = f.n(12, 32), f.n(5, 24)
    received, last = f.rng.choice((300, 400, 500, 600)), min(f.day + 5, 30)
    return Story(
        "culture",
        "ثقافة",
        f"مهرجان {f.city} للفيلم القصير يختار {films} فيلماً لمسابقة دورته الـ{edition}",
        (
            f"كشفت إدارة مهرجان {f.city} للفيلم القصير عن لائحة الأفلام المشاركة في المسابقة "
            f"الرسمية لدورته الـ{edition}، المقررة من {f.day} إلى {last} {f.month} المقبل، "
            f"وتضم {films} فيلماً من المغرب وعدد من البلدان العربية والإفريقية.",
            f"وقالت {f.woman}، مديرة المهرجان، إن لجنة الانتقاء شاهدت أزيد من {received} فيلم "
            "وصلت إلى إدارة المهرجان هذه السنة، وإن الاختيار راعى جودة الكتابة والجرأة في تناول "
            "المواضيع وتنوع التجارب.",
            "وتترأس لجنة التحكيم مخرجة تونسية، وتضم في عضويتها ناقداً سينمائياً مغربياً "
            "وممثلة مصرية ومديراً للتصوير من السنغال.",
            "وإلى جانب المسابقة الرسمية، يتضمن برنامج الدورة ورشات في كتابة السيناريو والمونتاج "
            "لفائدة الشباب، وعروضاً في الهواء الطلق بساحات المدينة، وندوة حول مستقبل القاعات "
            "السينمائية في المدن المتوسطة.",
            "وأكدت إدارة المهرجان أن الدورة ستكرم وجوهاً من الرعيل الأول للسينما المغربية، "
            "اعترافاً بما قدموه للفن السابع رغم قلة الإمكانيات في بداياتهم.",
        ),
    )


def _water_cut(f: _Fill) -> Story:
    districts, km, cost = f.n(11, 34), f.n(3, 9), f.n(12, 80)
    return Story(
        "services",
        "مجتمع",
        f"انقطاع الماء الصالح للشرب عن {districts} حياً في {f.city} يوم {f.weekday}",
        (
            f"أعلنت الشركة الجهوية متعددة الخدمات بجهة {f.region} عن انقطاع التزويد بالماء "
            f"الصالح للشرب عن {districts} حياً بمدينة {f.city} يوم {f.weekday} المقبل، من الساعة "
            "الثامنة صباحاً إلى غاية الساعة السادسة مساء.",
            "وأوضحت الشركة، في بلاغ لها، أن الانقطاع يأتي بسبب أشغال ربط قناة جديدة كبيرة "
            "القطر بالشبكة الرئيسية، في إطار مشروع يهدف إلى تحسين الضغط في الأحياء المرتفعة "
            "وتقليص الضياع في الشبكة.",
            "ودعت الشركة السكان إلى تخزين ما يكفي من الماء لتلبية حاجياتهم خلال فترة الانقطاع، "
            "مؤكدة أنها ستوفر شاحنات صهريجية في النقط الأكثر تضرراً، خاصة قرب المستشفى "
            "والمدارس.",
            "واشتكى عدد من السكان من تكرار الانقطاعات خلال الأشهر الأخيرة، معتبرين أن الإعلان "
            "عنها يأتي متأخراً ولا يترك لهم الوقت الكافي للاستعداد.",
            f"ويقدر طول القناة الجديدة بحوالي {km} كيلومترات، وقد رصدت لها اعتمادات بقيمة {cost} "
            "مليون درهم، على أن تنتهي أشغالها قبل حلول فصل الصيف.",
        ),
    )


def _housing(f: _Fill) -> Story:
    rise, price = f.n(3, 11), f.n(7_500, 16_500, 100)
    return Story(
        "immobilier",
        "اقتصاد",
        f"أسعار الشقق في {f.city} ترتفع بنسبة {rise} في المئة خلال سنة واحدة",
        (
            f"سجلت أسعار الشقق في مدينة {f.city} ارتفاعاً بنسبة {rise} في المئة خلال الاثني "
            "عشر شهراً الماضية، حسب معطيات جمعها الموثقون والوكالات العقارية، في وقت تراجع "
            "فيه عدد المعاملات بشكل ملحوظ.",
            f"وأوضح {f.man}، رئيس المجلس الجهوي للموثقين، أن متوسط سعر المتر المربع في الأحياء "
            f"الوسطى تجاوز {price} درهم، وأن الطلب يتركز على الشقق الصغيرة والمتوسطة القريبة من "
            "المدارس ووسائل النقل.",
            "ويعزو المهنيون هذا الارتفاع إلى غلاء مواد البناء وندرة الوعاء العقاري داخل المدار "
            "الحضري، إضافة إلى إقبال مغاربة العالم على الشراء خلال فصل الصيف.",
            "في المقابل، يشتكي الشباب والأسر ذات الدخل المحدود من صعوبة الولوج إلى السكن، رغم "
            "برنامج الدعم المباشر الذي أطلقته الحكومة، إذ يرون أن قيمة الدعم لا تواكب الزيادات "
            "المتتالية في الأسعار.",
            "ويتوقع المنعشون العقاريون أن تستقر الأسعار خلال السنة المقبلة مع دخول مشاريع جديدة "
            "حيز التسويق في الضواحي، شريطة أن تواكبها الجماعات بتوفير الطرق والمرافق العمومية.",
        ),
    )


STORY_KINDS: tuple[Callable[[_Fill], Story], ...] = (
    _buses,
    _dialysis,
    _exams,
    _citrus,
    _football,
    _festival,
    _water_cut,
    _housing,
)
IMAGE_PATH = "/media/{kind}.jpg"


def news_page(number: int, *, image_root: str = "") -> NewsPage:
    """Article ``number`` (any int ≥ 0): the same page for the same number.

    Its lead image is ``image_root + /media/<kind>.jpg`` (serve one there, e.g. a
    :func:`devtools.card_samples.make_photo`); without ``image_root`` the page names none.
    """
    rng = random.Random(number * 7919 + 17)
    city, region = _CITIES[rng.randrange(len(_CITIES))]
    other = rng.choice([c for c, _ in _CITIES if c != city])
    fill = _Fill(
        rng=rng,
        city=city,
        region=region,
        other_city=other,
        man=rng.choice(_MEN),
        woman=rng.choice(_WOMEN),
        weekday=rng.choice(_DAYS),
        month=rng.choice(_MONTHS),
        day=rng.randrange(1, 26),
    )
    story = STORY_KINDS[number % len(STORY_KINDS)](fill)
    title = story.title
    site, host = _SITES[number % len(_SITES)]
    month = 1 + number % 12
    path = f"/{story.kind}/2026/{month:02d}/{story.kind}-{number}.html"
    url = f"https://{host}{path}"
    image = f"{image_root}{IMAGE_PATH.format(kind=story.kind)}" if image_root else None
    page = _render(story, title, site, url, image, fill, number)
    return NewsPage(number, path, url, title, site, story.paragraphs, page)


def distinct_pages(count: int, *, first: int = 0, image_root: str = "") -> list[NewsPage]:
    """``count`` pages from number ``first`` on, no two with the same headline (a number
    whose draw repeats an earlier headline is skipped)."""
    pages: list[NewsPage] = []
    seen: set[str] = set()
    number = first
    while len(pages) < count:
        page = news_page(number, image_root=image_root)
        if page.title not in seen:
            seen.add(page.title)
            pages.append(page)
        number += 1
    return pages


def _render(
    story: Story,
    title: str,
    site: str,
    url: str,
    image: str | None,
    fill: _Fill,
    number: int,
) -> str:
    rng = fill.rng
    esc = html.escape
    author = rng.choice(_AUTHORS)
    day = fill.day
    month = 1 + number % 12
    published = (
        f"2026-{month:02d}-{day:02d}T{rng.randrange(7, 22):02d}:{rng.randrange(60):02d}:00+01:00"
    )
    published_ar = f"{day} {_MONTHS[month - 1]} 2026"
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": published,
            "author": {"@type": "Person", "name": author},
            "publisher": {"@type": "Organization", "name": site},
        },
        ensure_ascii=False,
    )
    image_meta = f'<meta property="og:image" content="{esc(image)}">' if image else ""
    figure = (
        f'<figure class="lead"><img src="{esc(image)}" alt="{esc(fill.city)}">'
        f"<figcaption>صورة من {esc(fill.city)}</figcaption></figure>"
        if image
        else ""
    )
    menu = "".join(f'<li><a href="/c/{n}">{esc(name)}</a></li>' for n, name in enumerate(_MENU))
    others = rng.sample(_OTHER_HEADLINES, 12)
    ticker = " • ".join(f'<a href="/b/{rng.randrange(10**5)}">{esc(h)}</a>' for h in others[:5])
    related = "".join(
        f'<li><a href="/a/{rng.randrange(10**6)}.html"><img src="/thumbs/{n}.jpg" alt="">'
        f"<span>{esc(h)}</span></a></li>"
        for n, h in enumerate(others[5:])
    )
    comments = "".join(
        f'<div class="comment"><b>{esc(rng.choice(_MEN + _WOMEN))}</b><p>{esc(c)}</p></div>'
        for c in rng.sample(_COMMENTS, rng.randrange(2, 6))
    )
    most_read = "".join(
        f'<li><a href="/m/{rng.randrange(10**6)}.html">{esc(h)}</a></li>'
        for h in rng.sample(_OTHER_HEADLINES, 8)
    )
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in story.paragraphs)
    # Ad and analytics code: bytes an article page carries that extraction must skip.
    script = ";".join(
        f"window.slot{n}=googletag.defineSlot('/2191/{rng.randrange(10**6)}',[300,250],'s{n}')"
        for n in range(120)
    )
    return (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{esc(title)} | {esc(site)}</title>"
        f'<link rel="canonical" href="{esc(url)}">'
        '<meta property="og:type" content="article">'
        f'<meta property="og:title" content="{esc(title)}">'
        f'<meta property="og:site_name" content="{esc(site)}">'
        f'<meta property="og:url" content="{esc(url)}">'
        f'{image_meta}<meta property="article:published_time" content="{published}">'
        f'<meta property="article:section" content="{esc(story.section)}">'
        f'<meta name="author" content="{esc(author)}">'
        f'<script type="application/ld+json">{ld}</script>'
        "<style>body{font-family:sans-serif;direction:rtl}.ticker{overflow:hidden}</style>"
        f"<script>{script}</script></head><body>"
        f'<header><a class="logo" href="/">{esc(site)}</a><nav><ul>{menu}</ul></nav>'
        f'<div class="ticker"><b>عاجل</b> {ticker}</div></header>'
        '<main><article class="post">'
        '<div class="breadcrumb"><a href="/">الرئيسية</a> » '
        f'<a href="/s">{esc(story.section)}</a></div>'
        f'<h1 class="post-title">{esc(title)}</h1>'
        f'<div class="post-meta"><span class="author">{esc(author)}</span> · '
        f'<time datetime="{published}">{published_ar}</time></div>{figure}'
        f'<div class="post-content">{paragraphs}</div>'
        f'<div class="tags">الوسوم: <a href="/t/1">{esc(fill.city)}</a> '
        f'<a href="/t/2">{esc(story.section)}</a></div></article>'
        f'<section class="related"><h3>اقرأ أيضاً</h3><ul>{related}</ul></section>'
        f'<section class="comments"><h3>التعليقات</h3>{comments}</section></main>'
        f"<aside><h3>الأكثر قراءة</h3><ol>{most_read}</ol></aside>"
        f"<footer><p>جميع الحقوق محفوظة © 2026 {esc(site)}</p>"
        '<a href="/contact">اتصل بنا</a> · <a href="/privacy">سياسة الخصوصية</a></footer>'
        "</body></html>"
    )
