-- The last answer's fingerprint: a feed served again byte for byte (many servers send no
-- ETag) has nothing new, and is not parsed again.
ALTER TABLE feeds ADD COLUMN body_hash TEXT;
