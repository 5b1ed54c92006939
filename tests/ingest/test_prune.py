"""Pruning a page before extraction: what goes, and what must stay."""

from __future__ import annotations

from lxml.html import HtmlElement, document_fromstring

from bot.ingest.prune import prune_page

PARAGRAPH = (
    "أعلنت وزارة التجهيز والماء أن أشغال توسعة الطريق الساحلي بين الجديدة وآسفي ستنتهي قبل "
    "نهاية السنة الجارية، بعد تأخر دام أكثر من عامين بسبب نزع ملكية الأراضي المجاورة."
)


def page(body: str) -> HtmlElement:
    return document_fromstring(
        f'<html dir="rtl"><head><title>خبر</title></head><body>{body}</body></html>'
    )


def text(tree: HtmlElement) -> str:
    return " ".join(tree.text_content().split())


def test_scripts_styles_frames_and_comments_go_but_the_text_around_them_stays() -> None:
    tree = page(
        f"<div><p>{PARAGRAPH}</p><script>var ads = 1;</script>بعد السكريبت"
        "<!-- شريط الإعلانات -->بعد التعليق<style>p{{}}</style><iframe src='x'></iframe>"
        "<noscript>فعّل جافاسكريبت</noscript><select><option>اختر القسم</option></select></div>"
    )
    prune_page(tree)
    assert "var ads" not in text(tree) and "فعّل" not in text(tree) and "اختر" not in text(tree)
    assert "بعد السكريبت" in text(tree) and "بعد التعليق" in text(tree)
    assert not tree.xpath("//comment()|//script|//style|//iframe|//noscript|//select")


def test_json_ld_is_kept_for_the_metadata_readers() -> None:
    tree = page(
        f'<script type="application/ld+json">{{"datePublished": "2026-03-14"}}</script>'
        f"<p>{PARAGRAPH}</p>"
    )
    prune_page(tree)
    assert tree.xpath("//script[@type='application/ld+json']")


def test_a_menu_goes_but_a_paragraph_full_of_links_stays() -> None:
    menu = " | ".join(
        f'<a href="/{n}">{name}</a>'
        for n, name in enumerate(("الرئيسية", "سياسة", "اقتصاد", "رياضة", "ثقافة"))
    )
    linked_paragraph = (
        'قال <a href="/a">وزير الداخلية</a> إن <a href="/b">الانتخابات الجماعية</a> ستجري في '
        '<a href="/c">موعدها المحدد</a> رغم طلب عدد من الأحزاب تأجيلها إلى ما بعد الصيف، مؤكداً '
        "أن اللوائح الانتخابية ستراجع قبل نهاية الشهر المقبل في جميع الجماعات."
    )
    tree = page(f'<div class="top">{menu}</div><div><p>{linked_paragraph}</p></div>')
    report = prune_page(tree)
    assert "الرئيسية" not in text(tree) and "سياسة" not in text(tree)
    assert "وزير الداخلية" in text(tree) and "اللوائح الانتخابية" in text(tree)
    assert report.menus == 1


def test_a_block_naming_the_author_stays_even_when_it_is_mostly_links() -> None:
    tree = page(
        '<div class="byline"><a rel="author" href="/u/1">سلمى بنعيسى</a> <a href="/t/1">اقتصاد</a>'
        f' <a href="/t/2">الماء</a> <a href="/t/3">أكادير</a></div><p>{PARAGRAPH}</p>'
    )
    prune_page(tree)
    assert "سلمى بنعيسى" in text(tree)


def test_a_form_wrapping_the_whole_page_stays_a_poll_form_goes() -> None:
    tree = page(
        '<form id="aspnetForm"><input type="hidden" name="__VIEWSTATE" value="xyz">'
        f"<div><p>{PARAGRAPH}</p></div>"
        '<form action="/poll"><b>استطلاع الرأي</b> هل تؤيد القرار؟'
        '<input type="radio" name="v" value="1"> نعم <input type="radio" name="v" value="2"> لا'
        "</form></form>"
    )
    prune_page(tree)
    assert "أشغال توسعة الطريق" in text(tree)
    assert "استطلاع" not in text(tree) and "هل تؤيد" not in text(tree)
    assert not tree.xpath("//input")


def test_a_login_form_stays_for_the_login_page_check() -> None:
    tree = page(
        '<form action="/login">اسم المستخدم <input name="u"> كلمة المرور '
        '<input type="password" name="p"></form>'
    )
    prune_page(tree)
    assert "كلمة المرور" in text(tree)


def test_a_poll_without_a_form_goes_with_its_box() -> None:
    tree = page(
        f"<table><tr><td><p>{PARAGRAPH}</p></td>"
        '<td><div class="box">من سيفوز باللقب هذا الموسم؟<br>'
        '<input type="radio" name="c"> الرجاء<br><input type="radio" name="c"> الوداد</div>'
        "</td></tr></table>"
    )
    prune_page(tree)
    assert "من سيفوز" not in text(tree) and "الوداد" not in text(tree)
    assert "أشغال توسعة الطريق" in text(tree)


