-- The change log announces itself (store/pglisten.go): a transaction's
-- first change notifies the channel tandem_changes, which PostgreSQL
-- delivers to every listening instance once the transaction commits (and
-- never when it rolls back). An instance keeps the identity of a request
-- that writes until it hears of a change, instead of reading it again with
-- every request. Otherwise as in 0044.
CREATE OR REPLACE FUNCTION tandem_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
        PERFORM pg_notify('tandem_changes', '');
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
