"""Share cards: Arabic headlines on images, one layout per size, themes as data.

The pipeline builds one :class:`CardRenderer` from :class:`Branding` and calls
:meth:`CardRenderer.render` (or ``render_all``) with the article and the lead image's bytes.
"""

from bot.cards.branding import Branding
from bot.cards.dates import MonthNames
from bot.cards.encode import CardUse
from bot.cards.photo import PhotoLimits
from bot.cards.plan import Composition
from bot.cards.renderer import CardRenderer
from bot.cards.themes import Theme

__all__ = [
    "Branding",
    "CardRenderer",
    "CardUse",
    "Composition",
    "MonthNames",
    "PhotoLimits",
    "Theme",
]
