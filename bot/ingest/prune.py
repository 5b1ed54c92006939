"""Prune a parsed page once, in place, before the extractors see it.

Everything removed here is never article text: scripts and styles, comment blocks, form
controls, embedded frames, navigation menus and other blocks made almost only of links,
widget boxes (polls, «الأكثر قراءة», weather, prayer times, currency rates) and forms that do
not wrap the page. Pages get smaller — a heavy page loses most of its elements — so every
later pass (trafilatura's cascade, readability, the link index) is faster, and the
extractors no longer mistake a menu or a poll for part of the story.

Old table-layout sites need one more step: a table that lays out the page (it holds other
tables, or a cell holds running text) becomes plain ``div`` blocks, so its cells are read as
sections of a page and not as rows of data. Tables of data (scores, standings, figures)
stay tables.

The pruning decisions use one bottom-up measure of every element: how much text it holds,
how much of it sits in links, and whether it holds a run of prose (a text node of
``PROSE_CHARS`` characters or more outside links). A block with prose is never removed as
a menu or a widget, so an article paragraph full of links survives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from bot.text.arabic import normalize_for_matching

# Elements that never hold article text. Head <link>/<meta>/<title> are kept: the metadata
# readers use them. JSON-LD scripts are kept for the same reason.
_JUNK_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "frame", "frameset",
    "object", "embed", "applet", "marquee", "select", "textarea", "button", "map", "audio",
    "video", "dialog",
)  # fmt: skip
# Where a block of links may sit without being a menu: the document itself.
_NEVER_DROP = frozenset({"html", "body", "head"})
# Containers that can be a widget box; menus and link lists are taken at the level of blocks
# that hold lines (a paragraph or a span of links is left to the line filter, which knows the
# page's link texts: a sentence naming three linked people is text).
_BLOCKS = frozenset(
    {
        "div", "ul", "ol", "dl", "table", "tbody", "thead", "tfoot", "tr", "td", "th",
        "nav", "section", "aside", "header", "footer", "article", "center", "menu", "form",
        "font", "span", "li", "p",
    }
)  # fmt: skip
_MENU_BLOCKS = _BLOCKS - {"p", "span", "font", "li"}
# A text node this long (characters, outside links) is prose: its block is content.
PROSE_CHARS = 120
# A menu or link list: at least this many links holding at least this share of the text; or,
# for a grid of teasers (linked headline, one-line summary), more links and a lower share.
MENU_MIN_LINKS = 3
MENU_LINK_SHARE = 0.7
TEASERS_MIN_LINKS = 8
TEASERS_LINK_SHARE = 0.35
# A widget box (poll, «most read», weather …) holds at most this much text.
WIDGET_MAX_CHARS = 700
# A table cell holding more text than this (or prose) makes its table a layout table.
LAYOUT_CELL_CHARS = 250
_TABLE_PARTS = frozenset({"tbody", "thead", "tfoot", "tr", "td", "th", "caption"})
_SPACES = re.compile(r"\s+")
_LABEL_PUNCT = re.compile(r"[\s:：.…»«\-–—|()]+")
# Titles of widget boxes, written in ordinary spelling and folded like the page text. Only
# titles that do not also serve as crossheads inside a story («أسعار الذهب», «الطقس»).
_WIDGET_LABELS = tuple(
    normalize_for_matching(label).casefold()
    for label in (
        "استطلاع الرأي", "استطلاع", "استفتاء", "صوت معنا", "صوتوا معنا", "شارك في الاستطلاع",
        "شارك برأيك", "الأكثر قراءة", "الأكثر مشاهدة", "الأكثر تعليقا", "الأكثر تداولا",
        "الأكثر شعبية", "حالة الطقس", "أحوال الطقس", "أسعار العملات", "أسعار الصرف",
        "مواقيت الصلاة", "أوقات الصلاة", "أرشيف الأعداد", "مواضيع ذات صلة", "أخبار ذات صلة",
        "أخبار متعلقة", "مقالات ذات صلة", "روابط ذات صلة", "النشرة البريدية",
        "القائمة البريدية", "most read", "most popular", "related articles", "les plus lus",
    )
)  # fmt: skip
_WIDGET_LABEL = re.compile(
    r"^(?:" + "|".join(re.escape(label) for label in sorted(_WIDGET_LABELS, key=len)[::-1]) + r")"
)
_LABEL_MAX_WORDS = 6
_LABEL_MAX_CHARS = 60
# An element marked as the author's name or link (class, id, rel or itemprop); the block
# around it stays even when it looks like a menu, because metadata readers look for it there.
_BYLINE_MARK = re.compile(r"author|byline", re.I)


@dataclass(slots=True)
class _Measure:
    chars: int = 0  # text characters inside the element (its own tail excluded)
    link_chars: int = 0  # of which inside <a>
    links: int = 0  # <a> elements with text
    prose: bool = False  # a text node of PROSE_CHARS or more outside links
    radios: int = 0  # radio buttons and check boxes (polls)
    password: bool = False  # a password field (login forms are judged later, not here)
    byline: bool = False  # the author's name or link: metadata readers look for it here


@dataclass(frozen=True, slots=True)
class PruneReport:
    """What :func:`prune_page` removed (for logs and benchmarks)."""

    elements_before: int
    elements_after: int
    menus: int
    widgets: int
    layout_tables: int


def _size(text: str | None) -> int:
    return len(text.strip()) if text else 0


def _drop(element: etree._Element) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _drop_junk(tree: HtmlElement) -> None:
    doomed: list[etree._Element] = list(tree.iter(etree.Comment, etree.ProcessingInstruction))
    for element in tree.iter(*_JUNK_TAGS):
        if element.tag == "script" and "json" in (element.get("type") or "").lower():
            continue
        doomed.append(element)
    # Remove outermost first; an element already detached with its parent is skipped.
    for element in doomed:
        _drop(element)


def _measure(tree: HtmlElement) -> dict[HtmlElement, _Measure]:
    """Every element's measure, computed bottom-up in one pass."""
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    measures: dict[HtmlElement, _Measure] = {}
    for element in reversed(elements):  # descendants come before their ancestors
        measure = _Measure()
        own = _size(element.text)
        is_link = element.tag == "a"
        measure.chars = own
        if is_link:
            measure.link_chars = own
        elif own >= PROSE_CHARS:
            measure.prose = True
        get = element.get
        marks = f"{get('class', '')} {get('id', '')} {get('rel', '')} {get('itemprop', '')}"
        measure.byline = _BYLINE_MARK.search(marks) is not None
        if element.tag == "input":
            kind = (element.get("type") or "").lower()
            measure.radios = int(kind in {"radio", "checkbox"})
            measure.password = kind == "password"
        for child in element:
            tail = _size(child.tail)
            measure.chars += tail
            if is_link:
                measure.link_chars += tail
            elif tail >= PROSE_CHARS:
                measure.prose = True
            child_measure = measures.get(child)
            if child_measure is None:
                continue
            measure.chars += child_measure.chars
            measure.link_chars += child_measure.chars if is_link else child_measure.link_chars
            measure.links += child_measure.links
            measure.prose = measure.prose or (child_measure.prose and not is_link)
            measure.radios += child_measure.radios
            measure.password = measure.password or child_measure.password
            measure.byline = measure.byline or child_measure.byline
        if is_link and measure.chars:
            measure.links += 1
        measures[element] = measure
    return measures


