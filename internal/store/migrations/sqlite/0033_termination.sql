-- Terminations (package engagement, termination.go): one per engagement,
-- started by either side with a notice day and a reason; the day it takes
-- effect, the handover deadline and the consultation hours owed; and when
-- the partner's access closed (revoked_at). engagements.partner_revoked_at
-- takes the engagement out of every partner person's scope at once.
ALTER TABLE engagements ADD COLUMN partner_revoked_at TIMESTAMP;

CREATE TABLE engagement_terminations (
    engagement_id      INTEGER PRIMARY KEY REFERENCES engagements(id),
    workspace_id       INTEGER NOT NULL REFERENCES workspaces(id),
    side               TEXT NOT NULL,
    started_by         INTEGER NOT NULL REFERENCES users(id),
    notice_on          TEXT NOT NULL,
    reason             TEXT NOT NULL,
    effective_on       TEXT NOT NULL,
    agreed             INTEGER NOT NULL DEFAULT 0,
    handover_due       TEXT NOT NULL,
    consultation_hours INTEGER NOT NULL DEFAULT 0,
    revoked_at         TIMESTAMP,
    created_at         TIMESTAMP NOT NULL
);

CREATE INDEX engagement_terminations_due ON engagement_terminations (effective_on) WHERE revoked_at IS NULL;

-- The handover checklist of a termination: its steps, and who did each.
CREATE TABLE termination_items (
    engagement_id INTEGER NOT NULL REFERENCES engagement_terminations(engagement_id),
    key           TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '',
    position      INTEGER NOT NULL,
    done_at       TIMESTAMP,
    done_by       INTEGER REFERENCES users(id),
    PRIMARY KEY (engagement_id, key)
);
