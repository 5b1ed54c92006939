-- What the handling of an update has already done for its user, so that a worker taking
-- over the update of a worker that died neither sends the answer again nor leaves a
-- second «جارٍ التحضير…» behind.
ALTER TABLE inbox ADD COLUMN placeholder_id INTEGER;  -- the «جارٍ التحضير…» message sent
ALTER TABLE inbox ADD COLUMN answered_at TEXT;        -- the final answer went out then
