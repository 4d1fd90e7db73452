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
-- before. Should the deferred trigger run before COMMIT (SET CONSTRAINTS
-- … IMMEDIATE), it marks the setting written ("…,!"), and a table changed
-- after that is added to the row at once, as before this migration.
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
        IF right(cur, 1) = '!' THEN
            -- The row was written out already (tandem_changes_noted ran
            -- before COMMIT): add the table to it now.
            row_id := split_part(cur, ',', 1)::bigint;
            IF ins THEN
                UPDATE table_changes SET inserted = inserted || TG_TABLE_NAME::text WHERE id = row_id;
            ELSE
                UPDATE table_changes SET changed = changed || TG_TABLE_NAME::text WHERE id = row_id;
            END IF;
            PERFORM set_config('tandem.changed', left(cur, -1) || tag || ',!', true);
        ELSE
            PERFORM set_config('tandem.changed', cur || tag || ',', true);
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- tandem_changes_noted writes the tables noted in tandem.changed to the
-- transaction's row (the setting's first item is the row's id) and marks
-- the setting written.
CREATE FUNCTION tandem_changes_noted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cur TEXT := COALESCE(current_setting('tandem.changed', true), '');
    noted TEXT[] := string_to_array(cur, ',');
    ins TEXT[] := '{}';
    chg TEXT[] := '{}';
    t TEXT;
BEGIN
    IF cardinality(noted) = 0 OR noted[1] <> NEW.id::text OR right(cur, 1) = '!' THEN
        -- A row written another way (noteEverything), or written already.
        RETURN NULL;
    END IF;
    PERFORM set_config('tandem.changed', cur || '!', true);
    IF cardinality(noted) < 4 THEN
        RETURN NULL; -- one table noted ("17,i:partners,"), which the row was inserted with
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
