-- When the editors were told how a publication ended: a report not yet sent when the bot
-- stopped is sent after the restart.
ALTER TABLE drafts ADD COLUMN reported_at TEXT;
