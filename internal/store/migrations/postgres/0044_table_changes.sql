-- Which tables each write transaction changed, for the results kept
-- between requests (store/pgchanges.go): every instance on the database
-- reads the rows committed since it last looked and ends only the kept
-- results that read one of those tables. xid orders them by transaction
-- (a snapshot's xmin tells which transactions have all ended).
CREATE TABLE table_changes (
    id BIGSERIAL PRIMARY KEY,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    inserted TEXT[] NOT NULL DEFAULT '{}',
    changed TEXT[] NOT NULL DEFAULT '{}'
);
CREATE INDEX table_changes_xid ON table_changes (xid);

-- The statement trigger every other table gets (the store adds it to a
-- table that lacks it when it opens). A transaction's first change
-- inserts its row into table_changes; each table it changes after that
-- is added to the row once: "inserted" for an INSERT, "changed" for an
-- UPDATE, a DELETE or a TRUNCATE. The transaction's setting
-- tandem.changed — "17,i:partners,u:events," — holds the row's id and
-- the tables noted. A cascade's and a trigger's statements fire it too,
-- and so do writes made outside Tandem (psql).
CREATE FUNCTION tandem_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ins BOOLEAN := TG_OP = 'INSERT';
    tag TEXT := CASE WHEN TG_OP = 'INSERT' THEN 'i:' ELSE 'u:' END || TG_TABLE_NAME;
    cur TEXT := COALESCE(current_setting('tandem.changed', true), '');
    row_id BIGINT;
BEGIN
    IF cur = '' THEN
        INSERT INTO table_changes (inserted, changed)
        VALUES (CASE WHEN ins THEN ARRAY[TG_TABLE_NAME::text] ELSE '{}' END,
                CASE WHEN ins THEN '{}' ELSE ARRAY[TG_TABLE_NAME::text] END)
        RETURNING id INTO row_id;
        PERFORM set_config('tandem.changed', row_id || ',' || tag || ',', true);
    ELSIF position(',' || tag || ',' IN cur) = 0 THEN
        row_id := split_part(cur, ',', 1)::bigint;
        IF ins THEN
            UPDATE table_changes SET inserted = inserted || TG_TABLE_NAME::text WHERE id = row_id;
        ELSE
            UPDATE table_changes SET changed = changed || TG_TABLE_NAME::text WHERE id = row_id;
        END IF;
        PERFORM set_config('tandem.changed', cur || tag || ',', true);
    END IF;
    RETURN NULL;
END $$;
