-- Meetings of an engagement's governance: series from the cadence of the
-- terms, their occurrences, agendas, minutes, decisions and action items,
-- and each person's secret calendar feed token.
CREATE TABLE meeting_series (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    kind          TEXT NOT NULL,
    every_days    INTEGER NOT NULL,
    first_at      TIMESTAMP NOT NULL,
    duration_min  INTEGER NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    chair_id      INTEGER NOT NULL REFERENCES users(id),
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, engagement_id, kind)
);

CREATE TABLE meeting_participants (
    series_id INTEGER NOT NULL REFERENCES meeting_series(id),
    user_id   INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (series_id, user_id)
);
CREATE INDEX meeting_participants_user ON meeting_participants (user_id);

CREATE TABLE meetings (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    series_id     INTEGER NOT NULL REFERENCES meeting_series(id),
    number        INTEGER NOT NULL,
    starts_at     TIMESTAMP NOT NULL,
    duration_min  INTEGER NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    sequence      INTEGER NOT NULL DEFAULT 0,
    finalised_at  TIMESTAMP,
    finalised_by  INTEGER REFERENCES users(id),
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (series_id, number)
);
CREATE INDEX meetings_engagement ON meetings (workspace_id, engagement_id, starts_at);

CREATE TABLE meeting_items (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    source     TEXT NOT NULL,
    record_id  INTEGER NOT NULL DEFAULT 0,
    title      TEXT NOT NULL,
    notes      TEXT NOT NULL DEFAULT '',
    reached    INTEGER NOT NULL DEFAULT 0,
    added_by   INTEGER REFERENCES users(id),
    position   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX meeting_items_meeting ON meeting_items (meeting_id);

CREATE TABLE meeting_attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE decisions (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    meeting_id    INTEGER NOT NULL REFERENCES meetings(id),
    number        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    beyond_powers INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, engagement_id, number)
);

CREATE TABLE action_items (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
    engagement_id INTEGER NOT NULL REFERENCES engagements(id),
    meeting_id    INTEGER NOT NULL REFERENCES meetings(id),
    title         TEXT NOT NULL,
    owner_id      INTEGER NOT NULL REFERENCES users(id),
    due_on        TEXT NOT NULL,
    link          TEXT NOT NULL DEFAULT '',
    topic         TEXT NOT NULL DEFAULT '',
    tool          TEXT NOT NULL DEFAULT '',
    done_at       TIMESTAMP,
    alerted_at    TIMESTAMP,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX action_items_engagement ON action_items (workspace_id, engagement_id, done_at);
CREATE INDEX action_items_owner ON action_items (owner_id, done_at);

CREATE TABLE calendar_feeds (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    token_hash   TEXT NOT NULL UNIQUE,
    token        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, user_id)
);
