"""Layout: where every element of a card goes, computed before anything is painted.

Right-to-left throughout: the kicker and the site name start at the right edge, the logo
sits opposite, footer items are separate segments laid from the right (so bidi never moves
a date next to a Latin site name). The headline block takes whatever height the top row and
the footer leave, and sits at the top, centre or bottom of it as the theme asks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import NamedTuple

from PIL import Image

from bot.cards.colors import RGB
from bot.cards.fonts import FontFace
from bot.cards.footer import place_footer
from bot.cards.labels import strip_shown_label
from bot.cards.layouts import Anchor, SizeLayout
from bot.cards.palette import Palette
from bot.cards.plan import RECURRING_ROLES, CardText, Plan, Shape, TextItem
from bot.cards.shaping import Direction, Run, TextEngine
from bot.cards.themes import KickerPlacement, KickerStyle, Theme
from bot.cards.wrap import TextBlock, Wrapper, ink_pad


class Kicker(NamedTuple):
    run: Run
    width: int  # the chip's (or the text's) width
    height: int
    shown: str  # the label, ellipsized if it was too long


class Planner:
    """Lay out one card for one theme and size."""

    def __init__(
        self,
        engine: TextEngine,
        theme: Theme,
        palette: Palette,
        layout: SizeLayout,
        fallbacks: Mapping[int, FontFace],
    ) -> None:
        self.engine, self.wrapper = engine, Wrapper(engine)
        self.theme, self.palette, self.layout = theme, palette, layout
        self.fallbacks = fallbacks  # weight → the fallback face at that weight

    def run(self, text: str, face: FontFace) -> Run:
        return self.engine.prepare(text, face, self.fallbacks[face.weight])

    def item(
        self, role: str, run: Run, size: int, color: RGB, x: float, baseline: float, *,
        align_right: bool = True, on_chip: bool = False, text: str | None = None,
    ) -> TextItem:  # fmt: skip
        line = run.text if text is None else text
        width = self.wrapper.measure(run, size, line, recurring=role in RECURRING_ROLES)
        ascent, descent = self.engine.extents(run, size)
        left = x - width if align_right else x
        pad = ink_pad(size)
        slot = (
            math.floor(left) - pad,
            math.floor(baseline - ascent),
            math.ceil(left + width) + pad,
            math.ceil(baseline + descent),
        )
        return TextItem(
            role, line, run.face, size, color, x, baseline, "rs" if align_right else "ls",
            run.direction, slot, on_chip,
        )  # fmt: skip

    def plan(
        self, size: tuple[int, int], text: CardText, logo: Callable[[int], Image.Image] | None
    ) -> Plan:
        """Positions of every shape and line for a card of ``size`` pixels.

        ``logo`` returns the publisher's logo scaled to a height (None: no logo).
        """
        width, height = size
        lay, theme = self.layout, self.theme
        left, top, right, bottom = lay.content_area(width, height)
        plan = Plan()
        if theme.elements.accent_bar and lay.accent_bar > 0:
            bar = (width - lay.accent_bar, 0, width, height)
            plan.shapes.append(Shape("box", bar, self.palette.accent_bar))
        show_logo = logo is not None and theme.elements.logo
        kicker = self._kicker(text.kicker, right - left) if text.kicker else None
        if kicker is not None and not theme.elements.kicker:
            kicker = None
        # «عاجل» once: a label the band or the section chip shows leaves the headline.
        shown = [theme.band_text] if theme.elements.band else []
        if kicker is not None and text.kicker:
            shown.append(text.kicker)
        text = replace(text, headline=strip_shown_label(text.headline, shown))

        region_top = top
        if theme.elements.band:
            band_top = lay.safe_area(width, height)[1]  # the band runs to the edge of the crop
            band_bottom = self._band(
                plan, width, band_top, left, right, logo if show_logo else None
            )
            region_top = max(band_bottom + lay.gap, top)
            show_logo = show_logo and not theme.logo_position.top  # the band took it
        # With a band, the band is the top row: a kicker then rides above the headline.
        kicker_on_top = (
            kicker is not None
            and theme.kicker_placement is KickerPlacement.TOP
            and not theme.elements.band
        )
        logo_on_top = show_logo and theme.logo_position.top and not theme.elements.band
        row = max(kicker.height if kicker_on_top else 0, lay.logo_height if logo_on_top else 0)
        logo_left = theme.logo_position.left
        if row:
            if kicker_on_top:
                # The kicker starts at the right edge unless the logo is there.
                x = left + kicker.width if logo_on_top and not logo_left else right
                self._place_kicker(plan, kicker, x, top + (row - kicker.height) // 2)
            if logo_on_top:
                self.place_logo(plan, logo(lay.logo_height), left, right, top, row, logo_left)
            region_top = top + row + lay.gap

        bottom_logo = logo(lay.logo_height) if show_logo and not theme.logo_position.top else None
        region_bottom = place_footer(self, plan, text, left, right, bottom, bottom_logo)
        above = kicker if kicker is not None and not kicker_on_top else None
        self._middle(plan, text, left, right, region_top, region_bottom, above)
        return plan

    # -- kicker --------------------------------------------------------------------------

    def _kicker(self, label: str, max_width: int) -> Kicker | None:
        """The section label, measured (ellipsized past 60 % of the width), or None."""
        size = self.layout.kicker_size
        run = self.run(label, self.theme.fonts.kicker)
        if not run.text:
            return None
        chip = self.theme.kicker_style is KickerStyle.CHIP
        pad = round(size * 0.7) if chip else 0
        room = max_width * 0.6 - 2 * pad
        shown = run.text
        if self.wrapper.measure(run, size, shown, recurring=True) > room:
            shown = self.wrapper.ellipsize(run, size, [shown], 1, room, recurring=True)[0]
        width = round(self.wrapper.measure(run, size, shown, recurring=True)) + 2 * pad
        return Kicker(run, width, round(size * (1.85 if chip else 1.5)), shown)

    def _place_kicker(self, plan: Plan, kicker: Kicker, x_right: float, y: int) -> None:
        run, box_w, box_h, shown = kicker
        size = self.layout.kicker_size
        chip = self.theme.kicker_style is KickerStyle.CHIP
        _, ink_top, _, ink_bottom = self.engine.ink(
            shown, run.face, size, run.direction, recurring=True
        )
        baseline = y + box_h / 2 - (ink_top + ink_bottom) / 2
        if chip:
            box = (int(x_right - box_w), y, int(x_right), y + box_h)
            plan.shapes.append(Shape("box", box, self.palette.kicker_background, box_h // 5))
        pad = round(size * 0.7) if chip else ink_pad(size)
        plan.texts.append(
            self.item("kicker", run, size, self.palette.kicker, x_right - pad, baseline,
                       on_chip=chip, text=shown)
        )  # fmt: skip

    # -- logo, band ----------------------------------------------------------------------

    def place_logo(
        self, plan: Plan, logo: Image.Image, left: int, right: int, y: int, row: int,
        at_left: bool,
    ) -> None:  # fmt: skip
        x = left if at_left else right - logo.width
        xy = (x, y + (row - logo.height) // 2)
        plate = None
        if self.palette.logo_plate is not None:
            pad = max(logo.height // 6, 6)
            plate = (xy[0] - pad, xy[1] - pad, xy[0] + logo.width + pad, xy[1] + logo.height + pad)
        plan.logo = (logo, xy, plate)

    def _band(
        self, plan: Plan, width: int, top: int, left: int, right: int,
        logo: Callable[[int], Image.Image] | None,
    ) -> int:  # fmt: skip
        pal = self.palette
        band_h = self.layout.band_height
        plan.shapes.append(Shape("box", (0, top, width, top + band_h), pal.band))
        size = round(band_h * 0.5)
        run = self.run(self.theme.band_text, self.theme.fonts.band)
        radius = max(round(size * 0.17), 3)
        cy = top + band_h // 2
        plan.shapes.append(
            Shape("dot", (right - 2 * radius, cy - radius, right, cy + radius), pal.band_text)
        )
        _, ink_top, _, ink_bottom = self.engine.ink(
            run.text, run.face, size, run.direction, recurring=True
        )
        baseline = cy - (ink_top + ink_bottom) / 2
        x = right - 2 * radius - round(size * 0.45)
        plan.texts.append(self.item("band", run, size, pal.band_text, x, baseline, on_chip=True))
        if logo is not None and self.theme.logo_position.top:
            image = logo(round(band_h * 0.6))
            self.place_logo(plan, image, left, right, top, band_h, True)
        return top + band_h

    # -- headline block ------------------------------------------------------------------

    def _middle(
        self, plan: Plan, text: CardText, left: int, right: int, top: int, bottom: int,
        kicker: Kicker | None,
    ) -> None:  # fmt: skip
        lay, theme, pal, wrapper = self.layout, self.theme, self.palette, self.wrapper
        max_width = right - left
        available = bottom - top
        reserve = kicker.height + round(lay.gap * 0.8) if kicker is not None else 0
        headline = self.run(text.headline, theme.fonts.headline)
        if not headline.text:  # nothing drawable (an all-emoji title): name the source
            headline = self.run(text.site_name, theme.fonts.headline)
        s_block = None
        if text.summary and theme.elements.summary and lay.summary_lines > 0:
            summary = self.run(text.summary, theme.fonts.summary)
            if summary.text:
                s_block = wrapper.fit(
                    summary, max_width=max_width, max_height=available,
                    largest=lay.summary_size, smallest=lay.summary_size,
                    max_lines=lay.summary_lines, pitch=lay.summary_pitch,
                )  # fmt: skip
        if s_block is not None and s_block.truncated:
            # A summary is shown whole or not at all: cut with «…» it reads as a mistake.
            s_block = None
        s_gap = round(lay.gap * 0.75)
        fit = {
            "max_width": max_width, "largest": lay.headline_max, "smallest": lay.headline_min,
            "max_lines": lay.headline_lines, "pitch": lay.headline_pitch,
        }  # fmt: skip
        below = s_block.height + s_gap if s_block is not None else 0
        block = wrapper.fit(headline, max_height=available - reserve - below, **fit)
        if s_block is not None and block.truncated:
            # The headline comes first: it takes the summary's room rather than lose words.
            block, s_block = wrapper.fit(headline, max_height=available - reserve, **fit), None
        total = reserve + block.height + (s_gap + s_block.height if s_block else 0)
        y = {Anchor.TOP: top, Anchor.CENTER: top + (available - total) // 2,
             Anchor.BOTTOM: bottom - total}[lay.text_anchor]  # fmt: skip
        y = max(y, top)
        plan.text_top, plan.headline, plan.summary = y, block, s_block
        rtl = block.run.direction is Direction.RTL
        if kicker is not None:
            self._place_kicker(plan, kicker, right if rtl else left + kicker.width, y)
            y += reserve
        self._lines(plan, "headline", block, pal.headline, left, right, y)
        if s_block is not None:
            self._lines(
                plan, "summary", s_block, pal.summary, left, right, y + block.height + s_gap
            )

    def _lines(
        self, plan: Plan, role: str, block: TextBlock, color: RGB, left: int, right: int, y: int
    ) -> None:
        rtl = block.run.direction is Direction.RTL
        x = right - ink_pad(block.size) if rtl else left + ink_pad(block.size)
        for index, line in enumerate(block.lines):
            baseline = y + block.ascent + index * block.pitch
            plan.texts.append(
                self.item(role, block.run, block.size, color, x, baseline,
                           align_right=rtl, text=line)
            )  # fmt: skip