def _is_menu(measure: _Measure) -> bool:
    if measure.prose or measure.byline:
        return False
    share = measure.link_chars / measure.chars if measure.chars else 0.0
    return (measure.links >= MENU_MIN_LINKS and share >= MENU_LINK_SHARE) or (
        measure.links >= TEASERS_MIN_LINKS and share >= TEASERS_LINK_SHARE
    )


def _is_small_box(measure: _Measure) -> bool:
    return (
        measure.chars <= WIDGET_MAX_CHARS
        and not measure.prose
        and not measure.password
        and not measure.byline
    )


def _label(element: HtmlElement) -> bool:
    """The element's whole text is a widget title («استطلاع الرأي», «الأكثر قراءة» …)."""
    text = element.text_content()
    if not text or len(text.split()) > _LABEL_MAX_WORDS:
        return False
    folded = _LABEL_PUNCT.sub(" ", normalize_for_matching(text).casefold()).strip()
    match = _WIDGET_LABEL.match(folded)
    return match is not None and (match.end() == len(folded) or folded[match.end()] == " ")


def _box_around(element: HtmlElement, measures: dict[HtmlElement, _Measure]) -> HtmlElement:
    """The largest block around ``element`` that is still a small box without prose."""
    box = element
    for ancestor in element.iterancestors():
        measure = measures.get(ancestor)
        if ancestor.tag in _NEVER_DROP or measure is None or not _is_small_box(measure):
            break
        if ancestor.tag in _BLOCKS:
            box = ancestor
    return box


