-- Work: deliverables with their submissions and reviews, the facts the KPI
-- engine reads, and in-app notifications.
CREATE TABLE deliverables (
    id                 INTEGER PRIMARY KEY,
    workspace_id       INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id      INTEGER NOT NULL REFERENCES engagements(id),
    service_key        TEXT NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    due_at             TIMESTAMP NOT NULL,
    priority           TEXT NOT NULL,
    assignee_id        INTEGER REFERENCES memberships(id) ON DELETE SET NULL,
    acceptor           TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    submissions        INTEGER NOT NULL DEFAULT 0,
    returns            INTEGER NOT NULL DEFAULT 0,
    first_submitted_at TIMESTAMP,
    accepted_at        TIMESTAMP,
    search_text        TEXT NOT NULL DEFAULT '',
    created_by         INTEGER REFERENCES users(id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX deliverables_engagement ON deliverables (workspace_id, engagement_id, status, due_at);

CREATE TABLE submissions (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces(id),
    deliverable_id INTEGER NOT NULL REFERENCES deliverables(id),
    number         INTEGER NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    submitted_by   INTEGER NOT NULL REFERENCES users(id),
    submitted_at   TIMESTAMP NOT NULL,
    UNIQUE (deliverable_id, number)
);

CREATE TABLE submission_files (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    file_id       INTEGER NOT NULL REFERENCES files(id),
    PRIMARY KEY (submission_id, file_id)
);

CREATE TABLE reviews (
    id                INTEGER PRIMARY KEY,
    workspace_id      INTEGER NOT NULL REFERENCES workspaces(id),
    deliverable_id    INTEGER NOT NULL REFERENCES deliverables(id),
    submission_number INTEGER NOT NULL,
    decision          TEXT NOT NULL,
    reason            TEXT NOT NULL DEFAULT '',
    comment           TEXT NOT NULL DEFAULT '',
    reviewed_by       INTEGER NOT NULL REFERENCES users(id),
    reviewed_at       TIMESTAMP NOT NULL,
    UNIQUE (deliverable_id, submission_number)
);

-- Facts: what happened, once, with the numbers the KPI engine needs. kind
-- names the fact ("deliverable.accepted", "penalty.late_notice" …); subject
-- is the deliverable, request or notice it is about; day is the local date
-- in the workspace's zone.
CREATE TABLE facts (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    kind          TEXT NOT NULL,
    subject_id    INTEGER NOT NULL DEFAULT 0,
    at            TIMESTAMP NOT NULL,
    day           TEXT NOT NULL,
    value         INTEGER NOT NULL DEFAULT 0,
    flag          INTEGER NOT NULL DEFAULT 0,
    amount_minor  INTEGER NOT NULL DEFAULT 0,
    currency      TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX facts_engagement_day ON facts (workspace_id, engagement_id, kind, day);
CREATE UNIQUE INDEX facts_once ON facts (workspace_id, kind, subject_id) WHERE kind LIKE 'penalty.%' OR kind LIKE 'breach.%';

CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    kind          TEXT NOT NULL,
    engagement_id INTEGER NOT NULL DEFAULT 0,
    subject_id    INTEGER NOT NULL DEFAULT 0,
    args          TEXT NOT NULL DEFAULT '{}',
    created_at    TIMESTAMP NOT NULL,
    read_at       TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, workspace_id, read_at);
