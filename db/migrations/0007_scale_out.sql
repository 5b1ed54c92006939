-- Several workers over one database: Telegram's updates received once and handled in order,
-- due work run once, and the flood limits shared by every process of the bot.

-- Every update Telegram delivers, keyed on its update_id so that a redelivery (or the same
-- update reaching two workers) is stored once. A worker claims the oldest update of a chat
-- whose earlier updates are all done, so one chat's updates are handled in order.
CREATE TABLE inbox (
    update_id    INTEGER PRIMARY KEY,
    chat_key     INTEGER NOT NULL,            -- the chat (or, for inline queries, the user)
    payload      TEXT NOT NULL,               -- the update's JSON as Telegram sent it
    status       TEXT NOT NULL,               -- new | claimed | done | failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT,
    lease_until  TEXT,
    received_at  TEXT NOT NULL,
    handled_at   TEXT,
    error        TEXT
);
CREATE INDEX inbox_open ON inbox (status, chat_key, update_id);
CREATE INDEX inbox_handled ON inbox (handled_at);

-- Due work (a scheduled post, a feed's poll round) runs once per (task, run_at), even if two
-- processes believe they lead at the same moment.
CREATE TABLE task_runs (
    task       TEXT NOT NULL,
    run_at     TEXT NOT NULL,
    holder     TEXT NOT NULL,
    started_at TEXT NOT NULL,
    PRIMARY KEY (task, run_at)
);

-- Telegram's flood limits are per bot, not per process: the send times reserved in each
-- window (a chat, a group, the bot overall), shared by every worker.
CREATE TABLE flood_windows (
    key           TEXT PRIMARY KEY,
    times         TEXT NOT NULL DEFAULT '[]',  -- JSON array of reserved send times (epoch s)
    blocked_until REAL NOT NULL DEFAULT 0      -- after a 429: nothing before this (epoch s)
);
