"""Writing a share result to disk: ``DIR/<slug>/drafts.json``, one text per platform, cards.

Files are replaced atomically (written beside their final name, then renamed), so a reader
never sees a half-written ``drafts.json``. A second run into the same folder removes the
platform texts and cards it no longer produces, so the folder always shows one run. A
folder that holds *another* article's files is never overwritten: the result goes to a
folder whose name adds a short hash of the article's address.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import OutputError
from bot.models import CardSize, Platform, ShareResult
from bot.platforms.links import plain_text
from bot.platforms.table import PLATFORMS

DRAFTS_FILE = "drafts.json"
# Every file name a run may write; only these are ever removed from a folder.
_OWN_FILES = frozenset(
    {f"{platform.value}.txt" for platform in Platform}
    | {f"card-{size.value}.{ext}" for size in CardSize for ext in ("png", "jpg")}
    | {DRAFTS_FILE}
)


@dataclass(frozen=True, slots=True)
class WrittenResult:
    folder: Path
    files: tuple[str, ...]  # in the order written, drafts.json last
    removed: tuple[str, ...] = ()  # left over from an earlier run, no longer produced


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


def write_result(result: ShareResult, out_dir: Path) -> WrittenResult:
    """Write every file of ``result`` under ``out_dir/<slug>/`` (see the module docstring).

    Raises:
        OutputError: the folder cannot be created or written (``out_dir`` is a file, no
            permission, disk full …).
    """
    try:
        folder = _folder_for(result, out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        files: list[str] = []
        for draft in result.drafts:
            name = f"{draft.platform.value}.txt"
            # The text a person pastes: Telegram's HTML stays in drafts.json.
            shown = plain_text(draft.text, is_html=PLATFORMS[draft.platform].html)
            _replace_file(folder / name, (shown + "\n").encode("utf-8"))
            files.append(name)
        for card in result.cards:
            _replace_file(folder / card.filename, card.data)
            files.append(card.filename)
        payload = json.dumps(result_to_dict(result), ensure_ascii=False, indent=2) + "\n"
        _replace_file(folder / DRAFTS_FILE, payload.encode("utf-8"))
        files.append(DRAFTS_FILE)
        removed = _remove_leftovers(folder, keep=set(files))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        where = exc.filename or out_dir
        raise OutputError(f"{where}: {reason}") from None
    return WrittenResult(folder, tuple(files), removed)


def _folder_for(result: ShareResult, out_dir: Path) -> Path:
    """``out_dir/<slug>``, unless it holds another article's files."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file, not a folder")
    folder = out_dir / result.slug
    if _free_for(folder, result):
        return folder
    identity = result.article.url or result.article.title
    digest = hashlib.sha1(identity.encode("utf-8")).hexdigest()[:8]
    other = out_dir / f"{result.slug}-{digest}"
    if _free_for(other, result):
        return other
    raise OutputError(f"{folder} and {other} already hold other articles' files")


def _free_for(folder: Path, result: ShareResult) -> bool:
    """True when ``folder`` is absent, empty, or holds an earlier run for the same article."""
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    try:
        previous = json.loads((folder / DRAFTS_FILE).read_text(encoding="utf-8"))["article"]
    except FileNotFoundError:
        return not any(folder.iterdir())
    except (OSError, ValueError, KeyError, TypeError):
        return False  # not ours to overwrite
    article = result.article
    if article.url or previous.get("url"):
        return previous.get("url") == article.url
    return previous.get("title") == article.title


def _replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, renamed."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            # mkstemp makes the file private (0600); outputs get the usual permissions.
            os.fchmod(stream.fileno(), 0o666 & ~_umask())
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


@functools.cache
def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _remove_leftovers(folder: Path, *, keep: set[str]) -> tuple[str, ...]:
    removed = []
    for name in sorted(_OWN_FILES - keep):
        path = folder / name
        if path.is_file():
            path.unlink()
            removed.append(name)
    return tuple(removed)
