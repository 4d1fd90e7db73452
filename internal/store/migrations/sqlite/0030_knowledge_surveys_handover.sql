-- Pulse surveys (package survey): an engagement's settings (questions as
-- keys separated by commas, how often, the minimum of answers before
-- results show), the rounds sent for a period, and each client person's
-- answer (scores as JSON {"clarity": 4, …}). The answers of a round are
-- read only as a whole; who answered is never shown to the partner.
CREATE TABLE survey_settings (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    questions     TEXT NOT NULL,
    every         TEXT NOT NULL,
    min_answers   INTEGER NOT NULL CHECK (min_answers >= 1),
    updated_by    INTEGER NOT NULL REFERENCES users(id),
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, engagement_id)
);

CREATE TABLE survey_rounds (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    period_kind   TEXT NOT NULL,
    period_start  TEXT NOT NULL,
    questions     TEXT NOT NULL,
    min_answers   INTEGER NOT NULL,
    sent_by       INTEGER NOT NULL REFERENCES users(id),
    sent_at       TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, engagement_id, period_kind, period_start)
);

CREATE TABLE survey_answers (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    round_id     INTEGER NOT NULL REFERENCES survey_rounds(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    scores       TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    answered_at  TIMESTAMP NOT NULL,
    UNIQUE (round_id, user_id)
);

-- The knowledge base (package knowledge): pages of an engagement or of the
-- workspace (engagement_id NULL: the client's own), their versions, who
-- reviewed them, and who is named as able to run an area.
CREATE TABLE knowledge_pages (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER REFERENCES engagements(id),
    area          TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    owner_id      INTEGER NOT NULL REFERENCES users(id),
    review_on     TEXT NOT NULL,
    updated_by    INTEGER NOT NULL REFERENCES users(id),
    updated_at    TIMESTAMP NOT NULL
);

CREATE INDEX knowledge_pages_engagement ON knowledge_pages (workspace_id, engagement_id, area);

CREATE TABLE knowledge_versions (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    page_id      INTEGER NOT NULL REFERENCES knowledge_pages(id),
    version      INTEGER NOT NULL,
    area         TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    author_id    INTEGER NOT NULL REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (page_id, version)
);

CREATE TABLE knowledge_reviews (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    page_id      INTEGER NOT NULL REFERENCES knowledge_pages(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    reviewed_at  TIMESTAMP NOT NULL
);

CREATE INDEX knowledge_reviews_page ON knowledge_reviews (page_id);

CREATE TABLE knowledge_runners (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER REFERENCES engagements(id),
    area          TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    named_by      INTEGER NOT NULL REFERENCES users(id),
    named_at      TIMESTAMP NOT NULL
);

CREATE INDEX knowledge_runners_engagement ON knowledge_runners (workspace_id, engagement_id, area);

-- The responsible person of an engagement on each side (side client |
-- partner), and the handovers (package handover) when one is replaced,
-- with their checklists (a default step by key, or a line of the rule).
CREATE TABLE engagement_responsibles (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    side          TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    set_by        INTEGER NOT NULL REFERENCES users(id),
    set_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (engagement_id, side)
);

CREATE TABLE handovers (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    side          TEXT NOT NULL,
    from_user     INTEGER NOT NULL REFERENCES users(id),
    to_user       INTEGER NOT NULL REFERENCES users(id),
    rule          TEXT NOT NULL DEFAULT '',
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    completed_at  TIMESTAMP
);

CREATE INDEX handovers_engagement ON handovers (workspace_id, engagement_id);

CREATE TABLE handover_steps (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    handover_id  INTEGER NOT NULL REFERENCES handovers(id),
    position     INTEGER NOT NULL,
    step_key     TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL DEFAULT '',
    done_by      INTEGER REFERENCES users(id),
    done_at      TIMESTAMP,
    UNIQUE (handover_id, position)
);
