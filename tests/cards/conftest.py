"""Fixtures for the card tests: renderers are built once per module (fonts load once)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import features

from bot.cards import CardRenderer
from devtools.card_samples import make_logo, make_photo, sample_branding

requires_raqm = pytest.mark.skipif(
    not features.check("raqm"), reason="Pillow has no Raqm here (install libfribidi0)"
)


@pytest.fixture(scope="module")
def logo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_logo(tmp_path_factory.mktemp("logo") / "logo.png")


@pytest.fixture(scope="module")
def renderer(logo_path: Path) -> CardRenderer:
    """The default engine (Raqm when available), sample branding, logo."""
    return CardRenderer(sample_branding(logo_path))


@pytest.fixture(scope="module")
def basic_renderer(logo_path: Path) -> CardRenderer:
    """The reshaper + bidi fallback on Pillow's BASIC engine, forced."""
    return CardRenderer(sample_branding(logo_path), use_raqm=False)


@pytest.fixture(scope="module")
def photo() -> bytes:
    return make_photo()
