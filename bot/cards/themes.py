"""Card themes: TOML files in ``templates/cards/``, validated with errors that name the field.

A publisher adds a theme by dropping ``<name>.toml`` next to the others; the format is
documented in ``templates/cards/README.md``. Colours are ``#RRGGBB`` or ``"brand"`` /
``"accent"`` (the publisher's colours from the settings).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from bot.cards.fonts import PLEX, FontFace, family_face, file_face
from bot.cards.layouts import (
    DEFAULT_LAYOUTS,
    LAYOUT_FIELDS,
    SizeLayout,
    field_kind,
    with_overrides,
)
from bot.cards.tomlspec import Table
from bot.errors import CardError
from bot.models import CardSize


class KickerStyle(StrEnum):
    CHIP = "chip"  # section name in a filled rounded box
    TEXT = "text"  # section name in the accent colour, no box


class KickerPlacement(StrEnum):
    TOP = "top"  # top row, opposite the logo
    ABOVE_HEADLINE = "above-headline"  # moves with the headline block


class LogoPosition(StrEnum):
    TOP_LEFT = "top-left"
    TOP_RIGHT = "top-right"
    BOTTOM_LEFT = "bottom-left"
    BOTTOM_RIGHT = "bottom-right"

    @property
    def top(self) -> bool:
        return self.value.startswith("top")

    @property
    def left(self) -> bool:
        return self.value.endswith("left")


@dataclass(frozen=True, slots=True)
class ThemeColors:
    """Colour references, resolved against the branding by the renderer."""

    background: str
    headline: str
    summary: str
    kicker: str
    kicker_background: str
    site_name: str
    footer: str
    rule: str
    accent_bar: str
    band: str
    band_text: str
    overlay: str
    logo_plate: str | None


@dataclass(frozen=True, slots=True)
class ThemeFonts:
    headline: FontFace
    summary: FontFace
    kicker: FontFace
    site_name: FontFace
    footer: FontFace
    band: FontFace


@dataclass(frozen=True, slots=True)
class ThemeElements:
    kicker: bool
    summary: bool
    site_name: bool
    date: bool
    logo: bool
    rule: bool
    accent_bar: bool
    band: bool


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    label: str
    description: str
    uses_photo: bool
    fallback: str | None
    background_shade: float
    overlay_top: float
    overlay_plateau: float
    colors: ThemeColors
    fonts: ThemeFonts
    elements: ThemeElements
    kicker_style: KickerStyle
    kicker_placement: KickerPlacement
    logo_position: LogoPosition
    band_text: str
    layouts: Mapping[CardSize, SizeLayout]
    path: Path


def _font(table: Table, key: str, default_weight: int, base: Path) -> FontFace:
    spec = table.table(key)
    weight = int(spec.number("weight", default_weight, 100, 900))
    file = spec.text("file", "")
    family = spec.text("family", PLEX)
    spec.done()
    try:
        if file:
            return file_face((base / file).resolve(), weight)
        return family_face(family, weight)
    except CardError as exc:
        spec.fail(f"{spec.where}: {exc.detail}")


def _layouts(root: Table, anchor: str, margin_scale: float) -> Mapping[CardSize, SizeLayout]:
    sizes = root.table("sizes")
    result: dict[CardSize, SizeLayout] = {}
    for size in CardSize:
        table = sizes.table(size.value)
        values: dict[str, Any] = {"text_anchor": field_kind("text_anchor")(anchor)}
        for name in sorted(LAYOUT_FIELDS):
            if name not in table.data:
                continue
            kind = field_kind(name)
            if kind is float:
                values[name] = table.number(name, 0, 0.8, 3.0)
            elif kind is int:
                values[name] = int(table.number(name, 0, 0, 1000))
            else:
                values[name] = kind(table.text(name, anchor, tuple(a.value for a in kind)))
        table.done()
        result[size] = with_overrides(DEFAULT_LAYOUTS[size], values, margin_scale)
        layout = result[size]
        if layout.headline_min > layout.headline_max or layout.headline_lines < 1:
            table.fail(f"sizes.{size.value}: headline_min must be ≤ headline_max, lines ≥ 1")
    sizes.done()
    return MappingProxyType(result)


def parse_theme(path: Path) -> Theme:
    """Read and validate one theme file.

    Raises:
        CardError: the file is not valid TOML or breaks the theme format.
    """
    name = path.stem

    def fail(problem: str) -> NoReturn:
        raise CardError(
            f"card theme {path}: {problem}",
            message_ar=f"ملف سمة البطاقات «{name}» غير صالح.",
        )

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        fail(str(exc))
    root = Table(data, "", fail)
    label = root.text("label", name)
    description = root.text("description", "")
    uses_photo = root.flag("photo", False)
    fallback = root.text("fallback", "solid" if uses_photo else "") or None

    background = root.table("background")
    overlay = root.table("overlay")
    text = root.table("text")
    anchor = text.text("anchor", "bottom" if uses_photo else "center", ("top", "center", "bottom"))
    margin_scale = text.number("margin_scale", 1.0, 0.5, 2.0)
    text.done()

    c = root.table("colors")
    colors = ThemeColors(
        background=background.color("color", "brand"),
        headline=c.color("headline", "#FFFFFF"),
        summary=c.color("summary", "#D9E1EA"),
        kicker=c.color("kicker", "#FFFFFF"),
        kicker_background=c.color("kicker_background", "accent"),
        site_name=c.color("site_name", "#FFFFFF"),
        footer=c.color("footer", "#C9D3DF"),
        rule=c.color("rule", "#FFFFFF"),
        accent_bar=c.color("accent_bar", "accent"),
        band=c.color("band", "accent"),
        band_text=c.color("band_text", "#FFFFFF"),
        overlay=overlay.color("color", "#000000"),
        logo_plate=c.optional_color("logo_plate", None),
    )
    shade = background.number("shade", 0.0, 0.0, 0.9)
    overlay_top = overlay.number("top", 0.15, 0.0, 1.0)
    plateau = overlay.number("plateau", 0.78, 0.0, 1.0)
    background.done()
    overlay.done()
    c.done()

    f = root.table("fonts")
    base = path.parent
    fonts = ThemeFonts(
        headline=_font(f, "headline", 700, base),
        summary=_font(f, "summary", 400, base),
        kicker=_font(f, "kicker", 600, base),
        site_name=_font(f, "site_name", 700, base),
        footer=_font(f, "footer", 400, base),
        band=_font(f, "band", 700, base),
    )
    f.done()

    e = root.table("elements")
    elements = ThemeElements(
        kicker=e.flag("kicker", True),
        summary=e.flag("summary", True),
        site_name=e.flag("site_name", True),
        date=e.flag("date", True),
        logo=e.flag("logo", True),
        rule=e.flag("rule", True),
        accent_bar=e.flag("accent_bar", False),
        band=e.flag("band", False),
    )
    e.done()

    k = root.table("kicker")
    kicker_style = KickerStyle(k.text("style", "chip", tuple(KickerStyle)))
    kicker_placement = KickerPlacement(k.text("placement", "top", tuple(KickerPlacement)))
    k.done()
    logo = root.table("logo")
    logo_position = LogoPosition(logo.text("position", "top-left", tuple(LogoPosition)))
    logo.done()
    band = root.table("band")
    band_text = band.text("text", "عاجل")
    band.done()
    if elements.band and not band_text.strip():
        fail("band.text: must not be empty when elements.band is on")

    layouts = _layouts(root, anchor, margin_scale)
    root.done()
    return Theme(
        name=name,
        label=label,
        description=description,
        uses_photo=uses_photo,
        fallback=fallback,
        background_shade=shade,
        overlay_top=overlay_top,
        overlay_plateau=plateau,
        colors=colors,
        fonts=fonts,
        elements=elements,
        kicker_style=kicker_style,
        kicker_placement=kicker_placement,
        logo_position=logo_position,
        band_text=band_text,
        layouts=layouts,
        path=path,
    )


def load_themes(directory: Path) -> Mapping[str, Theme]:
    """Every ``*.toml`` theme in ``directory``, validated, including photo fallbacks.

    Raises:
        CardError: no themes, a broken file, or a photo theme whose fallback is missing or is
            itself a photo theme.
    """
    paths = sorted(directory.glob("*.toml")) if directory.is_dir() else []
    if not paths:
        raise CardError(f"no card themes (*.toml) in {directory}")
    themes = {path.stem: parse_theme(path) for path in paths}
    for theme in themes.values():
        if not theme.uses_photo:
            continue
        target = themes.get(theme.fallback or "")
        if target is None or target.uses_photo:
            raise CardError(
                f"card theme {theme.path}: fallback {theme.fallback!r} must name a theme "
                "without a photo",
                message_ar=f"ملف سمة البطاقات «{theme.name}» غير صالح.",
            )
    return MappingProxyType(themes)
