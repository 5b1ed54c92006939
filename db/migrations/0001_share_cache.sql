-- The share cache: one row per article, its drafts and its cards, found by canonical URL,
-- by any source URL that led to it, or by the hash of a pasted text.

CREATE TABLE shares (
    id            TEXT PRIMARY KEY,          -- short id carried by Telegram callback buttons
    canonical_url TEXT UNIQUE,               -- NULL for pasted text
    text_key      TEXT UNIQUE,               -- sha256 of pasted text; NULL for links
    slug          TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    url           TEXT,
    source_url    TEXT,
    image_url     TEXT,
    published     TEXT,                      -- ISO date
    author        TEXT,
    site_name     TEXT,
    language      TEXT NOT NULL,
    section       TEXT,
    created_at    TEXT NOT NULL,             -- UTC, ISO 8601
    CHECK (canonical_url IS NOT NULL OR text_key IS NOT NULL)
);

CREATE TABLE share_sources (
    source_url TEXT PRIMARY KEY,             -- normalised address a user sent
    share_id   TEXT NOT NULL REFERENCES shares (id) ON DELETE CASCADE
);
CREATE INDEX share_sources_share ON share_sources (share_id);

CREATE TABLE share_drafts (
    share_id   TEXT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    platform   TEXT NOT NULL,
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    length     INTEGER NOT NULL,
    max_length INTEGER NOT NULL,
    link       TEXT,
    hashtags   TEXT NOT NULL,                -- JSON array
    share_url  TEXT,
    summary    TEXT NOT NULL,
    PRIMARY KEY (share_id, platform)
);

CREATE TABLE share_cards (
    share_id         TEXT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    size             TEXT NOT NULL,
    position         INTEGER NOT NULL,
    image_format     TEXT NOT NULL,
    data             BLOB NOT NULL,
    telegram_file_id TEXT,                   -- set once Telegram has the photo
    PRIMARY KEY (share_id, size)
);
