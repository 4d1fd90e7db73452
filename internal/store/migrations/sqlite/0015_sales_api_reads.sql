-- What each partner API token read of the sales base, per clock hour (UTC):
-- n records (accounts and contacts), and whether the client has been told
-- that the token reached the limit this hour. Kept in the database so that
-- the limit holds across several servers.
CREATE TABLE sales_api_reads (
    token_id     INTEGER NOT NULL,
    hour         TIMESTAMP NOT NULL,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    n            INTEGER NOT NULL DEFAULT 0,
    notified     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (token_id, hour)
);
