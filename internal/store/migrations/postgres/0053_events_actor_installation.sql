-- events_actor (actor_id, at) answers one question: the sign-ins and
-- failed sign-ins of a workspace's members, which are kept in the
-- installation's chain (workspace 0) and shown on the workspace's audit
-- trail (AuditStore.List, auditWheres: workspace_id = 0 AND actor_id IN
-- …). No statement looks up a workspace's own entries by their actor, yet
-- every entry of every write added to the index — on SQLite a b-tree page
-- more in the log at each commit, on PostgreSQL an index entry at the
-- insert and another when the entry is sealed. The index now holds the
-- installation's entries only.
DROP INDEX events_actor;
CREATE INDEX events_actor ON events (actor_id, at) WHERE workspace_id = 0;
