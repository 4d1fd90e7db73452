-- The audit chain is sealed after commit on PostgreSQL (store/auditseal.go):
-- a write inserts its entry with seq, prev_hash and hash NULL, and one
-- sealer at a time later gives the unsealed entries their place in the
-- workspace's chain. Writers no longer update event_heads, whose row lock
-- they used to hold until commit, so they no longer queue on it.
ALTER TABLE events ALTER COLUMN seq DROP NOT NULL;
ALTER TABLE events ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE events ALTER COLUMN hash DROP NOT NULL;

-- The sealer reads the unsealed entries in id order; the window is small,
-- so this index is too.
CREATE INDEX events_unsealed ON events (id) WHERE seq IS NULL;

-- The feed reads a record's entries newest first, the unsealed ones
-- (seq NULL: first in a descending order) by id: the id closes the key so
-- that a backward scan gives seq DESC NULLS FIRST, id DESC without a sort.
CREATE INDEX events_feed2 ON events (workspace_id, entity, entity_id, seq, id);
DROP INDEX events_feed;
ALTER INDEX events_feed2 RENAME TO events_feed;

-- Entries stay append-only except for sealing: an UPDATE may only set seq,
-- prev_hash and hash where all three were NULL, to values that are not
-- NULL, and change nothing else. DELETE is still refused. The trigger keeps
-- its name (events_no_change).
CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
       AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
       AND NEW.id = OLD.id AND NEW.workspace_id = OLD.workspace_id AND NEW.at = OLD.at
       AND NEW.actor_id = OLD.actor_id AND NEW.actor = OLD.actor AND NEW.action = OLD.action
       AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id AND NEW.data = OLD.data THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'events are append-only';
END;
$$;
