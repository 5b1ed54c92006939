"""Nashir engine: works on articles and posts, with no knowledge of Telegram updates."""
