"""Settings: read once from the environment and `.env`, validated, immutable.

`main.py` calls :func:`load_settings` once and passes the result to every service. Nothing
else reads the environment. Secrets are wrapped in :class:`Secret` so that a stray
``repr`` or log line never shows them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import SettingsError


@dataclass(frozen=True, slots=True)
class Secret:
    """A credential. Its text is reachable only through :meth:`reveal`."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        return "***"

    def __repr__(self) -> str:
        return "Secret('***')"

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """Where the data lives: an SQLite file (``path``) or a PostgreSQL server (``dsn()``).

    Printing it never shows a password.
    """

    path: Path | None
    _dsn: Secret | None = field(default=None, repr=False)

    SQLITE_SCHEMES = ("sqlite+aiosqlite", "sqlite")
    POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+asyncpg")

    @classmethod
    def sqlite(cls, path: Path) -> DatabaseUrl:
        return cls(path=path)

    @classmethod
    def parse(cls, raw: str) -> DatabaseUrl:
        """``sqlite+aiosqlite:///relative.db``, ``sqlite+aiosqlite:////abs.db``, a bare file
        path, or ``postgresql://user:password@host:port/database?sslmode=…``."""
        value = raw.strip()
        if not value:
            raise ValueError("empty: give sqlite+aiosqlite:///path or postgresql://…")
        scheme, sep, rest = value.partition("://")
        if not sep:
            return cls.sqlite(Path(value).expanduser())
        if scheme in cls.SQLITE_SCHEMES:
            if not rest.startswith("/") or rest == "/":
                raise ValueError("SQLite URLs look like sqlite+aiosqlite:///data/nashir.sqlite3")
            return cls.sqlite(Path(rest[1:]).expanduser())
        if scheme in cls.POSTGRES_SCHEMES:
            if not rest or (rest.startswith("/") and "host=" not in rest):
                raise ValueError("a PostgreSQL URL needs a host: postgresql://user@host/db")
            return cls(path=None, _dsn=Secret(f"postgresql://{rest}"))
        raise ValueError(f"unknown scheme {scheme!r}: use sqlite+aiosqlite:// or postgresql://")

    @property
    def engine(self) -> str:
        return "sqlite" if self.path is not None else "postgresql"

    def dsn(self) -> str:
        if self._dsn is None:
            raise ValueError("an SQLite database has no DSN")
        return self._dsn.reveal()

    def __str__(self) -> str:
        if self.path is not None:
            return f"sqlite+aiosqlite:///{self.path}"
        rest = self.dsn().partition("://")[2]
        credentials, at, location = rest.rpartition("@")
        if at and ":" in credentials:
            credentials = credentials.split(":", 1)[0] + ":***"
        # Passwords may also hide in the query string (?password=…).
        location = re.sub(r"(password=)[^&]*", r"\1***", location)
        return f"postgresql://{credentials}{at}{location}"


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true/false")


def _parse_ids(raw: str) -> frozenset[int]:
    return frozenset(int(part) for part in raw.replace(";", ",").split(",") if part.strip())


def _parse_optional_int(raw: str) -> int | None:
    return int(raw) if raw.strip() else None


def _parse_optional_str(raw: str) -> str | None:
    return raw.strip() or None


def _parse_secret(raw: str) -> Secret | None:
    return Secret(raw.strip()) if raw.strip() else None


