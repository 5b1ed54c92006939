"""Dates and digits as they appear on a card: «14 مارس 2026», «25 رمضان 1447 هـ», ١٤.

Month names follow one convention per publisher (:class:`MonthNames`); the default is the
pan-Arab set (يناير … ديسمبر) that every reader recognises. Hijri dates use the Umm al-Qura
calendar from ``hijridate``; official calendars that follow moon sighting (Morocco's, for
one) can differ from it by a day.
"""

from __future__ import annotations

import datetime as dt
import logging
from enum import StrEnum

import regex
from hijridate import Gregorian

logger = logging.getLogger(__name__)


class MonthNames(StrEnum):
    STANDARD = "standard"  # يناير، فبراير … (Egypt, Gulf, most pan-Arab media)
    MAGHREB = "maghreb"  # يناير، فبراير، مارس، أبريل، ماي، يونيو، يوليوز، غشت … (Morocco)
    LEVANT = "levant"  # كانون الثاني، شباط، آذار … (Syria, Lebanon, Jordan, Iraq)


_MONTHS: dict[MonthNames, tuple[str, ...]] = {
    MonthNames.STANDARD: (
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
        "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
    ),
    MonthNames.MAGHREB: (
        "يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو",
        "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر",
    ),
    MonthNames.LEVANT: (
        "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
        "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
    ),
}  # fmt: skip

_ARABIC_INDIC = str.maketrans("0123456789.,%", "٠١٢٣٤٥٦٧٨٩٫٬٪")
# A number (digits with inner . or , separators, optional %) not glued to a Latin letter:
# "COP28" and "G20" keep their digits, «150 ألف» and «2.4 مليار» change.
_NUMBER = regex.compile(r"(?<![\p{Latin}\d])\d+(?:[.,]\d+)*%?(?![\p{Latin}\d])")


def gregorian_ar(day: dt.date, months: MonthNames = MonthNames.STANDARD) -> str:
    """«14 مارس 2026»: day, Arabic month name, year (Western digits)."""
    return f"{day.day} {_MONTHS[months][day.month - 1]} {day.year}"


def hijri_ar(day: dt.date) -> str | None:
    """«25 رمضان 1447 هـ», or None outside the Umm al-Qura table (1924–2077)."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        logger.info("no Hijri date for %s: outside the Umm al-Qura range", day)
        return None
    return f"{hijri.day} {hijri.month_name('ar')} {hijri.year} {hijri.notation('ar')}"


def arabic_indic_digits(text: str) -> str:
    """Write numbers with Arabic-Indic digits (٠–٩, ٫ decimal, ٬ thousands, ٪).

    Digits glued to a Latin token (``COP28``, ``G20``) are left as written.
    """
    return _NUMBER.sub(lambda m: m.group(0).translate(_ARABIC_INDIC), text)
