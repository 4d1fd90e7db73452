-- Handover packages (package bundle, store/bundle_*.go). package_keys holds
-- the installation's Ed25519 signing key, made on the first export, and the
-- installation's id named in every manifest. package_imports maps the ids
-- of an imported package (source installation, entity, package id) to the
-- local rows made or matched, so that importing the same package twice
-- creates nothing the second time.
CREATE TABLE package_keys (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    installation TEXT NOT NULL,
    private_key  BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE package_imports (
    workspace_id INTEGER NOT NULL,
    source       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    package_id   INTEGER NOT NULL,
    local_id     INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, source, entity, package_id)
);