def test_widget_boxes_go_by_their_title() -> None:
    tree = page(
        f"<div><p>{PARAGRAPH}</p>"
        "<table><tr><td><b>حالة الطقس</b></td></tr><tr><td>وهران: 19° غائم جزئياً</td></tr>"
        "<tr><td>الجزائر: 17° ممطر</td></tr></table>"
        "<div><h3>مواقيت الصلاة</h3><span>الفجر 4:38</span> <span>الظهر 11:52</span></div></div>"
    )
    report = prune_page(tree)
    assert "غائم" not in text(tree) and "الفجر" not in text(tree)
    assert "أشغال توسعة الطريق" in text(tree)
    assert report.widgets == 2


def test_a_sentence_that_starts_like_a_widget_title_is_not_a_widget() -> None:
    sentence = "استطلاع الرأي الأخير يضع حزب الاستقلال في المقدمة"
    tree = page(f"<div><h2>{sentence}</h2><p>{PARAGRAPH}</p></div>")
    prune_page(tree)
    assert sentence in text(tree)


def test_layout_tables_become_blocks_data_tables_stay() -> None:
    tree = page(
        "<table><tr><td><table><tr><td>القائمة</td></tr></table></td>"
        f"<td>{PARAGRAPH}<br><br>{PARAGRAPH}"
        '<table class="standings"><tr><th>الفريق</th><th>النقاط</th></tr>'
        "<tr><td>الجيش الملكي</td><td>46</td></tr></table></td></tr></table>"
        '<table><tr><td class="pullquote">«لن نتراجع عن هذا المشروع مهما كانت الظروف»، '
        "قال الوزير في ختام اللقاء الذي جمعه بالمنتخبين المحليين ورؤساء الجماعات الترابية "
        "المعنية بالطريق الساحلي وممثلي المجتمع المدني في الإقليم، مضيفاً أن الحكومة رصدت "
        "الاعتمادات اللازمة لإتمام الأشغال في الآجال المحددة.</td></tr></table>"
    )
    report = prune_page(tree)
    outer = tree.body[0]
    assert outer.tag == "div" and [cell.tag for cell in outer[0]] == ["div", "div"]
    assert report.layout_tables == 1
    # The small table inside, the standings and the one-cell pull quote stay tables.
    assert len(tree.xpath("//table")) == 3
    assert tree.xpath("//table[@class='standings']/tr/td")


def test_the_report_counts_elements() -> None:
    tree = page(f"<div><script>x</script><p>{PARAGRAPH}</p></div>")
    report = prune_page(tree)
    assert report.elements_before > report.elements_after


def test_a_short_line_of_linked_names_is_left_to_the_line_filter() -> None:
    line = (
        'بحضور <a href="/p/1">عبد الله العروي</a> و<a href="/p/2">فاطمة المرنيسي</a>'
        ' و<a href="/p/3">محمد برادة</a>.'
    )
    tree = page(f"<div><p>{PARAGRAPH}</p><p>{line}</p></div>")
    prune_page(tree)
    assert "فاطمة المرنيسي" in text(tree)


def test_a_table_pasted_from_a_word_processor_stays_a_table() -> None:
    rows = "".join(
        f"<tr><td><p>{city}</p></td><td><p>{rate}</p></td></tr>"
        for city, rate in (("الرباط", "12.4"), ("فاس", "15.1"), ("طنجة", "9.8"))
    )
    tree = page(f"<div><p>{PARAGRAPH}</p><table>{rows}</table></div>")
    assert prune_page(tree).layout_tables == 0
    assert len(tree.xpath("//table/tr/td")) == 6


def test_a_short_story_in_a_page_wide_form_stays() -> None:
    tree = page(
        '<form id="aspnetForm"><h1>انقطاع الكهرباء عن وسط المدينة</h1>'
        "<p>انقطع التيار الكهربائي صباح اليوم عن أحياء وسط المدينة لمدة ساعتين.</p>"
        "<p>وقالت الشركة إن العطب أصلح وإن التيار عاد إلى جميع المشتركين.</p></form>"
    )
    prune_page(tree)
    assert "انقطع التيار" in text(tree)


def test_a_crosshead_inside_a_story_is_not_a_widget_title() -> None:
    tree = page(
        f"<article><p>{PARAGRAPH}</p><h3>أسعار الذهب</h3><p>{PARAGRAPH}</p>"
        f"<h3>الطقس</h3><p>{PARAGRAPH}</p></article>"
    )
    prune_page(tree)
    assert "أسعار الذهب" in text(tree) and "الطقس" in text(tree)
