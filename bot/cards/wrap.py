"""Line breaking and headline auto-fit, in logical order, measured by the drawing engine.

Break points are chosen on word widths (HarfBuzz's with Raqm, see ``TextEngine.word_widths``):
measured once at the largest size and scaled to estimate the smaller ones (advance widths
scale almost linearly). Every size that looks like it fits is then confirmed by the engine
that draws, line by line, so an estimate can cost a size step but never an overflow.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import regex

from bot.cards.shaping import Run, TextEngine

ELLIPSIS = "…"
# Glyphs may ink a little past their advance box (a final ر or ي sweeps left, Latin j and f
# overhang): lines are measured against the box minus this much on each side, and placed
# this far in from the edge, so the ink itself stays inside the box.
INK_PAD = 0.08
_GRAPHEME = regex.compile(r"\X")
_NUMBER = regex.compile(r"^[(\[«\"]?[\p{Nd}][\p{Nd}.,٫٬]*[%٪]?$")


@dataclass(frozen=True, slots=True)
class TextBlock:
    """A paragraph broken into lines at one size; ``pitch`` is baseline-to-baseline."""

    run: Run
    size: int
    lines: tuple[str, ...]
    pitch: float
    ascent: int
    descent: int
    truncated: bool

    @property
    def height(self) -> int:
        if not self.lines:
            return 0
        return round(self.ascent + self.descent + self.pitch * (len(self.lines) - 1))


def _balanced(widths: list[float], space: float, count: int, limit: float) -> list[int]:
    """Break points splitting words into ``count`` lines of the most even widths.

    Minimises the sum of squared line widths (the total is fixed, so this is the spread),
    with every line within ``limit``. Returns the index of the first word of each line after
    the first. A designer balances a headline rather than leave a word alone on a line.
    """
    n = len(widths)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)

    def span(i: int, j: int) -> float:  # words i..j-1 on one line
        return prefix[j] - prefix[i] + space * (j - i - 1)

    inf = float("inf")
    # best[k][j]: lowest cost when the first j words make k lines
    best = [[inf] * (n + 1) for _ in range(count + 1)]
    cut = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for j in range(k, n + 1):
            for i in range(k - 1, j):
                width = span(i, j)
                if best[k - 1][i] == inf or width > limit:
                    continue
                value = best[k - 1][i] + width * width
                if value < best[k][j]:
                    best[k][j], cut[k][j] = value, i
    if best[count][n] == inf:
        return []
    breaks: list[int] = []
    j = n
    for k in range(count, 1, -1):
        j = cut[k][j]
        breaks.append(j)
    return sorted(breaks)


def _tokens(text: str) -> list[str]:
    """Words to break between; a number stays with the word after it («1.7 مليار»)."""
    tokens: list[str] = []
    for word in text.split(" "):
        if tokens and _NUMBER.match(tokens[-1]):
            tokens[-1] = f"{tokens[-1]} {word}"
        else:
            tokens.append(word)
    return tokens


def ink_pad(size: int) -> int:
    """Pixels kept free on each side of a line set at ``size``."""
    return math.ceil(size * INK_PAD)


def _greedy_count(widths: list[float], space: float, max_width: float) -> int:
    lines, current = 0, -1.0
    for w in widths:
        if current < 0 or current + space + w > max_width:
            lines += 1
            current = w
        else:
            current += space + w
    return lines


class Wrapper:
    """Wrap and fit text blocks with one :class:`TextEngine`.

    One wrapper serves one card: it remembers every width it measured (the same words are
    measured again for balancing, for the footer, for text boxes), and is then dropped, so
    nothing is shared between threads.
    """

    def __init__(self, engine: TextEngine) -> None:
        self.engine = engine
        self._widths: dict[tuple[str, Run, int], float] = {}
        self._breaking_widths: dict[tuple[Run, int], list[float]] = {}

    def measure(self, run: Run, size: int, text: str, *, recurring: bool = False) -> float:
        """Width of ``text`` set in ``run``'s face and direction at ``size``.

        ``recurring``: text that comes back on other cards (see :meth:`TextEngine.measure`).
        """
        key = (text, run, size)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = self.engine.measure(
                text, run.face, size, run.direction, recurring=recurring
            )
        return width

    def _words(self, run: Run, size: int) -> tuple[list[str], list[float], float]:
        """Words, their widths for choosing breaks (see TextEngine.word_widths), the space."""
        words = _tokens(run.text)
        key = (run, size)
        widths = self._breaking_widths.get(key)
        if widths is None:
            widths = self._breaking_widths[key] = self.engine.word_widths(
                words, run.face, size, run.direction
            )
        return words, widths, self.measure(run, size, " ", recurring=True)

    def _pieces(self, word: str, run: Run, size: int, limit: float) -> list[str]:
        """``word``, or chunks of it when it is wider than a whole line (long Latin tokens)."""
        if self.measure(run, size, word) <= limit:
            return [word]
        pieces: list[str] = []
        current = ""
        for grapheme in _GRAPHEME.findall(word):
            if current and self.measure(run, size, current + grapheme) > limit:
                pieces.append(current)
                current = grapheme
            else:
                current += grapheme
        return [*pieces, current] if current else pieces

    def wrap(self, run: Run, size: int, max_width: float) -> list[str]:
        """Greedy lines: summed word widths, then each line confirmed by the engine."""
        limit = max_width - 2 * ink_pad(size)
        words, widths, space = self._words(run, size)
        lines, current, used = [], [], 0.0
        for word, w in zip(words, widths, strict=True):
            if current and used + space + w > limit:
                lines.append(" ".join(current))
                current, used = [], 0.0
            used = used + space + w if current else w
            current.append(word)
        if current:
            lines.append(" ".join(current))
        if all(self.measure(run, size, line) <= limit for line in lines):
            return lines
        return self._wrap_exact(run, size, limit)

    def _wrap_exact(self, run: Run, size: int, limit: float) -> list[str]:
        """Greedy lines, each candidate measured whole (long words split into pieces)."""
        lines: list[str] = []
        current = ""
        for word in _tokens(run.text):
            for piece in self._pieces(word, run, size, limit):
                trial = f"{current} {piece}" if current else piece
                if current and self.measure(run, size, trial) > limit:
                    lines.append(current)
                    current = piece
                else:
                    current = trial
        return [*lines, current] if current else lines

    def _block(self, run: Run, size: int, lines: list[str], pitch: float, cut: bool) -> TextBlock:
        ascent, descent = self.engine.extents(run, size)
        return TextBlock(run, size, tuple(lines), size * pitch, ascent, descent, cut)

    def lines_for_height(self, run: Run, size: int, pitch: float, max_height: float) -> int:
        ascent, descent = self.engine.extents(run, size)
        if max_height < ascent + descent:
            return 0
        return int((max_height - ascent - descent) // (size * pitch)) + 1

    def ellipsize(
        self, run: Run, size: int, lines: list[str], keep: int, max_width: float, *,
        recurring: bool = False,
    ) -> list[str]:  # fmt: skip
        """First ``keep`` lines, the last one ending in «…» (at its logical end)."""
        limit = max_width - 2 * ink_pad(size)
        kept = lines[:keep]
        words = kept[-1].split(" ")
        while words:
            candidate = " ".join(words) + ELLIPSIS
            if self.measure(run, size, candidate, recurring=recurring) <= limit:
                return [*kept[:-1], candidate]
            if len(words) == 1:
                break
            words.pop()
        graphemes = _GRAPHEME.findall(words[0] if words else "")
        while graphemes and (
            self.measure(run, size, "".join(graphemes) + ELLIPSIS, recurring=recurring) > limit
        ):
            graphemes.pop()
        return [*kept[:-1], "".join(graphemes) + ELLIPSIS]

    def fit(
        self,
        run: Run,
        *,
        max_width: float,
        max_height: float,
        largest: int,
        smallest: int,
        max_lines: int,
        pitch: float,
        balance: bool = True,
    ) -> TextBlock:
        """Largest size in ``largest..smallest`` whose lines fit; «…» only at ``smallest``."""
        # One-line summaries and short headlines: one measurement instead of one per word.
        if (
            (largest == smallest or len(run.text) <= 40)
            and self.lines_for_height(run, largest, pitch, max_height) >= 1
            and self.measure(run, largest, run.text) <= max_width - 2 * ink_pad(largest)
        ):
            return self._block(run, largest, [run.text], pitch, False)
        words, ref, ref_space = self._words(run, largest)
        for size in range(largest, smallest - 1, -2 if largest - smallest > 8 else -1):
            allowed = min(max_lines, self.lines_for_height(run, size, pitch, max_height))
            scale = size / largest
            widths = [w * scale for w in ref]
            limit = max_width - 2 * ink_pad(size)
            count = _greedy_count(widths, ref_space * scale, limit * 0.99)
            if allowed < 1 or count > allowed:
                continue
            lines = self._confirm(run, size, words, count, max_width, balance)
            if len(lines) <= allowed:
                return self._block(run, size, lines, pitch, False)
        allowed = max(1, min(max_lines, self.lines_for_height(run, smallest, pitch, max_height)))
        lines = self.wrap(run, smallest, max_width)
        if len(lines) > allowed:
            cut = self.ellipsize(run, smallest, lines, allowed, max_width)
            return self._block(run, smallest, cut, pitch, True)
        return self._block(run, smallest, lines, pitch, False)

    def _confirm(
        self, run: Run, size: int, words: list[str], count: int, max_width: float, balance: bool
    ) -> list[str]:
        """Exact lines at ``size``: balanced when asked and they fit, else greedy."""
        if balance and count > 1:
            _, widths, space = self._words(run, size)
            limit = max_width - 2 * ink_pad(size)
            inner = _balanced(widths, space, count, limit)
            if inner:
                breaks = [0, *inner, len(words)]
                lines = [" ".join(words[a:b]) for a, b in itertools.pairwise(breaks)]
                if all(self.measure(run, size, line) <= limit for line in lines):
                    return lines
        return self.wrap(run, size, max_width)
