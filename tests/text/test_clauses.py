"""Clause boundaries: where a sentence can be cut and still say something whole."""

from __future__ import annotations

import pytest

from bot.text.clauses import (
    clause_ends,
    clause_prefix,
    leading_phrase,
    longest_clause,
    longest_phrase,
    without_asides,
    without_dateline,
)


def cuts(sentence: str) -> list[str]:
    return [clause_prefix(sentence, end) for end in clause_ends(sentence)]


def test_a_comma_before_a_new_clause_is_a_cut() -> None:
    sentence = (
        "سجلت أسعار الخضر والفواكه في أسواق الجملة بالدار البيضاء ارتفاعاً ملحوظاً خلال "
        "الأسبوع الجاري، إذ قفز ثمن الكيلوغرام الواحد من الطماطم إلى 12 درهماً."
    )
    assert cuts(sentence) == [
        "سجلت أسعار الخضر والفواكه في أسواق الجملة بالدار البيضاء ارتفاعاً ملحوظاً خلال "
        "الأسبوع الجاري."
    ]


def test_an_aside_before_the_complement_is_not_a_cut() -> None:
    # «صادق المجلس، مساء الثلاثاء،» has not yet said what was approved.
    sentence = (
        "صادق مجلس مدينة الصويرة، مساء الثلاثاء، على مشروع لتحلية مياه البحر بكلفة 450 مليون "
        "درهم، في دورة استثنائية حضرها 31 عضوا."
    )
    assert cuts(sentence) == [
        "صادق مجلس مدينة الصويرة، مساء الثلاثاء، على مشروع لتحلية مياه البحر.",
        "صادق مجلس مدينة الصويرة، مساء الثلاثاء، على مشروع لتحلية مياه البحر بكلفة 450 "
        "مليون درهم.",
    ]


def test_a_reporting_verb_waits_for_what_was_said() -> None:
    sentence = (
        "قال وزير الفلاحة، خلال ندوة صحفية بالرباط، إن الموسم الفلاحي سيكون متوسطاً بسبب "
        "تأخر الأمطار."
    )
    assert cuts(sentence) == [
        "قال وزير الفلاحة، خلال ندوة صحفية بالرباط، إن الموسم الفلاحي سيكون متوسطاً."
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # «و» before a verb joins a second clause …
        (
            "دخلت المحطة الخدمة في ضواحي أكادير ويعتمد تشغيلها على الطاقة الشمسية طيلة السنة.",
            ["دخلت المحطة الخدمة في ضواحي أكادير."],
        ),
        # … before a name or a verbal noun it adds one more item: no cut.
        ("تزود المحطة الجديدة مدن أكادير وإنزكان وتيزنيت بمياه الشرب منذ صباح اليوم.", []),
        ("تسعى الحكومة إلى تحسين الخدمات الصحية وتطوير البنية التحتية في القرى.", []),
        # only the circumstance put in front: no cut
        ("خلال السنوات العشر الأخيرة، ضاعفت المدينة عدد حدائقها العمومية ثلاث مرات.", []),
        # inside a quotation: no cut
        (
            "وقال رئيس الجمعية في تصريح للصحافة: «لن نقبل بأي حل لا يضمن حقوق الساكنة، مهما "
            "كانت الظروف» قبل أن يغادر القاعة.",
            [],
        ),
        # a relative clause of a noun that stands on its own can go …
        (
            "افتتحت السلطات المحلية بمدينة سلا سوقاً نموذجياً لفائدة الباعة المتجولين الذين "
            "كانوا يعرضون سلعهم على الأرصفة.",
            [
                "افتتحت السلطات المحلية بمدينة سلا سوقاً نموذجياً لفائدة الباعة المتجولين.",
            ],
        ),
        # … not one whose noun a preposition holds, nor the subject of its clause
        ("وشعر الكاتب بالتمزق بين الفلسفة التي يدرسها منذ سنوات والأدب.", []),
        (
            "تنظم المدرسة مسابقة للرسم في نهاية الشهر، حيث بإمكان جميع الأطفال الذين تتراوح "
            "أعمارهم بين أربع واثنتي عشرة سنة المشاركة فيها.",
            ["تنظم المدرسة مسابقة للرسم في نهاية الشهر."],
        ),
    ],
)
def test_cuts(sentence: str, expected: list[str]) -> None:
    assert cuts(sentence) == expected


def test_longest_clause_takes_the_longest_that_fits() -> None:
    sentence = (
        "صادق مجلس مدينة الصويرة، مساء الثلاثاء، على مشروع لتحلية مياه البحر بكلفة 450 مليون "
        "درهم، في دورة استثنائية حضرها 31 عضوا."
    )
    assert longest_clause(sentence, lambda text: len(text) <= 100) == (
        "صادق مجلس مدينة الصويرة، مساء الثلاثاء، على مشروع لتحلية مياه البحر بكلفة 450 مليون درهم."
    )
    assert longest_clause(sentence, lambda text: len(text) <= 40) is None


