"""CardRenderer: the one entry point the pipeline calls.

Fonts, themes, palettes and the scaled logo are prepared once in ``__init__`` and never
mutated afterwards; FreeType objects live per thread (see :mod:`bot.cards.fonts`), so
``render`` can run in a thread pool. Rendering is synchronous and CPU-bound: call it through
``asyncio.to_thread`` from the bot.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from PIL import Image, ImageFont, features

from bot.cards.branding import Branding
from bot.cards.compose import Planner
from bot.cards.dates import arabic_indic_digits, gregorian_ar, hijri_ar
from bot.cards.encode import CardUse, encode_card
from bot.cards.fonts import FontFace, FontLibrary, fallback_face
from bot.cards.layouts import Box
from bot.cards.memo import CacheReport
from bot.cards.paint import (
    Bands,
    ensure_contrast,
    load_logo,
    paint_shapes,
    photo_overlay,
    scaled_logo,
    shade_bands,
    solid_background,
)
from bot.cards.palette import Palette, resolve_palette
from bot.cards.photo import LeadPhoto, PhotoLimits, PhotoReading, cover, read_photo
from bot.cards.plan import RECURRING_ROLES, CardText, Composition
from bot.cards.shaping import TextEngine
from bot.cards.themes import Theme, load_themes
from bot.errors import CardError
from bot.models import Article, Card, CardSize

logger = logging.getLogger(__name__)

DEFAULT_THEMES_DIR = Path(__file__).resolve().parents[2] / "templates" / "cards"


class CardRenderer:
    """Render share cards for one publisher's branding."""

    def __init__(
        self,
        branding: Branding,
        *,
        themes_dir: Path | None = None,
        use_raqm: bool | None = None,
        photo_limits: PhotoLimits | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        use: CardUse = CardUse.SEND,
    ) -> None:
        """Load themes, fonts and logo once.

        Args:
            branding: site name, colours, logo, date conventions.
            themes_dir: directory of ``*.toml`` themes (default ``templates/cards``).
            use_raqm: None picks Raqm when Pillow has it; False forces the reshaper+bidi
                fallback on the BASIC engine; True requires Raqm.
            photo_limits: bounds for lead image bytes.
            clock: "now" for cards of undated articles (default: the branding's time zone).
            use: who receives the cards, which picks their format: the bot sends JPEG, the
                command line writes PNG files (see :mod:`bot.cards.encode`).

        Raises:
            CardError: unknown default theme, a bad theme file, an unreadable logo, or Raqm
                asked for but missing.
        """
        available = features.check("raqm")
        if use_raqm and not available:
            raise CardError("Raqm layout was requested but Pillow has no Raqm (libfribidi0?)")
        self.uses_raqm = available if use_raqm is None else use_raqm
        self.use = use
        self._branding = branding
        self._themes: Mapping[str, Theme] = load_themes(themes_dir or DEFAULT_THEMES_DIR)
        self.theme(branding.theme)  # fail at start-up, not on the first article
        faces = {face for t in self._themes.values() for face in _faces(t)}
        self._fallbacks: Mapping[int, FontFace] = MappingProxyType(
            {face.weight: fallback_face(face.weight) for face in faces}
        )
        faces |= set(self._fallbacks.values())
        engine = ImageFont.Layout.RAQM if self.uses_raqm else ImageFont.Layout.BASIC
        self._engine = TextEngine(FontLibrary(engine, faces), raqm=self.uses_raqm, faces=faces)
        self._palettes: Mapping[str, Palette] = MappingProxyType(
            {name: resolve_palette(t, branding) for name, t in self._themes.items()}
        )
        self._shades: Mapping[tuple[str, CardSize], Bands] = MappingProxyType(
            {
                (name, size): shade_bands(
                    size.dimensions[1], palette.background, palette.background_bottom
                )
                for name, palette in self._palettes.items()
                for size in CardSize
            }
        )
        self._limits = photo_limits or PhotoLimits()
        self._clock = clock or (lambda: dt.datetime.now(branding.timezone))
        self._logos: Mapping[int, Image.Image] = MappingProxyType({})
        if branding.logo_path is not None:
            original = load_logo(branding.logo_path)
            heights = {h for t in self._themes.values() for h in _logo_heights(t)}
            self._logos = MappingProxyType(
                {h: scaled_logo(original, h, h * 4) for h in sorted(heights)}
            )

    @property
    def themes(self) -> tuple[str, ...]:
        return tuple(sorted(self._themes))

    def theme(self, name: str) -> Theme:
        """The theme called ``name``.

        Raises:
            CardError: no such theme.
        """
        found = self._themes.get(name)
        if found is None:
            raise CardError(
                f"unknown card theme {name!r}; available: {', '.join(self.themes)}",
                message_ar=f"سمة البطاقات «{name}» غير موجودة.",
            )
        return found

    def wants_photo(self, theme: str | None = None) -> bool:
        """Whether cards in ``theme`` (default: the branding's) use the lead photo.

        The pipeline fetches the lead image only when this is true.
        """
        return self.theme(theme or self._branding.theme).uses_photo

    def render(
        self,
        article: Article,
        size: CardSize,
        *,
        theme: str | None = None,
        lead_image: bytes | None = None,
        summary: str | None = None,
        image_format: str | None = None,
    ) -> Card:
        """One card. ``image_format`` overrides the format this renderer's use picks."""
        return self.render_all(
            article,
            [size],
            theme=theme,
            lead_image=lead_image,
            summary=summary,
            image_format=image_format,
        )[0]

    def render_all(
        self,
        article: Article,
        sizes: Iterable[CardSize],
        *,
        theme: str | None = None,
        lead_image: bytes | None = None,
        summary: str | None = None,
        image_format: str | None = None,
    ) -> list[Card]:
        """One card per size; the lead image is decoded once for all of them.

        A card drawn without the photo its theme wanted carries the reason in ``note``.
        """
        _check_format(image_format)
        sizes = list(sizes)
        reading = self._photo(theme, lead_image, sizes)
        cards = []
        for size in sizes:
            photo = _photo_for(reading, size)
            card = self._encode(
                self._compose(article, size, theme, photo, summary, details=False),
                image_format,
            )
            if reading is not None and photo is None:
                card = replace(card, note=f"drawn without the lead photo: {reading.problem}")
            cards.append(card)
        return cards

    def compose(
        self,
        article: Article,
        size: CardSize,
        *,
        theme: str | None = None,
        lead_image: bytes | None = None,
        summary: str | None = None,
        keep_background: bool = False,
    ) -> Composition:
        """The card as an image plus its layout, for previews and structural checks."""
        photo = _photo_for(self._photo(theme, lead_image, [size]), size)
        return self._compose(article, size, theme, photo, summary, True, keep_background)

    def cache_report(self) -> CacheReport:
        """What this renderer keeps between cards (only text that recurs across articles)."""
        return self._engine.cache_report()

    # -- internals -----------------------------------------------------------------------

    def _photo(
        self, theme: str | None, data: bytes | None, sizes: list[CardSize]
    ) -> PhotoReading | None:
        """The lead image read for ``sizes``; None when the theme wants no photo or has none."""
        if not self.theme(theme or self._branding.theme).uses_photo or not data or not sizes:
            return None
        return read_photo(data, (s.dimensions for s in sizes), self._limits)

    def _text(self, article: Article, summary: str | None) -> CardText:
        b = self._branding
        day = article.published or self._clock().astimezone(b.timezone).date()
        dates = [gregorian_ar(day, b.month_names)]
        hijri = hijri_ar(day) if b.hijri_date else None
        if hijri:
            dates.append(hijri)
        text = CardText(
            headline=article.title,
            summary=summary,
            kicker=article.section,
            # The headline's own source is named when known, else the publisher.
            site_name=article.site_label(b.site_name),
            dates=tuple(dates),
        )
        if not b.arabic_digits:
            return text
        return CardText(
            headline=arabic_indic_digits(text.headline),
            summary=arabic_indic_digits(summary) if summary else None,
            kicker=arabic_indic_digits(text.kicker) if text.kicker else None,
            site_name=text.site_name,
            dates=tuple(arabic_indic_digits(d) for d in dates),
        )

    def _compose(
        self,
        article: Article,
        size: CardSize,
        theme_name: str | None,
        photo: LeadPhoto | None,
        summary: str | None,
        details: bool,
        keep_background: bool = False,
    ) -> Composition:
        theme = self.theme(theme_name or self._branding.theme)
        dims = size.dimensions
        base = cover(photo, dims) if theme.uses_photo and photo is not None else None
        if theme.uses_photo and base is None:
            theme = self.theme(theme.fallback or "")
        palette, layout = self._palettes[theme.name], theme.layouts[size]
        plan = Planner(self._engine, theme, palette, layout, self._fallbacks).plan(
            dims, self._text(article, summary), self._logos.__getitem__ if self._logos else None
        )
        scrims = 0
        if base is not None:
            top = max(plan.text_top - layout.gap, 0)
            photo_overlay(base, palette.overlay, theme.overlay_top, theme.overlay_plateau, top)
            boxes = [(_clip(t.slot, dims), t.color) for t in plan.texts if not t.on_chip]
            scrims = ensure_contrast(base, boxes, palette.overlay)
            image = base
        else:
            image = solid_background(dims, self._shades[theme.name, size])
        paint_shapes(image, plan, palette.logo_plate)
        background = image.copy() if keep_background else None
        drawn = [
            self._engine.draw(
                image, (t.x, t.baseline), t.text, t.face, t.size, t.color,
                direction=t.direction, anchor=t.anchor, box=details,
                recurring=t.role in RECURRING_ROLES,
            )
            for t in plan.texts
        ]  # fmt: skip
        return Composition(
            size=size,
            theme=theme.name,
            image=image,
            background=background,
            texts=tuple(plan.texts),
            boxes=tuple(b for b in drawn if b is not None),
            photo=base is not None,
            safe_area=layout.safe_area(*dims),
            content_area=layout.content_area(*dims),
            headline=plan.headline,
            summary=plan.summary,
            scrims=scrims,
        )

    def _encode(self, composition: Composition, image_format: str | None) -> Card:
        fmt = image_format or self.use.image_format(composition.photo)
        return encode_card(composition.image, composition.size, fmt, photo=composition.photo)


def _photo_for(reading: PhotoReading | None, size: CardSize) -> LeadPhoto | None:
    """The photo if it is good enough for ``size`` (see ``PhotoReading.usable_for``)."""
    if reading is None or reading.photo is None:
        return None
    return reading.photo if size.dimensions in reading.usable_for else None


def _check_format(image_format: str | None) -> None:
    if image_format not in (None, "PNG", "JPEG"):
        raise CardError(f"unsupported card format {image_format!r}; use PNG or JPEG")


def _faces(theme: Theme) -> tuple[FontFace, ...]:
    f = theme.fonts
    return (f.headline, f.summary, f.kicker, f.site_name, f.footer, f.band)


def _logo_heights(theme: Theme) -> set[int]:
    return {
        h
        for lay in theme.layouts.values()
        for h in (lay.logo_height, round(lay.band_height * 0.6))
    }


def _clip(box: Box, size: tuple[int, int]) -> Box:
    left, top, right, bottom = box
    return (max(left, 0), max(top, 0), min(right, size[0]), min(bottom, size[1]))
