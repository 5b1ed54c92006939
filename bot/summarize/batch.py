"""The summarizer alone over a stream of records, for `main.py summarize-batch`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from bot.summarize.base import Fits, Summarizer

# With a character budget the budget decides how many sentences fit, not a count.
_UNLIMITED = 1_000


def within_chars(limit: int) -> Fits:
    """A ``fits`` rule: the sentences joined by one space have at most ``limit`` characters."""

    def fits(selection: Sequence[str]) -> bool:
        return len(" ".join(selection)) <= limit

    return fits


def summarize_records(
    records: Iterable[dict],
    summarizer: Summarizer,
    *,
    sentences: int | None,
    chars: int | None,
) -> Iterator[dict]:
    """Summarise ``{"id", "text"}`` records one by one.

    Args:
        records: Dicts with "id" and "text" (other keys are ignored; a missing text counts
            as empty, a missing id is passed on as None).
        summarizer: Any :class:`Summarizer`.
        sentences: At most this many sentences (3 when neither budget is given).
        chars: Whole sentences joined by a space must stay within this many characters;
            may be combined with ``sentences``.

    Yields:
        ``{"id": ..., "summary": "..."}`` per record, in input order; the summary is the
        chosen sentences joined by a space ("" when nothing fits).
    """
    if chars is not None and chars <= 0:
        raise ValueError("chars must be positive")
    if sentences is not None and sentences <= 0:
        raise ValueError("sentences must be positive")
    count = sentences if sentences is not None else (_UNLIMITED if chars is not None else 3)
    fits = within_chars(chars) if chars is not None else None
    for record in records:
        text = record.get("text") or ""
        chosen = summarizer.summarize(
            text, title=record.get("title"), max_sentences=count, fits=fits
        )
        yield {"id": record.get("id"), "summary": " ".join(chosen)}
