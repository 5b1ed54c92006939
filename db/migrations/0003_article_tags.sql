-- The publisher's own tags of a shared article (JSON array), so that drafts composed again
-- from a saved share still put them first.
ALTER TABLE shares ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