def _holds_story(form: HtmlElement) -> bool:
    """A form around the headline or an <article>: the page's wrapper (ASP.NET), even when
    the story is short."""
    return form.find(".//h1") is not None or form.find(".//article") is not None


def _is_widget_title(element: HtmlElement, measure: _Measure) -> bool:
    return (
        element.tag != "a"
        and 0 < measure.chars <= _LABEL_MAX_CHARS
        and measure.links == 0
        and _label(element)
    )


def _widget_anchors(measures: dict[HtmlElement, _Measure]) -> list[HtmlElement]:
    """Elements that mark a widget: a title such as «استطلاع الرأي», a poll's buttons, a
    form that does not wrap the page."""
    anchors: list[HtmlElement] = []
    for element, measure in measures.items():
        if element.tag in _NEVER_DROP:
            continue
        small = _is_small_box(measure)
        if (
            (small and element.tag == "form" and not _holds_story(element))
            or (small and measure.radios >= 2)
            or _is_widget_title(element, measure)
        ):
            anchors.append(element)
    return anchors


def _choose_drops(
    tree: HtmlElement, measures: dict[HtmlElement, _Measure]
) -> tuple[set[HtmlElement], set[HtmlElement]]:
    """Widget boxes and menus to remove (possibly nested in one another)."""
    widgets: set[HtmlElement] = set()
    for anchor in _widget_anchors(measures):
        widgets.add(_box_around(anchor, measures))
    menus: set[HtmlElement] = set()
    body = tree.find("body")
    stack = list(body if body is not None else tree)
    while stack:  # top-down: the outermost menu is taken whole
        element = stack.pop()
        if not isinstance(element.tag, str) or element in widgets:
            continue
        measure = measures.get(element)
        if measure is None:
            continue
        if element.tag in _MENU_BLOCKS and _is_menu(measure):
            menus.add(element)
            continue
        stack.extend(element)
    return widgets, menus


def _outermost(elements: set[HtmlElement]) -> list[HtmlElement]:
    return [
        element
        for element in elements
        if not any(ancestor in elements for ancestor in element.iterancestors())
    ]


def _cells(table: HtmlElement) -> list[HtmlElement]:
    return table.xpath("./tr/td|./tr/th|./*/tr/td|./*/tr/th")


def _is_layout_table(table: HtmlElement) -> bool:
    """A table that places blocks on the page: it holds another table, or it has several
    cells and one of them holds running text (a <p> alone does not count: tables pasted
    from a word processor wrap every datum in one). A one-cell table is a framed box (a
    pull quote, a note) and is left alone."""
    if table.find(".//table") is not None:
        return True
    cells = _cells(table)
    if len(cells) < 2:
        return False
    for cell in cells:
        text = cell.text_content()
        if len(text) > LAYOUT_CELL_CHARS and len(_SPACES.sub(" ", text)) > LAYOUT_CELL_CHARS:
            return True
    return False


def _unwrap_layout_tables(tree: HtmlElement) -> int:
    """Layout tables become nested ``div`` blocks; data tables stay. Returns the count."""
    layout = [table for table in tree.iter("table") if _is_layout_table(table)]
    for table in layout:
        parts = [table, *table.xpath("./*|./*/tr|./tr/*|./*/tr/*")]
        for part in parts:
            if part is table or part.tag in _TABLE_PARTS:
                part.tag = "div"
                for attribute in ("colspan", "rowspan", "cellpadding", "cellspacing"):
                    part.attrib.pop(attribute, None)
    return len(layout)


def prune_page(tree: HtmlElement) -> PruneReport:
    """Remove, in place, what is never article text, and turn layout tables into blocks.

    Args:
        tree: the parsed page. Read whatever needs the whole page (head metadata, password
            fields) before calling this.

    Returns:
        Counts of what was done.
    """
    before = sum(1 for _ in tree.iter())
    _drop_junk(tree)
    measures = _measure(tree)
    widgets, menus = _choose_drops(tree, measures)
    doomed = _outermost(widgets | menus)
    for element in doomed:
        _drop(element)
    for element in list(tree.iter("input")):
        _drop(element)
    layout_tables = _unwrap_layout_tables(tree)
    return PruneReport(
        elements_before=before,
        elements_after=sum(1 for _ in tree.iter()),
        menus=sum(element in menus for element in doomed),
        widgets=sum(element in widgets for element in doomed),
        layout_tables=layout_tables,
    )
