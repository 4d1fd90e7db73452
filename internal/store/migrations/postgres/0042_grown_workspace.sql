-- A workspace of a million audit entries and 100,000 deliverables (issue 16)
-- keeps its pages fast.
--
-- The audit trail's page reads its workspace's entries newest first: this
-- index answers it by reading the page's entries backwards, instead of
-- sorting the whole trail (AuditStore.List).
CREATE INDEX events_time ON events (workspace_id, at, id);

-- An engagement's work page lists its deliverables by due time: the index
-- deliverables_engagement has the status before the due time, so the list
-- sorted every deliverable of the engagement.
CREATE INDEX deliverables_due ON deliverables (workspace_id, engagement_id, due_at, id);

-- The owner's and manager's home show the newest partners.
CREATE INDEX partners_created ON partners (workspace_id, created_at, id);
