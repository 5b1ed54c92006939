"""Blending a flat colour into an image through a coverage mask."""

from __future__ import annotations

from PIL import Image

from bot.cards.layouts import Box


def tint(
    image: Image.Image, color: tuple[int, int, int] | int, box: Box, mask: Image.Image
) -> None:
    """Blend ``color`` into ``box`` of ``image``, weighted by ``mask`` (same size as ``box``).

    Pasting a block of the colour gives the same pixels as ``image.paste(color, box, mask)``
    in about 60 % of the time: Pillow's fill-through-mask loop re-checks the image mode for
    every pixel, its paste loop does not. Text, the photo gradient and the scrims use it.
    """
    left, top, right, bottom = box
    image.paste(Image.new(image.mode, (right - left, bottom - top), color), box, mask)
