-- Choosing and piloting partners: uploaded files, evidence on candidate
-- partners, selections with weighted criteria and reviewers' scores, and the
-- go/no-go reviews of pilots.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    created_by   INTEGER REFERENCES users(id)
);
CREATE INDEX files_workspace ON files (workspace_id);

CREATE TABLE partner_evidence (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    partner_id   INTEGER NOT NULL REFERENCES partners(id),
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT '',
    value        INTEGER,
    verified     INTEGER NOT NULL DEFAULT 0,
    file_id      INTEGER REFERENCES files(id),
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX partner_evidence_partner ON partner_evidence (workspace_id, partner_id);

CREATE TABLE selections (
    id                 INTEGER PRIMARY KEY,
    workspace_id       INTEGER NOT NULL REFERENCES workspaces(id),
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    decided_partner_id INTEGER REFERENCES partners(id),
    decision_reason    TEXT NOT NULL DEFAULT '',
    decided_by         TEXT NOT NULL DEFAULT '',
    decided_at         TIMESTAMP,
    engagement_id      INTEGER REFERENCES engagements(id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX selections_workspace ON selections (workspace_id, created_at);

CREATE TABLE selection_candidates (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    selection_id INTEGER NOT NULL REFERENCES selections(id),
    partner_id   INTEGER NOT NULL REFERENCES partners(id),
    PRIMARY KEY (selection_id, partner_id)
);

CREATE TABLE selection_reviewers (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    selection_id INTEGER NOT NULL REFERENCES selections(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (selection_id, user_id)
);

CREATE TABLE selection_criteria (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    selection_id INTEGER NOT NULL REFERENCES selections(id),
    code         TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL DEFAULT '',
    weight       INTEGER NOT NULL,
    position     INTEGER NOT NULL
);
CREATE INDEX selection_criteria_selection ON selection_criteria (selection_id, position);

CREATE TABLE selection_scores (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    selection_id INTEGER NOT NULL REFERENCES selections(id),
    reviewer_id  INTEGER NOT NULL REFERENCES users(id),
    partner_id   INTEGER NOT NULL REFERENCES partners(id),
    criterion_id INTEGER NOT NULL REFERENCES selection_criteria(id),
    value        INTEGER NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (selection_id, reviewer_id, partner_id, criterion_id)
);

CREATE TABLE pilot_reviews (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    selection_id  INTEGER NOT NULL REFERENCES selections(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    decision      TEXT NOT NULL,
    reason        TEXT NOT NULL,
    decided_by    TEXT NOT NULL,
    decided_at    TIMESTAMP NOT NULL
);
CREATE INDEX pilot_reviews_selection ON pilot_reviews (selection_id, id);
