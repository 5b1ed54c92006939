-- Rate limits shared by every worker of the bot: the flood windows learn when they can be
-- dropped, and each user's requests of the last minute are kept next to them.

-- From this moment (epoch seconds) a window holds nothing that matters: it is deleted.
-- Not indexed: the tables hold only the windows of the last minute or so (each worker
-- deletes the expired ones every minute), and an index on a column every booking rewrites
-- would make each of those updates touch the index too.
ALTER TABLE flood_windows ADD COLUMN expires REAL NOT NULL DEFAULT 0;

-- A user's requests in the last minute (RATE_LIMIT_PER_MINUTE).
CREATE TABLE rate_windows (
    user_id    INTEGER PRIMARY KEY,
    hits       TEXT NOT NULL DEFAULT '[]',  -- JSON [[epoch s, article key or null], …]
    told_until REAL NOT NULL DEFAULT 0,     -- the user was told to wait until then
    expires    REAL NOT NULL DEFAULT 0      -- nothing that matters is left after this
);
