"""Fixtures for summarizer tests: a local fake LLM server and LLM settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.settings import Secret, Settings
from tests.summarize.fake_llm import FakeLLM

API_KEY = "sk-test-3f9a1c77e2"


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def llm_settings(settings: Settings, fake_llm: FakeLLM) -> Settings:
    return settings.replace(
        summarizer="llm",
        llm_base_url=fake_llm.base_url,
        llm_api_key=Secret(API_KEY),
        llm_model="fake-model",
        llm_timeout=0.4,
    )