def _parse_zone(raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {raw!r}") from exc


def _parse_positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _parse_positive_float(raw: str) -> float:
    value = float(raw)
    if value <= 0:
        raise ValueError("must be a positive number")
    return value


def _parse_choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return value

    return parse


def _parse_optional_path(raw: str) -> Path | None:
    return Path(raw.strip()).expanduser() if raw.strip() else None


def _parse_url(raw: str) -> str:
    value = raw.strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value


def _parse_optional_url(raw: str) -> str | None:
    return _parse_url(raw) if raw.strip() else None


def _parse_keywords(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.replace("،", ",").split(",") if part.strip())


def _parse_color(raw: str) -> str:
    value = raw.strip()
    if len(value) != 7 or not value.startswith("#"):
        raise ValueError("expected a colour like #0E2038")
    int(value[1:], 16)
    return value.upper()


# name → (attribute, parser, default text). The default text is parsed like any value, so
# `.env.example` and this table can be checked against each other by a test.
_SPEC: dict[str, tuple[str, Callable[[str], Any], str]] = {
    "TELEGRAM_BOT_TOKEN": ("telegram_bot_token", _parse_secret, ""),
    "TELEGRAM_API_BASE_URL": ("telegram_api_base_url", _parse_url, "https://api.telegram.org"),
    "TELEGRAM_WEBHOOK_SECRET": ("telegram_webhook_secret", _parse_secret, ""),
    "EDITOR_CHAT_ID": ("editor_chat_id", _parse_optional_int, ""),
    "EDITOR_USER_IDS": ("editor_user_ids", _parse_ids, ""),
    "ADMIN_USER_IDS": ("admin_user_ids", _parse_ids, ""),
    "CHANNEL_ID": ("channel_id", _parse_optional_str, ""),
    "BOT_LANGUAGE": ("bot_language", _parse_choice("ar", "ar+en"), "ar"),
    "RATE_LIMIT_PER_MINUTE": ("rate_limit_per_minute", _parse_positive_int, "5"),
    "MAX_CONCURRENT_JOBS": ("max_concurrent_jobs", _parse_positive_int, "8"),
    "MAX_QUEUED_JOBS": ("max_queued_jobs", _parse_positive_int, "100"),
    "WEBHOOK_CONCURRENCY": ("webhook_concurrency", _parse_positive_int, "256"),
    "INBOX_LEASE_SECONDS": ("inbox_lease_seconds", _parse_positive_int, "60"),
    "DATABASE_URL": ("database_url", DatabaseUrl.parse, "sqlite+aiosqlite:///data/nashir.sqlite3"),
    "TIMEZONE": ("timezone", _parse_zone, "Africa/Casablanca"),
    "X_API_KEY": ("x_api_key", _parse_secret, ""),
    "X_API_SECRET": ("x_api_secret", _parse_secret, ""),
    "X_ACCESS_TOKEN": ("x_access_token", _parse_secret, ""),
    "X_ACCESS_TOKEN_SECRET": ("x_access_token_secret", _parse_secret, ""),
    "X_VIA": ("x_via", _parse_optional_str, ""),
    "X_API_BASE_URL": ("x_api_base_url", _parse_url, "https://api.x.com"),
    "X_UPLOAD_BASE_URL": ("x_upload_base_url", _parse_optional_url, ""),
    "X_LINK_POLICY": (
        "x_link_policy",
        _parse_choice("link", "card_only", "reply_link"),
        "card_only",
    ),
    "OUTBOX_LEASE_SECONDS": ("outbox_lease_seconds", _parse_positive_float, "60"),
    "FEED_POLL_SECONDS": ("feed_poll_seconds", _parse_positive_int, "300"),
    "FEED_FIRST_WINDOW_HOURS": ("feed_first_window_hours", _parse_positive_float, "6"),
    "FEED_MAX_ITEMS_PER_POLL": ("feed_max_items_per_poll", _parse_positive_int, "10"),
    "FEED_ALERT_AFTER_FAILURES": ("feed_alert_after_failures", _parse_positive_int, "3"),
    "BREAKING_KEYWORDS": ("breaking_keywords", _parse_keywords, "عاجل"),
    "SCHEDULE_GRACE_MINUTES": ("schedule_grace_minutes", _parse_positive_int, "30"),
    "LEADER_LEASE_SECONDS": ("leader_lease_seconds", _parse_positive_int, "30"),
    "SITE_NAME": ("site_name", str.strip, ""),
    "SITE_URL": ("site_url", _parse_optional_url, ""),
    "BRAND_COLOR": ("brand_color", _parse_color, "#0E2038"),
    "ACCENT_COLOR": ("accent_color", _parse_color, "#C8102E"),
    "LOGO_PATH": ("logo_path", _parse_optional_path, ""),
    "CARD_THEME": ("card_theme", str.strip, "solid"),
    "CARD_HIJRI_DATE": ("card_hijri_date", _parse_bool, "false"),
    "CARD_ARABIC_DIGITS": ("card_arabic_digits", _parse_bool, "false"),
    "CARD_MONTH_NAMES": (
        "card_month_names",
        _parse_choice("standard", "maghreb", "levant"),
        "standard",
    ),
    "UTM_ENABLED": ("utm_enabled", _parse_bool, "true"),
    "UTM_MEDIUM": ("utm_medium", str.strip, "social"),
    "UTM_CAMPAIGN": ("utm_campaign", str.strip, "nashir"),
    "FETCH_ALLOW_PRIVATE_HOSTS": ("fetch_allow_private_hosts", _parse_bool, "false"),
    "FETCH_MAX_BYTES": ("fetch_max_bytes", _parse_positive_int, str(5 * 1024 * 1024)),
    "FETCH_CONNECT_TIMEOUT": ("fetch_connect_timeout", _parse_positive_float, "5"),
    "FETCH_READ_TIMEOUT": ("fetch_read_timeout", _parse_positive_float, "10"),
    "SUMMARIZER": ("summarizer", _parse_choice("extractive", "llm"), "extractive"),
    "LLM_BASE_URL": ("llm_base_url", _parse_optional_url, ""),
    "LLM_API_KEY": ("llm_api_key", _parse_secret, ""),
    "LLM_MODEL": ("llm_model", _parse_optional_str, ""),
    "LLM_TIMEOUT": ("llm_timeout", _parse_positive_float, "20"),
    "LOG_LEVEL": ("log_level", _parse_choice("debug", "info", "warning", "error"), "info"),
}


@dataclass(frozen=True, slots=True)
class Settings:
    telegram_bot_token: Secret | None
    telegram_api_base_url: str
    telegram_webhook_secret: Secret | None
    editor_chat_id: int | None
    editor_user_ids: frozenset[int]
    admin_user_ids: frozenset[int]
    channel_id: str | None
    bot_language: str
    rate_limit_per_minute: int
    max_concurrent_jobs: int
    max_queued_jobs: int
    webhook_concurrency: int
    inbox_lease_seconds: int
    database_url: DatabaseUrl
    timezone: ZoneInfo
    x_api_key: Secret | None
    x_api_secret: Secret | None
    x_access_token: Secret | None
    x_access_token_secret: Secret | None
    x_via: str | None
    x_api_base_url: str
    x_upload_base_url: str | None
    x_link_policy: str
    outbox_lease_seconds: float
    feed_poll_seconds: int
    feed_first_window_hours: float
    feed_max_items_per_poll: int
    feed_alert_after_failures: int
    breaking_keywords: tuple[str, ...]
    schedule_grace_minutes: int
    leader_lease_seconds: int
    site_name: str
    site_url: str | None
    brand_color: str
    accent_color: str
    logo_path: Path | None
    card_theme: str
    card_hijri_date: bool
    card_arabic_digits: bool
    card_month_names: str
    utm_enabled: bool
    utm_medium: str
    utm_campaign: str
    fetch_allow_private_hosts: bool
    fetch_max_bytes: int
    fetch_connect_timeout: float
    fetch_read_timeout: float
    summarizer: str
    llm_base_url: str | None
    llm_api_key: Secret | None
    llm_model: str | None
    llm_timeout: float
    log_level: str

    def replace(self, **changes: Any) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)


