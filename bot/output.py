"""Writing a share result to disk: ``DIR/<slug>/drafts.json``, one text per platform, cards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.models import ShareResult
from bot.platforms.table import PLATFORMS


def result_to_dict(result: ShareResult) -> dict[str, Any]:
    article = result.article
    return {
        "slug": result.slug,
        "article": {
            "title": article.title,
            "url": article.url,
            "source_url": article.source_url,
            "image_url": article.image_url,
            "published": article.published.isoformat() if article.published else None,
            "author": article.author,
            "site_name": article.site_name,
            "section": article.section,
            "language": article.language,
            "text": article.text,
        },
        "drafts": [
            {
                "platform": draft.platform.value,
                "name_ar": PLATFORMS[draft.platform].name_ar,
                "name_en": PLATFORMS[draft.platform].name_en,
                "text": draft.text,
                "length": draft.length,
                "limit": draft.limit,
                "unit": PLATFORMS[draft.platform].unit.value,
                "fits": draft.fits,
                "link": draft.link,
                "hashtags": list(draft.hashtags),
                "share_url": draft.share_url,
                "note": draft.note,
                "file": f"{draft.platform.value}.txt",
            }
            for draft in result.drafts
        ],
        "cards": [
            {
                "size": card.size.value,
                "width": card.size.dimensions[0],
                "height": card.size.dimensions[1],
                "format": card.image_format,
                "bytes": len(card.data),
                "file": card.filename,
            }
            for card in result.cards
        ],
    }


def write_result(result: ShareResult, out_dir: Path) -> Path:
    """Write every file of ``result`` under ``out_dir/<slug>/`` and return that folder."""
    folder = out_dir / result.slug
    folder.mkdir(parents=True, exist_ok=True)
    for draft in result.drafts:
        (folder / f"{draft.platform.value}.txt").write_text(draft.text + "\n", encoding="utf-8")
    for card in result.cards:
        (folder / card.filename).write_bytes(card.data)
    payload = json.dumps(result_to_dict(result), ensure_ascii=False, indent=2)
    (folder / "drafts.json").write_text(payload + "\n", encoding="utf-8")
    return folder
