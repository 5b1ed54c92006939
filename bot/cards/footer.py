"""The footer row: site name, dates and (optionally) the logo, as separate segments.

Each item is drawn on its own, laid from the right edge leftwards with a dot between them.
Drawn as one string, bidi would pull «14» next to a Latin site name and away from its month
(the research notes' pitfall 2); separate segments cannot be reordered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image

from bot.cards.colors import RGB
from bot.cards.plan import CardText, Plan, Shape
from bot.cards.shaping import Run
from bot.cards.wrap import ink_pad

if TYPE_CHECKING:
    from bot.cards.compose import Planner

Segment = tuple[str, Run, RGB]  # role, text, colour


def _gap(size: int) -> tuple[int, int]:
    """(space on each side of a separator dot, the dot's radius) for footer ``size``."""
    return round(size * 0.55), max(round(size * 0.09), 2)


def _width(planner: Planner, segments: list[Segment], size: int) -> float:
    space, dot = _gap(size)
    widths = sum(
        planner.wrapper.measure(run, size, run.text, recurring=True) for _, run, _ in segments
    )
    return widths + (2 * space + 2 * dot) * max(len(segments) - 1, 0)


def _lay(
    planner: Planner, plan: Plan, segments: list[Segment], size: int, x_right: float,
    baseline: float,
) -> None:  # fmt: skip
    space, dot = _gap(size)
    for index, (role, run, color) in enumerate(segments):
        if index:
            cy = round(baseline - size * 0.3)
            box = (round(x_right - space - 2 * dot), cy - dot, round(x_right - space), cy + dot)
            plan.shapes.append(Shape("dot", box, planner.palette.footer))
            x_right -= 2 * space + 2 * dot
        plan.texts.append(planner.item(role, run, size, color, x_right, baseline))
        x_right -= planner.wrapper.measure(run, size, run.text, recurring=True)


def place_footer(
    planner: Planner, plan: Plan, text: CardText, left: int, right: int, bottom: int,
    logo: Image.Image | None,
) -> int:  # fmt: skip
    """Place the footer row above ``bottom``; return the lowest y the headline may use."""
    lay, theme, pal = planner.layout, planner.theme, planner.palette
    size = lay.footer_size
    site: list[Segment] = []
    if theme.elements.site_name:
        site = [("site_name", planner.run(text.site_name, theme.fonts.site_name), pal.site_name)]
    dates: list[Segment] = []
    if theme.elements.date:
        dates = [("date", planner.run(d, theme.fonts.footer), pal.footer) for d in text.dates]
    site, dates = [s for s in site if s[1].text], [d for d in dates if d[1].text]
    if not site and not dates and logo is None:
        return bottom

    extents = [planner.engine.extents(run, size) for _, run, _ in site + dates]
    ascent = max((e[0] for e in extents), default=0)
    descent = max((e[1] for e in extents), default=0)
    row = max(ascent + descent, logo.height if logo is not None else 0)
    row_top = bottom - row
    baseline = row_top + (row - ascent - descent) / 2 + ascent
    start, end = right, left
    logo_left = theme.logo_position.left
    if logo is not None:
        planner.place_logo(plan, logo, left, right, row_top, row, logo_left)
        if logo_left:
            end += logo.width + round(size * 0.8)
        else:
            start -= logo.width + round(size * 0.8)

    pad = ink_pad(size)
    room = start - end - 2 * pad - size * 1.5  # keep a clear gap between the two groups

    def groups() -> tuple[list[Segment], list[Segment]]:
        # Dates sit at the far (left) end; when the logo holds that end they follow the name.
        return (site + dates, []) if logo is not None and logo_left else (site, dates)

    def used() -> float:
        first, second = groups()
        return _width(planner, first, size) + _width(planner, second, size)

    while len(dates) > 1 and used() > room:
        dates.pop()  # the Hijri date goes first when the row is too narrow
    if site and used() > room:
        role, run, color = site[0]
        spare = room - (used() - planner.wrapper.measure(run, size, run.text, recurring=True))
        shown = planner.wrapper.ellipsize(
            run, size, [run.text], 1, max(spare, size * 3), recurring=True
        )[0]
        site[0] = (role, Run(shown, run.face, run.direction, run.marks), color)
    first, second = groups()
    _lay(planner, plan, first, size, start - pad, baseline)
    if second:
        _lay(planner, plan, second, size, end + pad + _width(planner, second, size), baseline)

    if theme.elements.rule:
        y = row_top - round(lay.gap * 0.7)
        plan.shapes.append(Shape("rule", (left, y, right, y + 2), pal.rule, opacity=0.22))
        return y - round(lay.gap * 0.7)
    return row_top - lay.gap
