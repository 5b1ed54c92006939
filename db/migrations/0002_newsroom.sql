-- The newsroom: drafts under review, their history, the outbox of posts, editors, the
-- questions the bot is waiting on, and leases for work that must run in one place at a time.
-- Times are UTC, ISO 8601 with microseconds and "+00:00", so they compare as text.

CREATE TABLE drafts (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    status             TEXT NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    targets            TEXT NOT NULL,          -- comma-separated Target values
    origin             TEXT NOT NULL,          -- submit, link, forward, feed …
    article            TEXT NOT NULL,          -- JSON
    canonical_url      TEXT,
    headline           TEXT NOT NULL,
    channel_text       TEXT NOT NULL,
    x_text             TEXT NOT NULL,
    x_link             TEXT,
    theme              TEXT NOT NULL,
    variant            INTEGER NOT NULL DEFAULT 0,
    used_sentences     TEXT NOT NULL,          -- JSON array
    buttons            TEXT NOT NULL,          -- JSON array of [label, url]
    created_by         INTEGER NOT NULL,
    created_by_name    TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    scheduled_at       TEXT,
    preview_chat_id    INTEGER,
    preview_message_id INTEGER,
    decided_by         INTEGER,
    decided_by_name    TEXT,
    decided_at         TEXT,
    reason             TEXT
);
CREATE INDEX drafts_status ON drafts (status, scheduled_at);
CREATE INDEX drafts_canonical ON drafts (canonical_url);

CREATE TABLE draft_cards (
    draft_id     INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    size         TEXT NOT NULL,
    image_format TEXT NOT NULL,
    data         BLOB NOT NULL,
    PRIMARY KEY (draft_id, size)
);

-- Every action, with who and when and the text before and after, written before any side
-- effect of the action.
CREATE TABLE draft_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    draft_id    INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    actor_id    INTEGER NOT NULL,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    before_text TEXT,
    after_text  TEXT,
    detail      TEXT
);
CREATE INDEX draft_events_draft ON draft_events (draft_id, id);

-- One row per message to post; (draft, kind) is unique, so approving twice, or a restart,
-- can never queue the same post twice.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    draft_id     INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    target       TEXT NOT NULL,
    parent_kind  TEXT,                          -- sent only after this kind of the same draft
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    text         TEXT NOT NULL,                 -- what is posted (for X, what reconciling looks for)
    not_before   TEXT NOT NULL,
    lease_owner  TEXT,
    lease_until  TEXT,
    external_id  TEXT,
    external_url TEXT,
    error        TEXT,
    cost_micros  INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    sent_at      TEXT,
    UNIQUE (draft_id, kind)
);
CREATE INDEX outbox_due ON outbox (status, not_before);

CREATE TABLE editors (
    user_id  INTEGER PRIMARY KEY,
    username TEXT,
    name     TEXT NOT NULL,
    added_by INTEGER NOT NULL,
    added_at TEXT NOT NULL
);

-- People the bot has seen, so that "/editors add @name" can find their id.
CREATE TABLE known_users (
    user_id  INTEGER PRIMARY KEY,
    username TEXT,
    name     TEXT NOT NULL,
    seen_at  TEXT NOT NULL
);
CREATE INDEX known_users_username ON known_users (username);

-- A question asked with ForceReply, waiting for that person's answer in that chat.
CREATE TABLE pending_inputs (
    chat_id           INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    kind              TEXT NOT NULL,
    draft_id          INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    version           INTEGER NOT NULL,
    field             TEXT,
    prompt_message_id INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

-- Work that must run in one place at a time (the scheduler): whoever holds an unexpired
-- lease runs it.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
