"""Golden images: the sample article in every theme and size, each text line compared tightly.

When a design change is deliberate, run ``tests/cards/regenerate_golden.py``, look at the
new images, and commit them with the change.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image

from bot.cards import CardRenderer
from bot.models import CardSize
from devtools.card_samples import SAMPLE_SUMMARY
from tests.cards.conftest import requires_raqm
from tests.cards.golden_cases import (
    case_name,
    cases,
    golden_path,
    golden_renderer,
    load_regions,
    mismatches,
    render_case,
)
from tests.cards.imagediff import difference, to_golden


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> CardRenderer:
    return golden_renderer(tmp_path_factory.mktemp("golden"))


@requires_raqm
@pytest.mark.parametrize(("theme", "size"), list(cases()), ids=lambda v: str(v))
def test_card_matches_golden(golden: CardRenderer, theme: str, size: CardSize) -> None:
    path = golden_path(theme, size)
    stored = load_regions().get(case_name(theme, size))
    assert path.exists() and stored, f"missing {path.name}: run tests/cards/regenerate_golden.py"
    with Image.open(path) as expected:
        found = mismatches(expected, render_case(golden, theme, size), stored)
    assert not found, f"{path.name}: " + "; ".join(found)


# Small changes the whole-card tolerance lets through: each must fail on its own line.
SMALL_CHANGES = {
    "day": ({"published": dt.date(2026, 3, 15)}, "date"),
    "year": ({"published": dt.date(2027, 3, 14)}, "date"),
    "section": ({"section": "مجتمع"}, "kicker"),
    "summary word": ({"summary": SAMPLE_SUMMARY.replace("جديدة", "حديثة")}, "summary"),
}


@requires_raqm
@pytest.mark.parametrize("change", sorted(SMALL_CHANGES))
@pytest.mark.parametrize(("theme", "size"), [("solid", CardSize.WIDE), ("light", CardSize.STORY)])
def test_a_small_text_change_fails_on_its_own_line(
    golden: CardRenderer, theme: str, size: CardSize, change: str
) -> None:
    fields, role = SMALL_CHANGES[change]
    changed = render_case(golden, theme, size, **fields)
    with Image.open(golden_path(theme, size)) as expected:
        found = mismatches(expected, changed, load_regions()[case_name(theme, size)])
    assert any(line.startswith(f"{role} «") for line in found), found


@requires_raqm
def test_comparison_catches_a_changed_headline_word(golden: CardRenderer) -> None:
    """The whole-card tolerance absorbs anti-aliasing, not content: one word fails it."""
    changed = render_case(
        golden, "solid", CardSize.WIDE,
        title="افتتاح ثاني محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير",
    )  # fmt: skip
    with Image.open(golden_path("solid", CardSize.WIDE)) as expected:
        assert not difference(expected, to_golden(changed.image)).acceptable
