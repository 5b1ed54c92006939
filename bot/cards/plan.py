"""What the planner hands the painter: text lines and shapes with their positions."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from bot.cards.colors import RGB
from bot.cards.fonts import FontFace
from bot.cards.layouts import Box
from bot.cards.shaping import Direction
from bot.cards.wrap import TextBlock
from bot.models import CardSize

# Text roles that recur across different articles (the source, the dates, the section, the
# band): their widths and glyph masks are cached; headline and summary text never is.
RECURRING_ROLES = frozenset({"kicker", "site_name", "date", "band"})


@dataclass(frozen=True, slots=True)
class CardText:
    """What a card says, as given: the planner cleans it and checks glyphs."""

    headline: str
    summary: str | None
    kicker: str | None
    site_name: str
    dates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TextItem:
    role: str
    text: str
    face: FontFace
    size: int
    color: RGB
    x: float
    baseline: float
    anchor: str
    direction: Direction
    slot: Box  # the room the line may ink: its width × the font's tallest and deepest glyphs
    on_chip: bool = False  # sits on a chip or band whose colour the palette already checked


@dataclass(frozen=True, slots=True)
class Shape:
    kind: str  # "box" (rounded when radius > 0), "rule" (blended), "dot"
    box: Box
    color: RGB
    radius: int = 0
    opacity: float = 1.0


@dataclass(slots=True)
class Plan:
    texts: list[TextItem] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    logo: tuple[Image.Image, tuple[int, int], Box | None] | None = None  # image, xy, plate
    text_top: int = 0
    headline: TextBlock | None = None
    summary: TextBlock | None = None


@dataclass(frozen=True, slots=True)
class Composition:
    """A rendered card before encoding, with what the structural checks need.

    ``boxes`` are the drawn boxes of ``texts`` (same order; empty from :meth:`render`,
    which does not need them); ``background`` is the card without its text, kept only when
    asked for.
    """

    size: CardSize
    theme: str
    image: Image.Image
    background: Image.Image | None
    texts: tuple[TextItem, ...]
    boxes: tuple[Box, ...]
    photo: bool
    safe_area: Box
    content_area: Box
    headline: TextBlock | None
    summary: TextBlock | None
    scrims: int
