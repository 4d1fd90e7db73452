-- tandem_expect_rows fails the statement that calls it unless n is want:
-- the check of a write that the writer queues in a PostgreSQL batch's
-- pipeline (store/pgbatch.go) and does not wait for. The server then
-- skips the rest of the pipeline, COMMIT included, and the batch answers
-- as for any refused write of its end (rolled back, run again carefully).
-- SQLSTATE P0002: no_data_found.
CREATE FUNCTION tandem_expect_rows(n bigint, want bigint, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF n IS DISTINCT FROM want THEN
        RAISE EXCEPTION '%', what USING ERRCODE = 'P0002';
    END IF;
END $$;
