"""A theme's colours resolved against the publisher's branding, contrast checked once.

Brand colours come from the settings, so a theme cannot know them in advance: a light brand
colour under white text would be unreadable. Each text colour is checked against what it
will sit on (both ends of a shaded background, the chip, the band, or the photo overlay) and
replaced by black or white when it falls under 4.5:1, with a warning in the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.cards.branding import Branding
from bot.cards.colors import (
    BLACK,
    MIN_CONTRAST,
    RGB,
    contrast_ratio,
    mix,
    parse_hex,
    readable_on,
    to_hex,
)
from bot.cards.themes import KickerStyle, Theme

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Palette:
    background: RGB
    background_bottom: RGB
    headline: RGB
    summary: RGB
    kicker: RGB
    kicker_background: RGB
    site_name: RGB
    footer: RGB
    rule: RGB
    accent_bar: RGB
    band: RGB
    band_text: RGB
    overlay: RGB
    logo_plate: RGB | None


def _resolve(ref: str, branding: Branding) -> RGB:
    if ref == "brand":
        return parse_hex(branding.brand_color)
    if ref == "accent":
        return parse_hex(branding.accent_color)
    return parse_hex(ref)


def _readable(name: str, theme: Theme, color: RGB, grounds: tuple[RGB, ...]) -> RGB | None:
    """``color`` if readable on every ground; else black or white if one is; else None."""
    if all(contrast_ratio(color, g) >= MIN_CONTRAST for g in grounds):
        return color
    for candidate in sorted({readable_on(g, color) for g in grounds}):
        if all(contrast_ratio(candidate, g) >= MIN_CONTRAST for g in grounds):
            logger.warning(
                "card theme %s: %s colour has too little contrast with the branding; using %s",
                theme.name,
                name,
                to_hex(candidate),
            )
            return candidate
    return None


def resolve_palette(theme: Theme, branding: Branding) -> Palette:
    """RGB colours for ``theme`` with ``branding``, every text pair at least 4.5:1."""
    c = theme.colors
    background = _resolve(c.background, branding)
    overlay = _resolve(c.overlay, branding)
    # A mid-tone brand colour shaded darker can leave no colour readable at both ends; a
    # flat background always has one (black or white), hence the second try.
    for shade in (theme.background_shade, 0.0):
        bottom = mix(background, BLACK, shade)
        # Text on a photo ends up on the overlay colour wherever contrast is enforced.
        grounds = (overlay,) if theme.uses_photo else (background, bottom)
        fixed: dict[str, RGB] = {}
        for name in ("headline", "summary", "site_name", "footer"):
            color = _readable(name, theme, _resolve(getattr(c, name), branding), grounds)
            if color is None:
                break
            fixed[name] = color
        else:
            break
    kicker_bg = _resolve(c.kicker_background, branding)
    kicker_ground = (kicker_bg,) if theme.kicker_style is KickerStyle.CHIP else grounds
    band = _resolve(c.band, branding)
    return Palette(
        background=background,
        background_bottom=bottom,
        kicker=_readable("kicker", theme, _resolve(c.kicker, branding), kicker_ground)
        or readable_on(kicker_ground[0], BLACK),
        kicker_background=kicker_bg,
        rule=_resolve(c.rule, branding),
        accent_bar=_resolve(c.accent_bar, branding),
        band=band,
        band_text=readable_on(band, _resolve(c.band_text, branding)),
        overlay=overlay,
        logo_plate=_resolve(c.logo_plate, branding) if c.logo_plate else None,
        **fixed,
    )
