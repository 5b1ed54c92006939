"""Golden images: the sample article in every theme and size, compared with a tolerance.

When a design change is deliberate, run ``tests/cards/regenerate_golden.py``, look at the
new images, and commit them with the change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bot.cards import CardRenderer
from bot.models import CardSize
from devtools.card_samples import SAMPLE_SUMMARY, sample_article
from tests.cards.conftest import requires_raqm
from tests.cards.golden_cases import cases, golden_path, golden_renderer, render_case
from tests.cards.imagediff import difference, to_golden


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> CardRenderer:
    return golden_renderer(tmp_path_factory.mktemp("golden"))


@requires_raqm
@pytest.mark.parametrize(("theme", "size"), list(cases()), ids=lambda v: str(v))
def test_card_matches_golden(golden: CardRenderer, theme: str, size: CardSize) -> None:
    path = golden_path(theme, size)
    assert path.exists(), f"missing {path.name}: run tests/cards/regenerate_golden.py"
    with Image.open(path) as expected:
        change = difference(expected, to_golden(render_case(golden, theme, size)))
    assert change.acceptable, f"{path.name}: {change}"


@requires_raqm
def test_comparison_catches_a_changed_word(golden: CardRenderer, tmp_path: Path) -> None:
    """The tolerance absorbs anti-aliasing, not content: one different word fails."""
    with Image.open(golden_path("solid", CardSize.WIDE)) as expected:
        changed = golden.render(
            sample_article(title="افتتاح ثاني محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير"),
            CardSize.WIDE,
            theme="solid",
            summary=SAMPLE_SUMMARY,
        )
        out = tmp_path / "changed.png"
        out.write_bytes(changed.data)
        with Image.open(out) as image:
            assert not difference(expected, to_golden(image)).acceptable
