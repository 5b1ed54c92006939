from __future__ import annotations

import pytest

from bot.summarize import FallbackReason, validate_summary, within_chars
from bot.summarize.validate import invented_names, numbers_of, unknown_share
from tests.summarize.samples import ARTICLE, TITLE

SOURCE = f"{TITLE}\n{ARTICLE}"
ROOMY = within_chars(1000)
GOOD = (
    "صادق مجلس مدينة الصويرة على مشروع لتحلية مياه البحر بكلفة 450 مليون درهم. "
    "وستوفر المحطة 25 ألف متر مكعب من الماء يوميا."
)


def test_a_faithful_arabic_summary_passes() -> None:
    assert validate_summary(GOOD, SOURCE, fits=ROOMY) is None


def test_arabic_indic_digits_match_the_article_numbers() -> None:
    summary = GOOD.replace("450", "٤٥٠").replace("25", "۲۵")
    assert validate_summary(summary, SOURCE, fits=ROOMY) is None


@pytest.mark.parametrize("number", ["460", "٤٦٠", "45", "450.5"])
def test_invented_numbers_are_refused(number: str) -> None:
    summary = GOOD.replace("450", number)
    assert validate_summary(summary, SOURCE, fits=ROOMY) is FallbackReason.INVENTED_NUMBER


def test_group_separators_do_not_matter() -> None:
    assert numbers_of("بلغ العدد 300,000 زائر و١٢٬٥ طنا") == {"300000", "125"}
    assert numbers_of("بلغ العدد 2.5 مليون") == {"2.5"}


def test_non_arabic_answers_are_refused() -> None:
    english = "The city council of Essaouira approved a 450 million dirham desalination plant."
    assert validate_summary(english, SOURCE, fits=ROOMY) is FallbackReason.NOT_ARABIC


@pytest.mark.parametrize("answer", ["", "   ", "…"])
def test_empty_answers_are_refused(answer: str) -> None:
    assert validate_summary(answer, SOURCE, fits=ROOMY) is FallbackReason.EMPTY


def test_answers_that_do_not_fit_are_refused() -> None:
    assert validate_summary(GOOD, SOURCE, fits=within_chars(60)) is FallbackReason.TOO_LONG


def test_an_invented_month_is_refused_but_a_known_one_passes() -> None:
    assert validate_summary(GOOD + " وتبدأ الأشغال في يونيو.", SOURCE, fits=ROOMY) is (
        FallbackReason.INVENTED_DATE
    )
    assert validate_summary(GOOD + " وتبدأ الأشغال يوم الثلاثاء.", SOURCE, fits=ROOMY) is None


def test_an_invented_latin_name_is_refused() -> None:
    summary = GOOD + " ويمول المشروع بنك Barclays."
    assert validate_summary(summary, SOURCE, fits=ROOMY) is FallbackReason.INVENTED_NAME


def test_an_invented_arabic_name_after_a_title_is_refused() -> None:
    summary = "قال رئيس المجلس سعيد الإدريسي إن المشروع مهم. وأيده الوزير كريم."
    assert invented_names(summary, SOURCE) == ["كريم"]
    assert validate_summary(summary, SOURCE, fits=ROOMY) is FallbackReason.INVENTED_NAME


def test_a_known_name_with_a_clitic_is_accepted() -> None:
    summary = "وأكد رئيس المجلس للإدريسي أن المحطة ستوفر الماء الصالح للشرب."
    assert invented_names(summary, SOURCE) == []


def test_a_summary_that_tells_another_story_is_refused() -> None:
    summary = "انطلقت بطولة كرة السلة للناشئين وسط حضور جماهيري كبير وتنافس قوي بين الفرق."
    assert unknown_share(summary, SOURCE) > 0.5
    assert validate_summary(summary, SOURCE, fits=ROOMY) is FallbackReason.UNSUPPORTED
