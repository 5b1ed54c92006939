"""Settings: defaults, validation naming the bad variable, .env parsing, secrets hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import SettingsError
from bot.settings import load_settings, read_dotenv, setting_names

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


def test_outbox_lease_is_a_minute_unless_set() -> None:
    assert load_settings({}, dotenv=None).outbox_lease_seconds == 60.0
    shorter = load_settings({"OUTBOX_LEASE_SECONDS": "2.5"}, dotenv=None)
    assert shorter.outbox_lease_seconds == 2.5
    with pytest.raises(SettingsError, match="OUTBOX_LEASE_SECONDS"):
        load_settings({"OUTBOX_LEASE_SECONDS": "0"}, dotenv=None)
