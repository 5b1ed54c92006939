"""Key terms: each rule that keeps a sentence piece, a verb or a vague word out of the tags."""

from __future__ import annotations

from bot.ingest.sources import article_from_text
from bot.text.keyterms import family, key_terms


def terms(title: str, text: str) -> list[str]:
    return [term.text for term in key_terms(title, text)]


def test_a_definite_word_then_an_indefinite_one_is_a_sentence_not_a_phrase() -> None:
    text = (
        "الناي آلة موسيقية قديمة. وعرف المصريون الناي آلة للعزف في المعابد. ويصنع الناي من القصب."
    )
    found = terms("", text)
    assert "الناي" in found
    assert "الناي آلة" not in found


def test_a_phrase_never_ends_on_a_noun_waiting_for_its_complement() -> None:
    text = (
        "تستعد مراكش لاحتضان مؤتمر منظمة الإنتربول. ويجمع مؤتمر منظمة الإنتربول قادة الشرطة. "
        "وتعد الإنتربول أكبر منظمة شرطية في العالم."
    )
    found = terms("", text)
    assert "مؤتمر منظمة" not in found
    assert "منظمة الإنتربول" in found or "الإنتربول" in found


def test_verbs_adverbs_and_vague_nouns_are_not_terms() -> None:
    text = (
        "يضرب الجفاف المغرب للعام السادس. ويضرب الجفاف الفلاحين رسمياً في كل موسم. "
        "وتضم المحطة الجديدة محطة ثانية. وتضم المحطة مختبراً للجفاف."
    )
    found = terms("", text)
    assert "الجفاف" in found
    assert not {"يضرب", "ويضرب", "تضم", "وتضم", "رسميا", "محطة", "المحطة"} & set(found)


def test_a_word_with_an_attached_pronoun_is_not_a_term() -> None:
    text = (
        "غنت فيروز للقدس ولبيروت. واسمها الحقيقي نهاد حداد، واسمها الفني اختاره لها حليم الرومي. "
        "وظل اسم فيروز مرتبطاً بالرحابنة."
    )
    found = terms("", text)
    assert "فيروز" in found
    assert not {"اسمها", "واسمها", "فيروز اسمها"} & set(found)


def test_an_adjective_is_tagged_with_its_noun_never_alone() -> None:
    text = (
        "تتوسع الطاقة الشمسية في المغرب. وتنتج الطاقة الشمسية ربع الكهرباء. "
        "وتراهن الحكومة على الطاقة الشمسية والرياح."
    )
    found = terms("", text)
    assert "الطاقة الشمسية" in found
    assert "الشمسية" not in found


def test_an_adjective_after_different_nouns_is_not_a_term_either() -> None:
    text = (
        "افتتح معرض الكتاب في الرباط بمشاركة الدول العربية. ويحتفي المعرض باللغة العربية. "
        "ويخصص المعرض جناحاً للثقافة العربية وللرواية العربية. ويزور المعرض طلاب الرباط."
    )
    found = terms("", text)
    assert "المعرض" in found or "معرض الكتاب" in found
    assert "العربية" not in found


def test_a_preposition_before_a_word_of_the_same_family_is_not_a_name() -> None:
    text = (
        "أطلقت الجمعية نداء لمساعدة الأسر. ووصلت المساعدات إلى القرى. "
        "وتوزع المساعدات على الأسر كل أسبوع."
    )
    found = terms("", text)
    assert "لمساعدة" not in found
    assert "المساعدات" in found


def test_families_join_singular_and_plural() -> None:
    assert family("زلزال") == family("زلازل")
    assert family("ديناصور") == family("ديناصورات")
    assert family("بيروت") != family("يروت")


def test_a_headline_made_from_the_lead_is_not_a_second_mention_of_its_phrases() -> None:
    # Pasted text without a headline line: the headline is the lead's leading clause with its
    # aside («صباح اليوم») and punctuation dropped, so it is not a prefix of the lead. Counted
    # as a sentence of its own, every phrase of the lead would "recur" and become a tag.
    pasted = (
        "دشنت وزارة الفلاحة، صباح اليوم، محطة تحلية مياه البحر في أكادير لتزويد السكان "
        "بالماء الصالح للشرب.\n"
        "وتنتج المحطة مئتي ألف متر مكعب من الماء يومياً حسب المهندسين المشرفين على المشروع.\n"
        "ويعاني سكان أكادير من الجفاف منذ سنوات، وتقول السلطات إن المحطة ستنهي انقطاع الماء."
    )
    article = article_from_text(pasted)
    assert "صباح اليوم" not in article.title  # the aside is gone: not a prefix of the lead
    found = terms(article.title, article.text)
    assert "وزارة الفلاحة" not in found  # said once
    assert "مياه البحر" not in found
    assert "أكادير" in found  # said twice
