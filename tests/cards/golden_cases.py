"""The golden cases: the sample article in every theme and size, rendered the same way by the
test and by ``regenerate_golden.py``.

A golden is the card as drawn, before encoding (how each receiver's format keeps it is
tested apart, in ``test_delivery.py``), at half resolution. Beside the images,
``golden/regions.json`` records where each text line was drawn and what it said, so that
every line can be compared on its own (see ``imagediff.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image

from bot.cards import CardRenderer, Composition
from bot.models import CardSize
from devtools.card_samples import (
    SAMPLE_SUMMARY,
    make_logo,
    make_photo,
    sample_article,
    sample_branding,
)
from tests.cards.imagediff import (
    Box,
    difference,
    region_difference,
    to_golden,
    to_golden_box,
)

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
REGIONS_PATH = GOLDEN_DIR / "regions.json"
THEMES = ("solid", "photo", "breaking", "light")


@dataclass(frozen=True)
class Region:
    """One drawn text line: its role, its text and its box at golden scale."""

    role: str
    text: str
    box: Box


def case_name(theme: str, size: CardSize) -> str:
    return f"{theme}-{size.value}"


def golden_path(theme: str, size: CardSize) -> Path:
    return GOLDEN_DIR / f"{case_name(theme, size)}.png"


def golden_renderer(tmp_dir: Path, *, use_raqm: bool | None = None) -> CardRenderer:
    return CardRenderer(sample_branding(make_logo(tmp_dir / "logo.png")), use_raqm=use_raqm)


def render_case(
    renderer: CardRenderer, theme: str, size: CardSize, **changes: object
) -> Composition:
    """The golden case, or a variant of it (``summary=`` or article fields changed)."""
    summary = changes.pop("summary", SAMPLE_SUMMARY)
    return renderer.compose(
        sample_article(**changes), size, theme=theme, lead_image=make_photo(),
        summary=summary,  # type: ignore[arg-type]
    )  # fmt: skip


def regions(composition: Composition) -> list[Region]:
    size = composition.image.size
    return [
        Region(item.role, item.text, to_golden_box(box, size))
        for item, box in zip(composition.texts, composition.boxes, strict=True)
    ]


def load_regions() -> dict[str, list[Region]]:
    if not REGIONS_PATH.exists():
        return {}
    data = json.loads(REGIONS_PATH.read_text("utf-8"))
    return {
        name: [Region(r["role"], r["text"], tuple(r["box"])) for r in items]  # type: ignore[arg-type]
        for name, items in data.items()
    }


def save_regions(found: dict[str, list[Region]]) -> None:
    """One line per region, so that a regenerated file reads well in a diff."""
    cases = []
    for name, items in sorted(found.items()):
        lines = ",\n".join(f"  {json.dumps(asdict(r), ensure_ascii=False)}" for r in items)
        cases.append(f" {json.dumps(name)}: [\n{lines}\n ]")
    REGIONS_PATH.write_text("{\n" + ",\n".join(cases) + "\n}\n", "utf-8")


def mismatches(expected: Image.Image, composition: Composition, stored: list[Region]) -> list[str]:
    """Why ``composition`` does not match its golden (empty when it does).

    The whole card is compared with the loose tolerance, then each text line, both where the
    golden drew it and where this card drew it, with the tight one.
    """
    image = to_golden(composition.image)
    found = []
    change = difference(expected, image)
    if not change.acceptable:
        found.append(f"whole card: {change}")
    seen: set[Box] = set()
    for region in [*stored, *regions(composition)]:
        if region.box in seen:
            continue
        seen.add(region.box)
        change = region_difference(expected, image, region.box)
        if not change.acceptable:
            found.append(f"{region.role} «{region.text}» at {region.box}: {change}")
    return found


def cases() -> Iterator[tuple[str, CardSize]]:
    for theme in THEMES:
        for size in CardSize:
            yield theme, size
