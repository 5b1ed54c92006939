"""Fixtures for the card tests: renderers are built once per module (fonts load once).

Tests marked ``requires_raqm`` need Pillow's Raqm layout (HarfBuzz + FriBiDi; FriBiDi comes
from the system package ``libfribidi0``, which ``scripts/setup.sh`` installs). Without it
they *fail*: a machine that silently skipped them would pass the suite without ever drawing
the cards users get. A machine that cannot have Raqm opts out explicitly with
``NASHIR_SKIP_RAQM_TESTS=1``, and the tests are then reported as skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import features

from bot.cards import CardRenderer
from devtools.card_samples import make_logo, make_photo, sample_branding

RAQM_OPT_OUT = "NASHIR_SKIP_RAQM_TESTS"


def raqm_gate() -> None:
    """Fail the calling test when Pillow has no Raqm, unless this machine opted out (skip)."""
    if features.check("raqm"):
        return
    if os.environ.get(RAQM_OPT_OUT) == "1":
        pytest.skip(f"Pillow has no Raqm here ({RAQM_OPT_OUT}=1)")
    pytest.fail(
        "Pillow has no Raqm layout (install libfribidi0, e.g. bash scripts/setup.sh as root); "
        f"on a machine that cannot have it, set {RAQM_OPT_OUT}=1 to skip these tests",
        pytrace=False,
    )


@pytest.fixture
def raqm_available() -> None:
    raqm_gate()


# A built-in mark, so nothing needs registering; parametrized cases call raqm_gate() instead
# (pytest.param refuses usefixtures).
requires_raqm = pytest.mark.usefixtures("raqm_available")


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
