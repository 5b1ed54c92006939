"""The structural promises every card keeps, checked on a real composition."""

from __future__ import annotations

from PIL import ImageChops

from bot.cards import Composition
from bot.cards.colors import MIN_CONTRAST
from tests.cards.imagediff import worst_contrast_behind


def _inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return (
        inner[0] >= outer[0]
        and inner[1] >= outer[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def check(c: Composition, case: str) -> None:
    """Every structural promise the renderer makes about one card."""
    assert c.background is not None
    assert len(c.boxes) == len(c.texts), case
    content = c.content_area
    for item, box in zip(c.texts, c.boxes, strict=True):
        label = f"{case}: {item.role} «{item.text}»"
        assert _inside(box, c.safe_area), f"{label} {box} leaves the safe area {c.safe_area}"
        # No line overflow: every line within the content width (1 px of anti-aliasing).
        assert box[0] >= content[0] - 1 and box[2] <= content[2] + 1, f"{label} overflows"
        assert _inside(box, item.slot), f"{label} inks outside its slot {item.slot}"
        ratio = worst_contrast_behind(c.background, box, item.color)
        assert ratio >= MIN_CONTRAST, f"{label} contrast {ratio:.2f}"
    # Different elements never collide.
    for i, (a, box_a) in enumerate(zip(c.texts, c.boxes, strict=True)):
        for b, box_b in list(zip(c.texts, c.boxes, strict=True))[i + 1 :]:
            if a.role != b.role:
                assert not _overlap(box_a, box_b), f"{case}: {a.role} overlaps {b.role}"
    # The pixels text changed are all inside the safe area (catches anything drawn outside
    # the recorded boxes too).
    changed = ImageChops.difference(c.image, c.background).getbbox()
    assert changed is not None and _inside(changed, c.safe_area), f"{case}: ink at {changed}"
    assert c.headline is not None and c.headline.lines, case
    if c.headline.truncated:
        assert c.headline.lines[-1].endswith("…"), case
