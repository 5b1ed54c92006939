"""Per-size layout parameters: each card format has its own proportions, not a squeezed copy.

The table below is the default for every theme; a theme file can override any field for one
size in a ``[sizes.<size>]`` table (see ``templates/cards/README.md``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from types import MappingProxyType

from bot.models import CardSize

Box = tuple[int, int, int, int]  # left, top, right, bottom (right/bottom exclusive)


class Anchor(StrEnum):
    """Where the headline block sits in the space left between the top row and the footer."""

    TOP = "top"
    CENTER = "center"
    BOTTOM = "bottom"


@dataclass(frozen=True, slots=True)
class SizeLayout:
    """Pixel measurements for one card size.

    ``safe_*`` is the band a platform may crop or cover: X shows 1200×675 cards as 2:1
    (37.5 px lost top and bottom); Instagram stories put the account name and reply box over
    the top and bottom ~250 px. No text or logo is drawn there.
    """

    safe_top: int
    safe_bottom: int
    safe_side: int
    margin: int
    headline_max: int
    headline_min: int
    headline_lines: int
    summary_size: int
    summary_lines: int
    kicker_size: int
    footer_size: int
    logo_height: int
    band_height: int
    gap: int
    accent_bar: int
    headline_pitch: float = 1.42
    summary_pitch: float = 1.55
    text_anchor: Anchor = Anchor.CENTER

    def safe_area(self, width: int, height: int) -> Box:
        return (self.safe_side, self.safe_top, width - self.safe_side, height - self.safe_bottom)

    def content_area(self, width: int, height: int) -> Box:
        left, top, right, bottom = self.safe_area(width, height)
        m = self.margin
        return (left + m, top + m, right - m, bottom - m)


# Cards are mostly seen on phones, about 390 px wide: no text may fall under 12 px there, so
# text is at least 37 px on the 1200 px cards and 34 px on the 1080 px ones (headline sizes
# are larger anyway; the band's label is half the band's height).
PHONE_WIDTH = 390
MIN_PHONE_PX = 12


def legible_size(card_width: int) -> int:
    """The smallest text size, in card pixels, that is 12 px on a 390 px wide screen."""
    return math.ceil(MIN_PHONE_PX * card_width / PHONE_WIDTH)


DEFAULT_LAYOUTS: Mapping[CardSize, SizeLayout] = MappingProxyType(
    {
        CardSize.WIDE: SizeLayout(
            safe_top=0, safe_bottom=0, safe_side=0, margin=60,
            headline_max=72, headline_min=38, headline_lines=3,
            summary_size=37, summary_lines=2, kicker_size=37, footer_size=37,
            logo_height=60, band_height=76, gap=22, accent_bar=12,
        ),
        CardSize.X: SizeLayout(
            safe_top=38, safe_bottom=38, safe_side=0, margin=54,
            headline_max=72, headline_min=38, headline_lines=3,
            summary_size=37, summary_lines=2, kicker_size=37, footer_size=37,
            logo_height=60, band_height=76, gap=22, accent_bar=12,
        ),
        CardSize.SQUARE: SizeLayout(
            safe_top=0, safe_bottom=0, safe_side=0, margin=76,
            headline_max=88, headline_min=44, headline_lines=5,
            summary_size=34, summary_lines=3, kicker_size=34, footer_size=34,
            logo_height=64, band_height=80, gap=30, accent_bar=14,
        ),
        CardSize.PORTRAIT: SizeLayout(
            safe_top=0, safe_bottom=0, safe_side=0, margin=80,
            headline_max=92, headline_min=46, headline_lines=6,
            summary_size=34, summary_lines=4, kicker_size=34, footer_size=34,
            logo_height=68, band_height=84, gap=34, accent_bar=14,
        ),
        CardSize.STORY: SizeLayout(
            safe_top=250, safe_bottom=250, safe_side=0, margin=84,
            headline_max=112, headline_min=52, headline_lines=7,
            summary_size=38, summary_lines=5, kicker_size=34, footer_size=34,
            logo_height=80, band_height=96, gap=40, accent_bar=16,
        ),
    }
)  # fmt: skip

LAYOUT_FIELDS: frozenset[str] = frozenset(f.name for f in fields(SizeLayout))


def field_kind(name: str) -> type:
    """The value type a layout field accepts: ``int``, ``float`` or :class:`Anchor`."""
    if name == "text_anchor":
        return Anchor
    if name in ("headline_pitch", "summary_pitch"):
        return float
    return int


def with_overrides(
    layout: SizeLayout, values: Mapping[str, int | float | Anchor], margin_scale: float = 1.0
) -> SizeLayout:
    """A copy of ``layout`` with a theme's margin scale and per-size overrides applied."""
    scaled = replace(layout, margin=round(layout.margin * margin_scale))
    return replace(scaled, **values) if values else scaled
