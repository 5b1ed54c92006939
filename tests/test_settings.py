"""Settings: defaults, validation naming the bad variable, .env parsing, secrets hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import SettingsError
from bot.settings import DatabaseUrl, load_settings, read_dotenv, setting_names

ROOT = Path(__file__).resolve().parent.parent


def test_embedded_defaults_need_no_environment() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org"
    assert settings.database_url.path == Path("data/nashir.sqlite3")
    assert settings.database_url.engine == "sqlite"
    assert settings.timezone.key == "Africa/Casablanca"
    assert settings.fetch_allow_private_hosts is False
    assert settings.fetch_max_bytes == 5 * 1024 * 1024
    assert settings.summarizer == "extractive"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEZONE", "Mars/Olympus"),
        ("FETCH_ALLOW_PRIVATE_HOSTS", "maybe"),
        ("EDITOR_USER_IDS", "12,abc"),
        ("RATE_LIMIT_PER_MINUTE", "0"),
        ("TELEGRAM_API_BASE_URL", "ftp://bots"),
        ("BRAND_COLOR", "blue"),
        ("SUMMARIZER", "magic"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value}, dotenv=None)


def test_secrets_never_show_in_repr_or_errors() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "123:SECRET-token"}, dotenv=None)
    assert "SECRET" not in repr(settings)
    assert "SECRET" not in str(settings.telegram_bot_token)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.reveal() == "123:SECRET-token"


def test_dotenv_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\nSITE_NAME='أخبار الساحل'\nexport EDITOR_USER_IDS=1, 2\nTIMEZONE=UTC\n",
        encoding="utf-8",
    )
    settings = load_settings({"TIMEZONE": "Africa/Cairo"}, dotenv=env_file)
    assert settings.site_name == "أخبار الساحل"
    assert settings.editor_user_ids == frozenset({1, 2})
    assert settings.timezone.key == "Africa/Cairo"


def test_a_malformed_dotenv_line_is_reported(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("JUST_A_WORD\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=":1:"):
        read_dotenv(env_file)


def test_env_example_documents_every_setting_with_a_valid_default() -> None:
    example = read_dotenv(ROOT / ".env.example")
    assert list(example) == list(setting_names())
    load_settings(example, dotenv=None)  # every documented default parses


@pytest.mark.parametrize(
    ("raw", "engine", "path"),
    [
        ("sqlite+aiosqlite:///data/nashir.sqlite3", "sqlite", Path("data/nashir.sqlite3")),
        ("sqlite+aiosqlite:////var/lib/nashir/n.db", "sqlite", Path("/var/lib/nashir/n.db")),
        ("sqlite:///n.db", "sqlite", Path("n.db")),
        ("data/other.sqlite3", "sqlite", Path("data/other.sqlite3")),
        ("postgresql://nashir:pw@db:5432/nashir", "postgresql", None),
        ("postgres://nashir@db/nashir", "postgresql", None),
        ("postgresql+asyncpg://nashir@db/nashir", "postgresql", None),
    ],
)
def test_database_urls_name_an_sqlite_file_or_a_postgresql_server(
    raw: str, engine: str, path: Path | None
) -> None:
    url = DatabaseUrl.parse(raw)
    assert url.engine == engine and url.path == path
    if engine == "postgresql":
        assert url.dsn().startswith("postgresql://")


@pytest.mark.parametrize("raw", ["", "mysql://db/x", "sqlite+aiosqlite://", "postgresql://"])
def test_a_database_url_that_names_nothing_usable_is_refused(raw: str) -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        load_settings({"DATABASE_URL": raw}, dotenv=None)


def test_the_database_password_never_shows() -> None:
    url = DatabaseUrl.parse("postgresql://nashir:s3cr3t-pw@db:5432/nashir?password=again")
    settings = load_settings({"DATABASE_URL": url.dsn()}, dotenv=None)
    for shown in (str(url), repr(url), repr(settings), f"{settings.database_url}"):
        assert "s3cr3t-pw" not in shown and "again" not in shown
    assert "nashir:***@db:5432/nashir" in str(url)


def test_the_older_database_path_setting_still_names_the_file() -> None:
    settings = load_settings({"DATABASE_PATH": "/srv/nashir/old.sqlite3"}, dotenv=None)
    assert settings.database_url.path == Path("/srv/nashir/old.sqlite3")
    both = {"DATABASE_PATH": "old.sqlite3", "DATABASE_URL": "sqlite:///new.sqlite3"}
    assert load_settings(both, dotenv=None).database_url.path == Path("new.sqlite3")


def test_outbox_lease_is_a_minute_unless_set() -> None:
    assert load_settings({}, dotenv=None).outbox_lease_seconds == 60.0
    shorter = load_settings({"OUTBOX_LEASE_SECONDS": "2.5"}, dotenv=None)
    assert shorter.outbox_lease_seconds == 2.5
    with pytest.raises(SettingsError, match="OUTBOX_LEASE_SECONDS"):
        load_settings({"OUTBOX_LEASE_SECONDS": "0"}, dotenv=None)
