"""Real local peers for the test suite (pages, feeds, Bot API, X API)."""
