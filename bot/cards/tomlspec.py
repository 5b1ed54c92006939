"""A small typed reader for TOML tables that names the exact field when a value is wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from bot.cards.colors import parse_hex

COLOR_NAMES = ("brand", "accent")

Fail = Callable[[str], NoReturn]


class Table:
    """One TOML table: typed getters, and an error for any key nobody asked for."""

    def __init__(self, data: Any, where: str, fail: Fail) -> None:
        if not isinstance(data, dict):
            fail(f"[{where}] must be a table")
        self.data, self.where, self.fail = data, where, fail
        self.seen: set[str] = set()

    def _get(self, key: str, default: Any) -> Any:
        self.seen.add(key)
        return self.data.get(key, default)

    def _bad(self, key: str, problem: str) -> NoReturn:
        self.fail(f"{self.where}.{key}: {problem}" if self.where else f"{key}: {problem}")

    def text(self, key: str, default: str, choices: tuple[str, ...] = ()) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            self._bad(key, f"expected text, got {value!r}")
        if choices and value not in choices:
            self._bad(key, f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            self._bad(key, f"expected true or false, got {value!r}")
        return value

    def number(self, key: str, default: float, low: float, high: float) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._bad(key, f"expected a number, got {value!r}")
        if not low <= value <= high:
            self._bad(key, f"must be between {low} and {high}, got {value}")
        return float(value)

    def color(self, key: str, default: str) -> str:
        value = self.optional_color(key, default)
        return default if value is None else value

    def optional_color(self, key: str, default: str | None) -> str | None:
        value = self._get(key, default)
        if value is None or value in COLOR_NAMES:
            return value
        try:
            parse_hex(value)
        except (ValueError, TypeError, AttributeError):
            self._bad(key, f"expected #RRGGBB, 'brand' or 'accent', got {value!r}")
        return str(value).upper()

    def table(self, key: str) -> Table:
        where = f"{self.where}.{key}" if self.where else key
        return Table(self._get(key, {}), where, self.fail)

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            self._bad(unknown[0], f"unknown key (known: {', '.join(sorted(self.seen))})")
