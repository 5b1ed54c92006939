"""The publisher's identity as the cards need it, taken from :class:`~bot.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cards.dates import MonthNames
from bot.settings import Settings


def _default_zone() -> ZoneInfo:
    return ZoneInfo("Africa/Casablanca")


@dataclass(frozen=True, slots=True)
class Branding:
    """Site name, colours, logo and date conventions shared by every card.

    ``theme`` is the default theme name; ``month_names`` picks the Gregorian month names
    (``CARD_MONTH_NAMES``: the pan-Arab names by default, Moroccan or Levantine ones).
    """

    site_name: str
    brand_color: str = "#0E2038"
    accent_color: str = "#C8102E"
    logo_path: Path | None = None
    theme: str = "solid"
    hijri_date: bool = False
    arabic_digits: bool = False
    timezone: ZoneInfo = field(default_factory=_default_zone)
    month_names: MonthNames = MonthNames.STANDARD

    @classmethod
    def from_settings(cls, settings: Settings) -> Branding:
        """Branding from the validated settings (``SITE_NAME``, ``BRAND_COLOR``, ``CARD_*`` …)."""
        return cls(
            site_name=settings.site_name,
            brand_color=settings.brand_color,
            accent_color=settings.accent_color,
            logo_path=settings.logo_path,
            theme=settings.card_theme,
            hijri_date=settings.card_hijri_date,
            arabic_digits=settings.card_arabic_digits,
            timezone=settings.timezone,
            month_names=MonthNames(settings.card_month_names),
        )
