-- A transaction's change log row is written out once, at its COMMIT.
--
-- Until now every table a transaction changed after its first made the
-- trigger UPDATE the transaction's table_changes row again: a batch of the
-- writer that logs calls changes seven or eight tables (the calls, their
-- accounts, the audit entries, the facts, the day's and the week's
-- aggregates…), so its row was written seven or eight times, each a new
-- version of the row, in the statements the batch waits for. Now the row
-- is inserted with the first table, as before; the statement trigger only
-- notes the tables after it in the transaction's setting tandem.changed
-- ("17,i:partners,u:events,", as before); and a deferred constraint
-- trigger on the row, which PostgreSQL runs at COMMIT in the same
-- transaction, writes the arrays from the setting when it holds more than
-- the first. Nothing outside the transaction sees the row before it
-- commits, so the instances that read the log (store/pgchanges.go) read
-- what they read before. A savepoint rolled back takes back its tables'
-- notes with its changes (set_config(…, true) is undone with the
-- subtransaction); the row was inserted before it or goes with it, as
-- before.
CREATE OR REPLACE FUNCTION tandem_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tag TEXT := CASE WHEN TG_OP = 'INSERT' THEN 'i:' ELSE 'u:' END || TG_TABLE_NAME;
    cur TEXT := COALESCE(current_setting('tandem.changed', true), '');
    row_id BIGINT;
BEGIN
    IF cur = '' THEN
        INSERT INTO table_changes (inserted, changed)
        VALUES (CASE WHEN TG_OP = 'INSERT' THEN ARRAY[TG_TABLE_NAME::text] ELSE '{}' END,
                CASE WHEN TG_OP = 'INSERT' THEN '{}' ELSE ARRAY[TG_TABLE_NAME::text] END)
        RETURNING id INTO row_id;
        PERFORM set_config('tandem.changed', row_id || ',' || tag || ',', true);
        PERFORM pg_notify('tandem_changes', '');
    ELSIF position(',' || tag || ',' IN cur) = 0 THEN
        PERFORM set_config('tandem.changed', cur || tag || ',', true);
    END IF;
    RETURN NULL;
END $$;

-- tandem_changes_noted writes the tables noted in tandem.changed to the
-- transaction's row (the setting's first item is the row's id).
CREATE FUNCTION tandem_changes_noted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    noted TEXT[] := string_to_array(COALESCE(current_setting('tandem.changed', true), ''), ',');
    ins TEXT[] := '{}';
    chg TEXT[] := '{}';
    t TEXT;
BEGIN
    IF noted IS NULL OR cardinality(noted) < 4 OR noted[1] <> NEW.id::text THEN
        -- One table noted ("17,i:partners,"), which the row was inserted
        -- with; or a row written another way (noteEverything).
        RETURN NULL;
    END IF;
    FOREACH t IN ARRAY noted[2:] LOOP
        IF left(t, 2) = 'i:' THEN
            ins := ins || substr(t, 3);
        ELSIF left(t, 2) = 'u:' THEN
            chg := chg || substr(t, 3);
        END IF;
    END LOOP;
    UPDATE table_changes SET inserted = ins, changed = chg WHERE id = NEW.id;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER table_changes_noted AFTER INSERT ON table_changes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tandem_changes_noted();
