-- Feeds, the items seen in them, the posting schedule, and what a draft from a feed carries.

CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    url             TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    policy          TEXT NOT NULL,            -- review | auto
    channel         TEXT,                     -- NULL: the default CHANNEL_ID
    paused          INTEGER NOT NULL DEFAULT 0,
    interval_s      INTEGER NOT NULL,
    include_terms   TEXT NOT NULL DEFAULT '[]',  -- JSON array of plain substrings
    exclude_terms   TEXT NOT NULL DEFAULT '[]',
    etag            TEXT,
    last_modified   TEXT,
    next_poll_at    TEXT NOT NULL,
    last_polled_at  TEXT,                     -- NULL: never polled (first-time window applies)
    last_success_at TEXT,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    alerted         INTEGER NOT NULL DEFAULT 0,  -- the admins were told it keeps failing
    created_by      INTEGER NOT NULL,
    created_at      TEXT NOT NULL
);

-- Every item ever seen in a feed, taken or not, so that nothing is taken twice.
CREATE TABLE feed_items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    feed_id    INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    guid       TEXT NOT NULL,
    url_key    TEXT NOT NULL,
    story_key  TEXT NOT NULL,
    title      TEXT NOT NULL,
    published  TEXT,
    seen_at    TEXT NOT NULL,
    outcome    TEXT NOT NULL,                 -- taken | filtered | old | duplicate | failed
    draft_id   INTEGER REFERENCES drafts (id) ON DELETE SET NULL,
    UNIQUE (feed_id, guid)
);
CREATE INDEX feed_items_url ON feed_items (url_key);
CREATE INDEX feed_items_story ON feed_items (story_key);

-- The posting schedule: one JSON document (slots per weekday, quiet hours, spacing, caps,
-- paused), edited with /slots, /pause and /resume.
CREATE TABLE schedule_config (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

ALTER TABLE drafts ADD COLUMN channel TEXT;
ALTER TABLE drafts ADD COLUMN breaking INTEGER NOT NULL DEFAULT 0;
ALTER TABLE drafts ADD COLUMN feed_id INTEGER;
ALTER TABLE drafts ADD COLUMN auto INTEGER NOT NULL DEFAULT 0;
CREATE INDEX drafts_story ON drafts (status, breaking);
