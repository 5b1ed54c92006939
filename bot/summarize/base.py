"""What every summarizer promises the composer.

A summary is a list of sentences copied from the article (never re-spelled), in article
order. A platform's length rule reaches the summarizer as a ``fits`` callable that answers
whether a candidate selection, in article order, still fits the post. Made for a post (with
``fits``), a summary opens with the news and never with a sentence that leans on one the
reader does not see; to fit, a sentence may be cut at a clause boundary (it then ends with
«.») and the opening one may lose the «و» that tied it to the text before. It never repeats
the headline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

Fits = Callable[[Sequence[str]], bool]
"""Answers whether a selection of sentences (in article order) fits a post."""


@runtime_checkable
class Summarizer(Protocol):
    def summarize(
        self,
        text: str,
        *,
        title: str | None = None,
        max_sentences: int = 3,
        fits: Fits | None = None,
    ) -> list[str]:
        """Pick at most ``max_sentences`` sentences of ``text``, in article order.

        When ``fits`` is given only selections it accepts are kept; when nothing fits, not
        even a clause, the result is empty, and so it is for text without letters.
        """
        ...
