"""Themes are data: the bundled ones load, a new file adds a theme, mistakes are named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cards import CardRenderer
from bot.cards.fonts import NOTO, PLEX, family_face
from bot.cards.layouts import DEFAULT_LAYOUTS, Anchor
from bot.cards.themes import load_themes, parse_theme
from bot.errors import CardError
from bot.models import CardSize
from devtools.card_samples import THEMES_DIR, sample_article, sample_branding


def _write(directory: Path, name: str, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_bundled_themes_are_distinct() -> None:
    themes = load_themes(THEMES_DIR)
    assert {"solid", "photo", "breaking", "light"} <= set(themes)
    looks = {
        (t.colors.background, t.uses_photo, t.elements.band, t.kicker_style)
        for t in themes.values()
    }
    assert len(looks) == len(themes)
    assert themes["photo"].uses_photo and themes["photo"].fallback == "solid"
    assert themes["breaking"].elements.band and themes["breaking"].band_text == "عاجل"


def test_sizes_have_their_own_layout() -> None:
    wide, story = DEFAULT_LAYOUTS[CardSize.WIDE], DEFAULT_LAYOUTS[CardSize.STORY]
    assert story.headline_max > wide.headline_max
    assert story.headline_lines > wide.headline_lines
    assert story.safe_area(1080, 1920) == (0, 250, 1080, 1670)
    # X shows 1200×675 cards cropped to 2:1: text stays in the central 1200×600.
    x_safe = DEFAULT_LAYOUTS[CardSize.X].safe_area(1200, 675)
    assert x_safe[1] >= 37 and 675 - x_safe[3] >= 37


def test_a_new_theme_file_is_a_new_theme(tmp_path: Path) -> None:
    shutil.copytree(THEMES_DIR, tmp_path, dirs_exist_ok=True)
    _write(
        tmp_path,
        "sport",
        """
label = "رياضة"
[background]
color = "#0B5D1E"
[colors]
headline = "#FFFFFF"
kicker_background = "#F2C200"
kicker = "#111111"
[fonts]
headline = { family = "Noto Sans Arabic", weight = 800 }
[text]
anchor = "top"
[sizes.story]
headline_max = 120
""",
    )
    renderer = CardRenderer(sample_branding(), themes_dir=tmp_path)
    assert "sport" in renderer.themes
    sport = renderer.theme("sport")
    assert sport.fonts.headline == family_face(NOTO, 800)
    assert sport.layouts[CardSize.STORY].headline_max == 120
    assert sport.layouts[CardSize.WIDE].text_anchor is Anchor.TOP
    card = renderer.render(sample_article(), CardSize.WIDE, theme="sport")
    assert card.size is CardSize.WIDE and card.data


def test_theme_may_ship_its_own_font_file(tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(family_face(PLEX, 500).path, fonts / "House.ttf")
    path = _write(tmp_path, "house", '[fonts]\nheadline = { file = "fonts/House.ttf" }\n')
    assert parse_theme(path).fonts.headline.path == (fonts / "House.ttf").resolve()


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("[colors]\nheadline = 'white'\n", "colors.headline"),
        ("[colors]\ncolour = '#FFFFFF'\n", "colors.colour"),
        ("[background]\nshade = 2\n", "background.shade"),
        ("[elements]\nband = 'yes'\n", "elements.band"),
        ("[text]\nanchor = 'middle'\n", "text.anchor"),
        ("[fonts]\nheadline = { family = 'Comic Sans' }\n", "Comic Sans"),
        ("[fonts]\nheadline = { file = 'missing.ttf' }\n", "missing.ttf"),
        ("[sizes.huge]\nmargin = 4\n", "sizes.huge"),
        ("[sizes.wide]\nheadline_min = 90\n", "headline_min"),
        ("[sizes.wide]\nheadline_pitch = 9.0\n", "headline_pitch"),
        ("label = 'x'\nlabel = 'y'\n", "line 2"),
        ("[elements]\nband = true\n[band]\ntext = ' '\n", "band.text"),
    ],
)
def test_bad_theme_files_fail_with_the_field_named(tmp_path: Path, body: str, named: str) -> None:
    path = _write(tmp_path, "broken", body)
    with pytest.raises(CardError) as caught:
        parse_theme(path)
    assert named in str(caught.value)
    assert "broken" in caught.value.message_ar


def test_photo_theme_needs_a_flat_fallback(tmp_path: Path) -> None:
    _write(tmp_path, "pic", "photo = true\nfallback = 'pic2'\n")
    _write(tmp_path, "pic2", "photo = true\nfallback = 'pic'\n")
    with pytest.raises(CardError, match="fallback"):
        load_themes(tmp_path)


def test_empty_theme_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CardError, match="no card themes"):
        load_themes(tmp_path)


def test_unknown_theme_names_raise_card_error(tmp_path: Path) -> None:
    with pytest.raises(CardError, match="unknown card theme"):
        CardRenderer(sample_branding(theme="neon"))
    renderer = CardRenderer(sample_branding())
    with pytest.raises(CardError) as caught:
        renderer.render(sample_article(), CardSize.WIDE, theme="neon")
    assert "neon" in caught.value.message_ar


def test_unreadable_logo_is_a_settings_error(tmp_path: Path) -> None:
    bad = tmp_path / "logo.png"
    bad.write_bytes(b"this is not a png")
    with pytest.raises(CardError, match="logo"):
        CardRenderer(sample_branding(bad))
    with pytest.raises(CardError, match="logo"):
        CardRenderer(sample_branding(tmp_path / "missing.png"))


def test_light_brand_colour_keeps_text_readable() -> None:
    """A yellow brand colour under the solid theme's white text flips the text to black."""
    from bot.cards.colors import contrast_ratio, parse_hex
    from bot.cards.palette import resolve_palette

    theme = load_themes(THEMES_DIR)["solid"]
    palette = resolve_palette(theme, sample_branding(brand_color="#FFD21F"))
    for name in ("headline", "summary", "site_name", "footer"):
        color = getattr(palette, name)
        assert contrast_ratio(color, palette.background) >= 4.5, name
        assert contrast_ratio(color, palette.background_bottom) >= 4.5, name
    assert palette.headline != parse_hex("#FFFFFF")


def test_the_documented_example_is_a_valid_theme(tmp_path: Path) -> None:
    readme = (THEMES_DIR / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    theme = parse_theme(_write(tmp_path, "documented", example))
    assert theme.layouts[CardSize.STORY].summary_lines == 5
