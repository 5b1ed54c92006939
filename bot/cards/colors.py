"""Colours and WCAG 2.x contrast arithmetic.

Everything here is pure math on ``(r, g, b)`` tuples of 0–255 ints, so the renderer and the
tests measure contrast the same, documented way.
"""

from __future__ import annotations

from collections.abc import Iterable

RGB = tuple[int, int, int]

MIN_CONTRAST = 4.5  # WCAG AA for normal-size text; card text is larger, we keep the strict bar
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)


def parse_hex(value: str) -> RGB:
    """Parse ``#RRGGBB`` (case-insensitive) into an RGB tuple.

    Raises:
        ValueError: the text is not a six-digit hex colour.
    """
    text = value.strip()
    if len(text) != 7 or not text.startswith("#"):
        raise ValueError(f"expected a colour like #0E2038, got {value!r}")
    try:
        number = int(text[1:], 16)
    except ValueError:
        raise ValueError(f"expected a colour like #0E2038, got {value!r}") from None
    return (number >> 16) & 0xFF, (number >> 8) & 0xFF, number & 0xFF


def to_hex(color: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*color)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


_LINEAR = tuple(_linear(i) for i in range(256))


def relative_luminance(color: RGB) -> float:
    """WCAG relative luminance, 0.0 (black) to 1.0 (white)."""
    r, g, b = color
    return 0.2126 * _LINEAR[r] + 0.7152 * _LINEAR[g] + 0.0722 * _LINEAR[b]


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio between two colours, from 1.0 to 21.0."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def worst_contrast(text: RGB, backgrounds: Iterable[RGB]) -> float:
    """Lowest contrast of ``text`` against any of ``backgrounds`` (inf when there are none)."""
    return min((contrast_ratio(text, bg) for bg in backgrounds), default=float("inf"))


def readable_on(background: RGB, preferred: RGB, minimum: float = MIN_CONTRAST) -> RGB:
    """``preferred`` when it reaches ``minimum`` on ``background``, else white or black.

    One of pure white and pure black always reaches at least 4.58:1 on any colour, so the
    result is always readable.
    """
    if contrast_ratio(preferred, background) >= minimum:
        return preferred
    return max((WHITE, BLACK), key=lambda c: contrast_ratio(c, background))


def mix(a: RGB, b: RGB, amount: float) -> RGB:
    """Blend ``amount`` (0..1) of ``b`` into ``a``."""
    t = min(max(amount, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def blend_alpha_for_contrast(
    text: RGB, worst_background: RGB, overlay: RGB, minimum: float = MIN_CONTRAST
) -> float:
    """Smallest overlay opacity that makes ``text`` readable on ``worst_background``.

    ``worst_background`` is the background colour with the least contrast against ``text``;
    blending every channel monotonically towards ``overlay`` moves all pixels the same way,
    so fixing the worst one fixes them all. Returns 1.0 when even the pure overlay falls short
    (callers validate overlays so that this does not happen).
    """
    if contrast_ratio(text, worst_background) >= minimum:
        return 0.0
    lo, hi = 0.0, 1.0
    for _ in range(14):  # 1/16384 precision is far below one 8-bit alpha step
        mid = (lo + hi) / 2
        if contrast_ratio(text, mix(worst_background, overlay, mid)) >= minimum:
            hi = mid
        else:
            lo = mid
    return hi