def setting_names() -> tuple[str, ...]:
    """Every environment variable Nashir reads, in documentation order."""
    return tuple(_SPEC)


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a `.env` file: ``NAME=value`` lines, ``#`` comments, optional quotes."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw_line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        name, sep, value = line.partition("=")
        if not sep:
            raise SettingsError(f"{path}:{number}: expected NAME=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def load_settings(
    environ: Mapping[str, str] | None = None, *, dotenv: Path | None = Path(".env")
) -> Settings:
    """Build :class:`Settings` from `.env` overlaid by the environment.

    Raises :class:`SettingsError` naming the first variable whose value is invalid.
    """
    merged: dict[str, str] = read_dotenv(dotenv) if dotenv is not None else {}
    merged.update(os.environ if environ is None else environ)
    if "DATABASE_URL" not in merged and merged.get("DATABASE_PATH", "").strip():
        # Before PostgreSQL, the SQLite file was named by DATABASE_PATH: keep honouring it.
        merged["DATABASE_URL"] = merged["DATABASE_PATH"]
    values: dict[str, Any] = {}
    for name, (attribute, parse, default) in _SPEC.items():
        raw = merged.get(name, default)
        try:
            values[attribute] = parse(raw)
        except (ValueError, TypeError) as exc:
            raise SettingsError(f"{name}: {exc}") from None
    return Settings(**values)
