-- Terminations (package engagement, termination.go): one per engagement,
-- started by either side with a notice day and a reason; the day it takes
-- effect, the handover deadline and the consultation hours owed; and when
-- the partner's access closed (revoked_at). engagements.partner_revoked_at
-- takes the engagement out of every partner person's scope at once.
ALTER TABLE engagements ADD COLUMN partner_revoked_at TIMESTAMPTZ;

CREATE TABLE engagement_terminations (
    engagement_id      BIGINT PRIMARY KEY REFERENCES engagements(id),
    workspace_id       BIGINT NOT NULL REFERENCES workspaces(id),
    side               TEXT NOT NULL,
    started_by         BIGINT NOT NULL REFERENCES users(id),
    notice_on          DATE NOT NULL,
    reason             TEXT NOT NULL,
    effective_on       DATE NOT NULL,
    agreed             BOOLEAN NOT NULL DEFAULT FALSE,
    handover_due       DATE NOT NULL,
    consultation_hours INTEGER NOT NULL DEFAULT 0,
    revoked_at         TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL
);

CREATE INDEX engagement_terminations_due ON engagement_terminations (effective_on) WHERE revoked_at IS NULL;

CREATE TABLE termination_items (
    engagement_id BIGINT NOT NULL REFERENCES engagement_terminations(engagement_id),
    key           TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '',
    position      INTEGER NOT NULL,
    done_at       TIMESTAMPTZ,
    done_by       BIGINT REFERENCES users(id),
    PRIMARY KEY (engagement_id, key)
);
