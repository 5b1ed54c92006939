"""Card bytes, and which format each card is written in.

Who receives a card decides its format (:class:`CardUse`):

* **The bot sends JPEG.** A card goes to Telegram with ``sendPhoto``, and Telegram re-encodes
  every photo as JPEG whatever it was given, so a PNG's lossless edges never reach a reader.
  With Pillow's encoder standing in for Telegram's (quality 87–92), re-encoding our quality-90
  JPEG with full-resolution colour (4:4:4) ends 0.5–0.8 dB PSNR from re-encoding the lossless
  image (about 1 dB at quality 80); the 4:2:0 quality-88 JPEG that photos use would end
  0.8–2.5 dB away, its colour edges (the red chip and band, coloured text) subsampled twice.
  A flat 1200×630 card then costs ~2.5 ms to encode instead of ~11.7 ms as PNG (Pillow's PNG
  filters, not zlib, take the time): about 160 cards/s on one core instead of about 65, which
  is what lets a worker keep up with a burst of shares (``bench/cards.py``).
* **The command line writes PNG.** Its files are the masters an editor uploads to X,
  Facebook, Instagram or LinkedIn, each of which compresses again: starting from lossless
  means one generation of loss instead of two. A run writes two to five cards, so the
  encoding time does not matter there.
* **Cards on a photo are JPEG** for both: the photo was a JPEG already, and as PNG the card
  would be several times larger for no visible gain.

Every card stays under the platforms' 5 MB.
"""

from __future__ import annotations

import io
import zlib
from enum import StrEnum

from PIL import Image

from bot.models import Card, CardSize

MAX_BYTES = 5 * 1024 * 1024  # X's image limit, the smallest of the platforms we post to


class CardUse(StrEnum):
    """Where a card goes, which decides its format (see the module's notes)."""

    SEND = "send"  # uploaded by the bot as a Telegram photo: JPEG
    FILE = "file"  # written by the command line for an editor to upload anywhere: PNG

    def image_format(self, photo: bool) -> str:
        return "JPEG" if photo or self is CardUse.SEND else "PNG"


# Photos: quality 88 with 4:2:0 colour; the text on them is white, whose edges live in the
# luma channel, and full-resolution colour would cost ~40 % more encode time for nothing.
PHOTO_QUALITY = 88
# Flat colour: red chips and bands have sharp colour edges that a second encoder (Telegram's)
# would blur again, so colour keeps its full resolution (see the module's notes).
FLAT_QUALITY = 90
_SUBSAMPLING = {True: 2, False: 0}  # photo → 4:2:0, flat → 4:4:4
# Lower qualities tried in turn if a very noisy image would go over the limit.
_FALLBACK_QUALITIES = (80, 70, 60, 45, 30)
# zlib level 3 with the run-length strategy: flat cards are long runs of one colour, and
# Z_RLE encodes them in about two thirds of the default strategy's time for ~20 % more bytes
# (about 110 KB for a 1200×630 card).
PNG_LEVEL = 3
PNG_STRATEGY = zlib.Z_RLE


def _jpeg(image: Image.Image, quality: int, photo: bool) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, subsampling=_SUBSAMPLING[photo])
    return out.getvalue()


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=PNG_LEVEL, compress_type=PNG_STRATEGY)
    return out.getvalue()


def encode_card(image: Image.Image, size: CardSize, image_format: str, *, photo: bool) -> Card:
    """Encode ``image`` as ``image_format`` ("PNG" or "JPEG"), stepping down until < 5 MB.

    ``photo``: the card is drawn on a photo (JPEG settings for photos, else for flat colour).
    A PNG that would be too large becomes a JPEG rather than a failed card.
    """
    if image_format == "PNG":
        data = _png(image)
        if len(data) <= MAX_BYTES:
            return Card(size, "PNG", data)
    data = _jpeg(image, PHOTO_QUALITY if photo else FLAT_QUALITY, photo)
    for quality in _FALLBACK_QUALITIES:
        if len(data) <= MAX_BYTES:
            break
        data = _jpeg(image, quality, photo)
    return Card(size, "JPEG", data)