def test_longest_phrase_also_cuts_before_an_adjunct() -> None:
    sentence = "افتتحت السلطات المحلية بمدينة سلا سوقاً نموذجياً يضم مئتي محل مجهز للباعة."
    assert longest_clause(sentence, lambda text: len(text) <= 60) is None
    assert longest_phrase(sentence, lambda text: len(text) <= 60) == (
        "افتتحت السلطات المحلية بمدينة سلا سوقاً نموذجياً."
    )


def test_without_asides() -> None:
    assert (
        without_asides(
            "توصلت الباحثة سناء بلقاضي، رفقة فريق من جامعة القاضي عياض، إلى تطوير غشاء نباتي."
        )
        == "توصلت الباحثة سناء بلقاضي إلى تطوير غشاء نباتي."
    )
    plain = "سجلت الأسعار ارتفاعاً، إذ قفز ثمن الطماطم."
    assert without_asides(plain) == plain


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        # short enough: the whole sentence, without its full stop
        (
            "أعلنت البلدية إغلاق الشارع الرئيسي أمام السيارات.",
            "أعلنت البلدية إغلاق الشارع الرئيسي أمام السيارات",
        ),
        # the longest leading clause within the words allowed
        (
            "سجلت أسعار الخضر والفواكه في أسواق الجملة بالدار البيضاء ارتفاعاً ملحوظاً، إذ قفز "
            "ثمن الكيلوغرام الواحد من الطماطم إلى 12 درهماً بعد أن كان لا يتجاوز 7 دراهم.",
            "سجلت أسعار الخضر والفواكه في أسواق الجملة بالدار البيضاء ارتفاعاً ملحوظاً",
        ),
        # the aside dropped, then cut before an adjunct
        (
            "توصلت الباحثة المغربية سناء بلقاضي، رفقة فريق من جامعة القاضي عياض بمراكش، إلى "
            "تطوير غشاء نباتي قادر على تنقية المياه المستعملة من المعادن الثقيلة بكلفة تقل "
            "بعشر مرات عن التقنيات المعتمدة حالياً، وفق دراسة نشرتها مجلة علمية دولية.",
            "توصلت الباحثة المغربية سناء بلقاضي إلى تطوير غشاء نباتي قادر على تنقية المياه "
            "المستعملة من المعادن الثقيلة",
        ),
        # no clause within the words allowed: before the verb that starts a new clause
        (
            "افتتحت السلطات المحلية بمدينة سلا سوقاً نموذجياً يضم مئتي محل مجهز لفائدة الباعة "
            "المتجولين من مختلف أحياء المدينة العتيقة والأحياء المجاورة لها.",
            "افتتحت السلطات المحلية بمدينة سلا سوقاً نموذجياً",
        ),
    ],
)
def test_leading_phrase_is_a_whole_phrase(sentence: str, title: str) -> None:
    assert leading_phrase(sentence, 14) == title


def test_leading_phrase_never_cuts_a_phrase_short() -> None:
    # No boundary at all: the whole sentence, however long, rather than «…».
    sentence = " ".join(["كلمة"] * 30) + "."
    assert leading_phrase(sentence, 14) == sentence.rstrip(".")


REST = " أعلنت وزارة الصحة تسجيل انخفاض جديد في عدد الإصابات بالحصبة هذا الأسبوع"


@pytest.mark.parametrize(
    "dateline",
    [
        "الرباط - و م ع -",
        "الرباط – و.م.ع –",
        "الدوحة - (اف ب) -",
        "القاهرة (رويترز) -",
        "جدة - واس -",
        "الدار البيضاء - (الأناضول) -",
        "برلين — د ب أ —",
    ],
)
def test_a_wire_dateline_is_dropped_from_the_start(dateline: str) -> None:
    assert without_dateline(dateline + REST) == REST.strip()
    assert leading_phrase(dateline + REST, 14) == REST.strip()


@pytest.mark.parametrize(
    "sentence",
    [
        # asides between dashes or in brackets are not agencies
        "أعلنت الوزارة - في بلاغ - أن عدد الإصابات بالحصبة انخفض هذا الأسبوع",
        "قال الوزير - مبتسماً - إن عدد الإصابات بالحصبة انخفض هذا الأسبوع",
        "الحكومة (في بلاغ) - أعلنت انخفاض عدد الإصابات بالحصبة هذا الأسبوع",
        # a place and a dash alone open a headline of their own
        "المغرب - إسبانيا: مباراة ودية في طنجة يوم السبت المقبل",
        "الرباط - أعلنت وزارة الصحة انخفاض عدد الإصابات بالحصبة",
        # nothing left to say after it
        "الرباط - و م ع - أعلنت الوزارة",
    ],
)
def test_what_only_looks_like_a_dateline_stays(sentence: str) -> None:
    assert without_dateline(sentence) == sentence
