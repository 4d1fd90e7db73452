-- The activity feed of a record (the engagement page shows its last 20
-- entries) reads the entries about one entity, newest first. With only
-- (workspace_id, entity, entity_id) the planner either sorted every entry
-- about the record or, as SQLite chose, walked the workspace's whole trail
-- backwards through UNIQUE (workspace_id, seq) until it had found 20: its
-- cost grew with the trail, not the record. This index finds the record's
-- entries already in seq order, so the feed reads just the entries it
-- shows. It starts with the old events_entity's columns, which it replaces.
CREATE INDEX events_feed ON events (workspace_id, entity, entity_id, seq);
DROP INDEX events_entity;
