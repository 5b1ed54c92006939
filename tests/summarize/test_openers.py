"""How a sentence opens: on its own, after a droppable «و», adding on, or leaning back."""

from __future__ import annotations

import pytest

from bot.summarize.openers import (
    Opener,
    introduced_names,
    opener,
    unintroduced_name,
    without_conjunction,
)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        # the news, on its own
        ("سجلت أسعار الخضر ارتفاعاً ملحوظاً هذا الأسبوع.", Opener.PLAIN),
        ("وزارة الصحة تطلق حملة للتلقيح ضد الحصبة.", Opener.PLAIN),  # «و» of the root
        ("وافق البرلمان على مشروع القانون بالأغلبية.", Opener.PLAIN),
        ("البرق هو هذا الضوء المبهر الذي يظهر في السماء.", Opener.PLAIN),  # points ahead
        ("يذكر صاحب التقرير أن الأسعار ارتفعت.", Opener.PLAIN),
        # a «و» that only ties it to the sentence before: drop it and it stands
        ("وبلغت الكلفة الإجمالية للمشروع 2.4 مليار درهم.", Opener.CONJUNCTION),
        ("وتخرجت الباحثة من كلية العلوم بالرباط.", Opener.CONJUNCTION),
        ("ويعتمد الغشاء على ألياف نبات الصبار.", Opener.CONJUNCTION),
        ("وسيعقد المجلس دورة استثنائية الشهر المقبل.", Opener.CONJUNCTION),
        ("وقال ممثل الباعة إن السوق سيحسن ظروف عملهم.", Opener.CONJUNCTION),  # named
        # adds to what came before: fine inside a post, never at its head
        ("كما دعت جمعيات حماية المستهلك إلى تسقيف الأسعار.", Opener.CONNECTIVE),
        ("وفي سياق متصل، أعلنت الوزارة فتح تحقيق.", Opener.CONNECTIVE),
        ("يذكر أن المدينة استقبلت 300 ألف زائر.", Opener.CONNECTIVE),
        # leans on the sentence before
        ("ويرجع مهنيون هذا الارتفاع إلى كثرة الوسطاء.", Opener.REFERENCE),
        ("ويبقى السؤال المطروح هو مدى قدرة هذه الإجراءات على كبح الأسعار.", Opener.REFERENCE),
        ("وأضاف أن البصل والبطاطس حافظا على أثمنتهما.", Opener.REFERENCE),  # who added?
        ("من جهتها، أعلنت السلطات المحلية تشكيل لجان للمراقبة.", Opener.REFERENCE),
        ("وهي المرة الأولى التي تنظم فيها المدينة هذا الحدث.", Opener.REFERENCE),
        ("إلا أن المعارضة رفضت المشروع.", Opener.REFERENCE),
        ("وقال الأخير إن الأشغال ستنتهي قريباً.", Opener.REFERENCE),
    ],
)
def test_opener(sentence: str, kind: Opener) -> None:
    assert opener(sentence) is kind


def test_a_waw_the_article_vouches_for_is_a_conjunction() -> None:
    sentence = "والمحطة جاهزة للاستغلال منذ أسبوع."
    assert opener(sentence) is Opener.CONNECTIVE  # no evidence: could be anything
    assert opener(sentence, frozenset({"المحطه"})) is Opener.CONJUNCTION


def test_without_conjunction() -> None:
    assert without_conjunction("وبلغت الكلفة 2.4 مليار درهم.") == "بلغت الكلفة 2.4 مليار درهم."
    assert without_conjunction("و تعني كلمة العود الخشب.") == "تعني كلمة العود الخشب."


ARTICLE = [
    "قال رئيس المجلس سعيد الإدريسي إن المحطة ستدخل الخدمة في الصيف.",
    "وأكد وزير الداخلية عبد الوافي لفتيت أن الأشغال تسير وفق الجدول المحدد.",
    "وقال الدكتور نايف بن محمد العبادي، الرئيس التنفيذي لمدينة دبي للإنترنت، إن الجائزة مستحقة.",
    "وردّ الإدريسي بأن الدراسة البيئية أنجزت.",
]


def test_people_introduced_by_role_and_full_name() -> None:
    names = introduced_names(ARTICLE)
    assert {surname: (name.first, name.sentence) for surname, name in names.items()} == {
        "الادريسي": ("سعيد", 0),
        "لفتيت": ("عبد", 1),
        "العبادي": ("نايف", 2),
    }


def test_a_surname_alone_needs_its_introduction_on_show() -> None:
    names = introduced_names(ARTICLE)
    reply = ARTICLE[3]
    assert unintroduced_name(reply, names, hidden=[0, 1, 2], shown=["المحطة جاهزة"])
    assert not unintroduced_name(reply, names, hidden=[1, 2], shown=[ARTICLE[0]])
    # the headline names him: the reader has met him
    assert not unintroduced_name(reply, names, hidden=[0, 1, 2], shown=["الإدريسي يرد"])
    # introduced in full in the sentence itself
    assert not unintroduced_name(ARTICLE[0], names, hidden=[0, 1, 2], shown=[])
