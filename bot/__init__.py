"""Nashir engine: everything that works on articles and posts, with no knowledge of Telegram updates."""
