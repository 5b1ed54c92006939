"""Line breaking and headline auto-fit, in logical order, measured by the drawing engine.

Break points are chosen on word widths (HarfBuzz's with Raqm, see ``TextEngine.word_widths``):
measured once at the largest size and scaled to estimate the smaller ones (advance widths
scale almost linearly). Every size that looks like it fits is then confirmed by the engine
that draws, line by line, so an estimate can cost a size step but never an overflow.

Breaks keep phrases together (see ``phrases.py``): a break inside a phrase is taken only when
no other arrangement fits, neither at this size with as many lines as the room allows, nor at
a size a little smaller.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import regex

from bot.cards.phrases import Bond, bonds, tokens
from bot.cards.shaping import Run, TextEngine

ELLIPSIS = "…"
# Glyphs may ink a little past their advance box (a final ر or ي sweeps left, Latin j and f
# overhang): lines are measured against the box minus this much on each side, and placed
# this far in from the edge, so the ink itself stays inside the box.
INK_PAD = 0.08
_GRAPHEME = regex.compile(r"\X")
# A weak bond («محطة تحلية») is broken rather than leave lines further apart than this share
# of the line width (for two lines, a difference d adds d²/2 to the sum of squares).
WEAK_SPREAD = 0.4
# How far below the first size that fits a text may shrink to keep its phrases whole: enough
# for «الهيدروجين الأخضر» to share a line on the X card (72 → 60 px), not so far that a long
# chain («مع بداية الموسم الدراسي الجديد») shrinks a story headline by half.
KEEP_SHRINK = 0.8


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


def _balanced(
    widths: list[float], space: float, count: int, limit: float, ties: list[Bond]
) -> tuple[list[int], int] | None:
    """Break points splitting words into ``count`` lines: phrases first, then even widths.

    Among the arrangements whose lines are all within ``limit``, the one that breaks the
    lightest kept bonds (``ties[i]`` holds words i and i+1; see ``Bond.kept``); among those,
    the lowest sum of squared line widths (the total is fixed, so this is the spread: a
    designer balances a headline rather than leave a word alone on a line), each broken WEAK
    bond counting as a spread of ``WEAK_SPREAD`` of the width. Returns the index of the first
    word of each line after the first and the weight of the kept bonds broken, or None when
    nothing fits.
    """
    n = len(widths)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    weak = (WEAK_SPREAD * limit) ** 2 / 2
    # What a line starting at word i costs: the kept bond broken, and a weak one's spread.
    hard = [0, *(int(t) if t.kept else 0 for t in ties)]
    soft = [0.0, *(weak if t is Bond.WEAK else 0.0 for t in ties)]
    # best[k][j]: (kept bonds broken, cost) when the first j words make k lines
    best: list[list[tuple[int, float] | None]] = [[None] * (n + 1) for _ in range(count + 1)]
    cut = [[0] * (n + 1) for _ in range(count + 1)]
    for j in range(1, n + 1):
        width = prefix[j] + space * (j - 1)
        if width > limit:
            break
        best[1][j] = (0, width * width)
    for k in range(2, count + 1):
        for j in range(k, n + 1):
            found = None
            for i in range(j - 1, k - 2, -1):  # words i..j-1 make the k-th line
                width = prefix[j] - prefix[i] + space * (j - i - 1)
                if width > limit:
                    break
                before = best[k - 1][i]
                if before is None:
                    continue
                value = (before[0] + hard[i], before[1] + width * width + soft[i])
                if found is None or value < found:
                    found, cut[k][j] = value, i
            best[k][j] = found
    final = best[count][n]
    if final is None:
        return None
    breaks: list[int] = []
    j = n
    for k in range(count, 1, -1):
        j = cut[k][j]
        breaks.append(j)
    return sorted(breaks), final[0]


def _clean_count(widths: list[float], space: float, limit: float, ties: list[Bond]) -> int:
    """Fewest lines that break no kept bond (0 when some phrase is wider than a line).

    Each run of words held by kept bonds is one unit; filling lines unit by unit gives the
    fewest lines, as it does for words.
    """
    units = [widths[0]] if widths else []
    for width, tie in zip(widths[1:], ties, strict=True):
        if tie.kept:
            units[-1] += space + width
        else:
            units.append(width)
    if not units or max(units) > limit:
        return 0
    return _greedy_count(units, space, limit)


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


def _greedy(widths: list[float], space: float, limit: float, ties: list[Bond]) -> list[int]:
    """First words of the lines after the first, filling each line in turn.

    A line that would end inside a phrase ends at the phrase's start instead, when the line
    then still holds a word.
    """
    starts: list[int] = []
    start, used = 0, 0.0
    for index, w in enumerate(widths):
        while index > start and used + space + w > limit:
            cut = index
            while cut > start + 1 and ties[cut - 1].kept:
                cut -= 1
            if ties[cut - 1].kept:
                cut = index  # the whole line is one phrase: break where it overflows
            starts.append(cut)
            start = cut
            used = sum(widths[cut:index]) + space * (index - cut - 1)  # the words carried over
        used = used + space + w if index > start else w
    return starts


def _lines(words: list[str], starts: list[int]) -> list[str]:
    edges = [0, *starts, len(words)]
    return [" ".join(words[a:b]) for a, b in itertools.pairwise(edges)]


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
        self._ties: dict[Run, tuple[list[str], list[Bond]]] = {}

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

    def _phrases(self, run: Run) -> tuple[list[str], list[Bond]]:
        """Words of ``run`` and the bond across each space between them."""
        found = self._ties.get(run)
        if found is None:
            words = tokens(run.text)
            found = self._ties[run] = (words, bonds(words))
        return found

    def _words(self, run: Run, size: int) -> tuple[list[str], list[float], float]:
        """Words, their widths for choosing breaks (see TextEngine.word_widths), the space."""
        words = self._phrases(run)[0]
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

    def _fits(self, run: Run, size: int, lines: list[str], limit: float) -> bool:
        return all(self.measure(run, size, line) <= limit for line in lines)

    def wrap(self, run: Run, size: int, max_width: float) -> list[str]:
        """Greedy lines that keep phrases together, each confirmed by the engine."""
        return self._wrap(run, size, max_width)[0]

    def _wrap(self, run: Run, size: int, max_width: float) -> tuple[list[str], int]:
        """:meth:`wrap`'s lines and the weight of the kept bonds they break."""
        limit = max_width - 2 * ink_pad(size)
        words, widths, space = self._words(run, size)
        ties = self._phrases(run)[1]
        starts = _greedy(widths, space, limit, ties)
        lines = _lines(words, starts)
        if self._fits(run, size, lines, limit):
            return lines, sum(ties[i - 1] for i in starts if ties[i - 1].kept)
        # A word wider than the line, or widths the engine does not confirm: measured whole.
        return self._wrap_exact(run, size, limit), 0

    def _wrap_exact(self, run: Run, size: int, limit: float) -> list[str]:
        """Greedy lines, each candidate measured whole (long words split into pieces)."""
        lines: list[str] = []
        current = ""
        for word in self._phrases(run)[0]:
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
        """Largest size in ``largest..smallest`` whose lines fit; «…» only at ``smallest``.

        The first size that fits is kept unless its lines must break a phrase; then sizes
        down to ``KEEP_SHRINK`` of it are tried for lines that do not, and when none has
        them, the lines that break the lightest phrases are used (at the largest such size).
        """
        # One-line summaries and short headlines: one measurement instead of one per word.
        if (
            (largest == smallest or len(run.text) <= 40)
            and self.lines_for_height(run, largest, pitch, max_height) >= 1
            and self.measure(run, largest, run.text) <= max_width - 2 * ink_pad(largest)
        ):
            return self._block(run, largest, [run.text], pitch, False)
        _, ref, ref_space = self._words(run, largest)
        ties = self._phrases(run)[1]
        first_fit = 0
        fallback: tuple[int, TextBlock] | None = None  # lines that break a phrase, by weight
        for size in range(largest, smallest - 1, -2 if largest - smallest > 8 else -1):
            if size < first_fit * KEEP_SHRINK:
                break
            allowed = min(max_lines, self.lines_for_height(run, size, pitch, max_height))
            scale = size / largest
            widths = [w * scale for w in ref]
            space, estimate_limit = ref_space * scale, (max_width - 2 * ink_pad(size)) * 0.99
            count = _greedy_count(widths, space, estimate_limit)
            if allowed < 1 or count > allowed:
                continue
            if fallback is not None and not (
                0 < _clean_count(widths, space, estimate_limit, ties) <= allowed
            ):
                # Estimated on the scaled widths: still no whole-phrase lines; worth a look
                # only if the phrases broken would be lighter.
                found = _balanced(widths, space, count, estimate_limit, ties) if balance else None
                if found is None or found[1] >= fallback[0]:
                    continue
            lines, broken = self._confirm(run, size, count, allowed, max_width, balance)
            if len(lines) > allowed:
                continue
            block = self._block(run, size, lines, pitch, False)
            if not broken:
                return block
            first_fit = first_fit or size
            if fallback is None or broken < fallback[0]:
                fallback = (broken, block)
        if fallback is not None:
            return fallback[1]
        allowed = max(1, min(max_lines, self.lines_for_height(run, smallest, pitch, max_height)))
        lines = self.wrap(run, smallest, max_width)
        if len(lines) > allowed:
            cut = self.ellipsize(run, smallest, lines, allowed, max_width)
            return self._block(run, smallest, cut, pitch, True)
        return self._block(run, smallest, lines, pitch, False)

    def _confirm(
        self, run: Run, size: int, count: int, allowed: int, max_width: float, balance: bool
    ) -> tuple[list[str], int]:
        """Exact lines at ``size`` and the weight of the kept bonds they break.

        Balanced (when asked) in ``count`` lines, or in more, up to ``allowed``, when that is
        what keeps every phrase whole; greedy when no balanced arrangement is confirmed.
        """
        words, widths, space = self._words(run, size)
        ties = self._phrases(run)[1]
        limit = max_width - 2 * ink_pad(size)
        if balance and count > 1:
            clean = _clean_count(widths, space, limit, ties)
            if 0 < clean <= allowed:
                counts = [max(count, clean)]  # whole phrases in this many lines
            else:  # a phrase must break: the lightest break in up to two more lines
                counts = list(range(count, min(count + 2, allowed) + 1))
            tried = [_balanced(widths, space, n, limit, ties) for n in counts]
            found = min((t for t in tried if t is not None), key=lambda t: t[1], default=None)
            if found is not None:
                lines = _lines(words, found[0])
                if self._fits(run, size, lines, limit):
                    return lines, found[1]
        return self._wrap(run, size, max_width)
